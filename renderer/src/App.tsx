import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  AppInfo,
  BoardDto,
  ChecklistViewDto,
  FleetRowDto,
  LinkTargetDto,
  OrgView,
} from '../../preload/contract';
import { call, onAppEvent } from './api';
import { Checklist, revealBelow } from './components/Checklist';
import { FleetView, type CheckAllProgress, type FleetSignIn } from './components/FleetView';
import { StatusBoard } from './components/StatusBoard';
import { ErrorNote } from './components/ErrorNote';
import { OrgForm } from './components/OrgForm';
import { ReportPanel } from './components/ReportPanel';
import { SetupGuide } from './components/SetupGuide';
import { SignInPanel } from './components/SignInPanel';
import { useOnline } from './hooks';
import { mapConcurrent } from './concurrency';
import {
  firstOrgToShow,
  rememberedHome,
  rememberedOrg,
  rememberHome,
  rememberOrg,
  startRequest,
  takeInitialFleet,
  takeInitialLoad,
} from './startup';

type Mode = { kind: 'view' } | { kind: 'add' } | { kind: 'edit' } | { kind: 'confirm-remove' };

export function App() {
  const online = useOnline();
  const [info, setInfo] = useState<AppInfo>();
  const [orgs, setOrgs] = useState<OrgView[]>();
  const [selected, setSelected] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [checklist, setChecklist] = useState<ChecklistViewDto>();
  const [error, setError] = useState<unknown>();
  // The home view of every org; an org's page otherwise.
  const [home, setHome] = useState(() => rememberedHome());
  const [board, setBoard] = useState<BoardDto>();
  const [fleet, setFleet] = useState<FleetRowDto[]>();
  const [fleetSignIn, setFleetSignIn] = useState<Record<string, FleetSignIn>>();
  // Orgs whose checks are running, with when they started; failures per org (one never stops the others).
  const [running, setRunning] = useState<Record<string, number>>({});
  const [verifyErrors, setVerifyErrors] = useState<Record<string, unknown>>({});
  const [checkAll, setCheckAll] = useState<CheckAllProgress>();
  const homeRef = useRef(home);
  homeRef.current = home;

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const shownChecklistAlias = useRef<string>(undefined);
  shownChecklistAlias.current = checklist?.alias;

  const loadOrgs = useCallback(async () => {
    try {
      const list = (await call('orgs.list', {})).orgs;
      setOrgs(list);
      // The updater sees a selection made while the list was loading (a just-added org), which the ref
      // may not show yet: reading the ref here put the previous org back after an add.
      setSelected((current) => firstOrgToShow(list, current ?? rememberedOrg()));
    } catch (e) {
      setError(e);
    }
  }, []);

  // Asks made while one commit's effects run share one request: at launch the org and its checklist
  // arrive together, and both effects below want the board (two identical board.get before this).
  const boardAsked = useRef<{ alias: string; done: Promise<void> }>(undefined);
  const loadBoard = useCallback((alias: string): Promise<void> => {
    const asked = boardAsked.current;
    if (asked?.alias === alias) return asked.done;
    const done = Promise.resolve().then(async () => {
      // From here on, a new ask is a new request (unless another org's ask has replaced this one).
      if (boardAsked.current?.done === done) boardAsked.current = undefined;
      try {
        const b = await call('board.get', { alias });
        if (selectedRef.current === alias) setBoard(b);
      } catch (e) {
        setError(e);
      }
    });
    boardAsked.current = { alias, done };
    return done;
  }, []);
  useEffect(() => {
    // The first screen comes in one answer, requested before React started (startup.ts).
    const start = takeInitialLoad() ?? startRequest(rememberedOrg());
    start.then((s) => {
      setInfo(s.info);
      setOrgs(s.orgs);
      if (s.checklist) setChecklist(s.checklist);
      setSelected(s.checklist?.alias ?? s.orgs[0]?.alias);
      if (s.orgs.length === 0) setHome(false);
    }, setError);
    return onAppEvent((e) => {
      if (e.type === 'orgs-changed') void loadOrgs();
      // A finished sign-in changes the board's next action.
      if (e.type === 'sign-in' && e.phase === 'signed-in' && e.alias === selectedRef.current)
        void loadBoard(e.alias);
    });
  }, [loadOrgs, loadBoard]);

  const loadChecklist = useCallback(async () => {
    if (!selected) return setChecklist(undefined);
    try {
      setChecklist(await call('checklist.get', { alias: selected }));
    } catch (e) {
      setError(e);
    }
  }, [selected]);
  useEffect(() => {
    if (selected) rememberOrg(selected);
    // Already here when the start-up answer brought this org's checklist.
    if (selected && shownChecklistAlias.current === selected) return;
    void loadChecklist();
  }, [selected, loadChecklist]);

  // The board comes with the checklist (its last verification is restored on every start and reload).
  useEffect(() => {
    setBoard(undefined);
    if (selected && !home) void loadBoard(selected);
  }, [selected, home, loadBoard]);
  // Ticking a step can make the last result stale or confirm a step no check can: refresh the board.
  useEffect(() => {
    if (checklist && checklist.alias === selectedRef.current && !homeRef.current)
      void loadBoard(checklist.alias);
  }, [checklist, loadBoard]);

  const loadFleetRows = useCallback(async () => {
    try {
      setFleet((await (takeInitialFleet() ?? call('fleet.list', {}))).orgs);
    } catch (e) {
      setError(e);
    }
  }, []);
  const loadFleet = useCallback(async () => {
    try {
      await loadFleetRows();
      // Sign-in state needs the keychain: it follows the list instead of holding it up.
      const s = await call('fleet.signInStatus', {});
      setFleetSignIn(Object.fromEntries(s.orgs.map((o) => [o.alias, o])));
    } catch (e) {
      setError(e);
    }
  }, [loadFleetRows]);
  useEffect(() => {
    if (home) void loadFleet();
  }, [home, loadFleet]);

  /** Runs one org's checks; never throws (a failure is kept for that org). */
  const runChecks = useCallback(
    async (alias: string): Promise<boolean> => {
      setRunning((r) => ({ ...r, [alias]: Date.now() }));
      setVerifyErrors(({ [alias]: _gone, ...rest }) => rest);
      let ok = true;
      try {
        await call('verify.run', { alias });
      } catch (e) {
        ok = false;
        setVerifyErrors((v) => ({ ...v, [alias]: e }));
      } finally {
        setRunning(({ [alias]: _done, ...rest }) => rest);
      }
      if (selectedRef.current === alias && !homeRef.current) {
        await Promise.all([loadBoard(alias), loadChecklist()]);
      }
      return ok;
    },
    [loadBoard, loadChecklist],
  );

  async function runCheckAll(aliases: string[]) {
    if (!info) return;
    let finished = 0;
    const failed: string[] = [];
    setCheckAll({ total: aliases.length, finished: 0, failed: [] });
    // The same number at a time as `pkce-pilot verify --all`; the window stays usable throughout.
    await mapConcurrent(aliases, info.features.verifyConcurrency, async (alias) => {
      if (!(await runChecks(alias))) failed.push(alias);
      finished += 1;
      setCheckAll({ total: aliases.length, finished, failed: [...failed] });
      // Each org's row updates as soon as its own checks finish.
      if (homeRef.current) void loadFleetRows();
    });
  }

  function showOrg(alias: string) {
    setSelected(alias);
    setHome(false);
    rememberHome(false);
    setMode({ kind: 'view' });
  }

  function showItem(itemId: string) {
    const row = document.querySelector<HTMLElement>(`li[data-item-id="${CSS.escape(itemId)}"]`);
    if (!row) return;
    const target = row.querySelector<HTMLElement>('input[type="checkbox"]') ?? row;
    if (target === row) row.tabIndex = -1;
    revealBelow(target, document.querySelector<HTMLElement>('.checklist-head'));
  }

  async function openLink(alias: string, target: LinkTargetDto) {
    try {
      await call('links.open', { alias, target });
    } catch (e) {
      setError(e);
    }
  }

  async function startSignIn(alias: string, provider: 'salesforce' | 'okta') {
    try {
      await call('signIn.start', { alias, provider });
    } catch (e) {
      setError(e);
    }
  }

  const org = orgs?.find((o) => o.alias === selected);
  const checklistShown = checklist !== undefined && checklist.alias === org?.alias;

  async function remove(alias: string) {
    try {
      await call('orgs.remove', { alias });
      setMode({ kind: 'view' });
      setSelected(undefined);
      await loadOrgs();
    } catch (e) {
      setError(e);
    }
  }

  if (!info || !orgs) {
    return (
      <main className="loading" aria-busy="true">
        <p>Loading PKCE Pilot…</p>
        <ErrorNote error={error} />
      </main>
    );
  }

  const firstRun = orgs.length === 0;
  const showHome = home && !firstRun && mode.kind !== 'add';
  const runningHere = selected !== undefined && running[selected] !== undefined;
  const anyRunning = Object.keys(running).length;
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <h1>PKCE Pilot</h1>
        <p className={`deadline phase-${info.deadline.phase}`} role="status">
          {checklist?.deadline.text ?? info.deadline.text}
        </p>
        {!online && (
          <p className="offline-badge" role="status">
            Offline — sign-in, checks and links need a connection
          </p>
        )}
        <div className="topbar-actions">
          {anyRunning > 0 && (
            <p className="topbar-progress" role="status">
              {checkAll && checkAll.finished < checkAll.total
                ? `Checked ${checkAll.finished} of ${checkAll.total} orgs…`
                : `Checking ${anyRunning === 1 ? Object.keys(running)[0] : `${anyRunning} orgs`}…`}
            </p>
          )}
          {!showHome && org && !firstRun && mode.kind === 'view' && (
            <button
              type="button"
              className="primary"
              aria-describedby="org-title"
              disabled={runningHere || !online || !info.features.verify}
              onClick={() => void runChecks(org.alias)}
            >
              {runningHere ? 'Checking…' : 'Run checks'}
            </button>
          )}
        </div>
      </header>
      <nav className="sidebar" aria-label="Orgs">
        {!firstRun && (
          <button
            type="button"
            className="org-button home-button"
            aria-current={showHome ? 'page' : undefined}
            onClick={() => {
              setHome(true);
              rememberHome(true);
              setMode({ kind: 'view' });
            }}
          >
            All orgs
          </button>
        )}
        <h2 className="sidebar-title">Orgs</h2>
        {orgs.length > 0 && (
          <ul className="org-list">
            {orgs.map((o) => (
              <li key={o.alias}>
                <button
                  type="button"
                  className="org-button"
                  aria-current={o.alias === selected && !showHome && mode.kind !== 'add' ? 'page' : undefined}
                  onClick={() => showOrg(o.alias)}
                >
                  {o.alias}
                  {running[o.alias] !== undefined && <span className="muted"> · checking</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        <button type="button" onClick={() => setMode({ kind: 'add' })}>
          + Add org
        </button>
        <p className="sidebar-foot muted">v{info.version}</p>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {info.notices.length > 0 && (
          <div className="card notice" role="alert">
            <h2>Some saved data could not be read</h2>
            <p>
              Nothing was deleted: the unreadable files were kept aside and PKCE Pilot started from an empty
              copy.
            </p>
            <ul>
              {info.notices.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorNote error={error} />
        {showHome ? (
          fleet ? (
            <FleetView
              rows={fleet}
              signIn={fleetSignIn}
              running={running}
              errors={verifyErrors}
              checkAll={checkAll}
              online={online}
              canVerify={info.features.verify}
              reportFormats={info.features.fleetReports}
              onOpen={showOrg}
              onCheckAll={(aliases) => void runCheckAll(aliases)}
              onExport={async (format) => (await call('report.exportFleet', { format })).path}
            />
          ) : (
            <p aria-busy="true">Loading your orgs…</p>
          )
        ) : firstRun || mode.kind === 'add' ? (
          <>
            {firstRun ? (
              <SetupGuide info={info} />
            ) : (
              <details className="card">
                <summary>How to create PKCE Pilot's sign-in apps</summary>
                <SetupGuide info={info} />
              </details>
            )}
            <OrgForm
              onSaved={(o) => {
                setSelected(o.alias);
                setHome(false);
                setMode({ kind: 'view' });
                void loadOrgs();
              }}
              {...(firstRun ? {} : { onCancel: () => setMode({ kind: 'view' }) })}
            />
          </>
        ) : org && mode.kind === 'edit' ? (
          <OrgForm
            existing={org}
            onSaved={() => {
              setMode({ kind: 'view' });
              void loadOrgs();
            }}
            onCancel={() => setMode({ kind: 'view' })}
          />
        ) : org ? (
          <>
            <section className="card org-head" aria-labelledby="org-title">
              <h2 id="org-title">{org.alias}</h2>
              <dl className="org-facts">
                <dt>Salesforce</dt>
                <dd className="mono">{org.salesforce.baseUrl}</dd>
                <dt>Okta</dt>
                <dd className="mono">{org.okta?.baseUrl ?? 'not set'}</dd>
                <dt>Callback URLs to register</dt>
                <dd className="mono">{org.callbackUrls.join('  ·  ')}</dd>
              </dl>
              {mode.kind === 'confirm-remove' ? (
                <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
                  <p id="confirm-text">
                    Remove {org.alias}? This signs you out of it and deletes its checklist progress.
                  </p>
                  <div className="actions">
                    <button type="button" className="danger" onClick={() => void remove(org.alias)}>
                      Remove {org.alias}
                    </button>
                    <button type="button" autoFocus onClick={() => setMode({ kind: 'view' })}>
                      Keep it
                    </button>
                  </div>
                </div>
              ) : (
                <div className="actions">
                  <button type="button" onClick={() => setMode({ kind: 'edit' })}>
                    Edit org
                  </button>
                  <button type="button" onClick={() => setMode({ kind: 'confirm-remove' })}>
                    Remove org
                  </button>
                </div>
              )}
            </section>
            {/* The panels appear with the checklist, not before: their own requests (keychain status,
                last checks) then never delay the first thing the admin came for. */}
            {(checklistShown || error !== undefined) && (
              <StatusBoard
                board={board}
                running={runningHere}
                runningSince={selected ? running[selected] : undefined}
                online={online}
                canVerify={info.features.verify}
                onRunChecks={() => void runChecks(org.alias)}
                onShowItem={showItem}
                onOpenLink={(target) => void openLink(org.alias, target)}
                onNext={(next) => {
                  if (next.kind === 'run-checks') void runChecks(org.alias);
                  else if (next.kind === 'sign-in') void startSignIn(org.alias, next.provider);
                  else if (next.kind === 'add-okta') setMode({ kind: 'edit' });
                  else if (next.kind === 'open-link') void openLink(org.alias, next.target);
                  else if (next.kind === 'done')
                    document.getElementById('report-title')?.scrollIntoView({ block: 'center' });
                }}
              />
            )}
            {selected && verifyErrors[selected] !== undefined && <ErrorNote error={verifyErrors[selected]} />}
            {(checklistShown || error !== undefined) && <SignInPanel org={org} />}
            {checklistShown && (
              <Checklist
                view={checklist}
                hasOkta={Boolean(org.okta)}
                onChange={setChecklist}
                boardStepFor={(itemId) => board?.steps.find((st) => st.itemIds.includes(itemId))?.id}
              />
            )}
            {(checklistShown || error !== undefined) && <ReportPanel alias={org.alias} info={info} />}
          </>
        ) : null}
      </main>
    </div>
  );
}
