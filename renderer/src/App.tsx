import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, ChecklistViewDto, OrgView } from '../../preload/contract';
import { call, onAppEvent } from './api';
import { Checklist } from './components/Checklist';
import { ErrorNote } from './components/ErrorNote';
import { OrgForm } from './components/OrgForm';
import { ReportPanel } from './components/ReportPanel';
import { SetupGuide } from './components/SetupGuide';
import { SignInPanel } from './components/SignInPanel';
import { VerifyPanel } from './components/VerifyPanel';
import { useOnline } from './hooks';
import { firstOrgToShow, rememberedOrg, rememberOrg, startRequest, takeInitialLoad } from './startup';

type Mode = { kind: 'view' } | { kind: 'add' } | { kind: 'edit' } | { kind: 'confirm-remove' };

export function App() {
  const online = useOnline();
  const [info, setInfo] = useState<AppInfo>();
  const [orgs, setOrgs] = useState<OrgView[]>();
  const [selected, setSelected] = useState<string>();
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [checklist, setChecklist] = useState<ChecklistViewDto>();
  const [error, setError] = useState<unknown>();

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const shownChecklistAlias = useRef<string>(undefined);
  shownChecklistAlias.current = checklist?.alias;

  const loadOrgs = useCallback(async () => {
    try {
      const list = (await call('orgs.list', {})).orgs;
      setOrgs(list);
      setSelected(firstOrgToShow(list, selectedRef.current ?? rememberedOrg()));
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    // The first screen comes in one answer, requested before React started (startup.ts).
    const start = takeInitialLoad() ?? startRequest(rememberedOrg());
    start.then((s) => {
      setInfo(s.info);
      setOrgs(s.orgs);
      if (s.checklist) setChecklist(s.checklist);
      setSelected(s.checklist?.alias ?? s.orgs[0]?.alias);
    }, setError);
    return onAppEvent((e) => {
      if (e.type === 'orgs-changed') void loadOrgs();
    });
  }, [loadOrgs]);

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
      </header>
      <nav className="sidebar" aria-label="Orgs">
        <h2 className="sidebar-title">Orgs</h2>
        {orgs.length > 0 && (
          <ul className="org-list">
            {orgs.map((o) => (
              <li key={o.alias}>
                <button
                  type="button"
                  className="org-button"
                  aria-current={o.alias === selected && mode.kind !== 'add' ? 'page' : undefined}
                  onClick={() => {
                    setSelected(o.alias);
                    setMode({ kind: 'view' });
                  }}
                >
                  {o.alias}
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
        {firstRun || mode.kind === 'add' ? (
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
            {(checklistShown || error !== undefined) && <SignInPanel org={org} />}
            {checklistShown && (
              <Checklist view={checklist} hasOkta={Boolean(org.okta)} onChange={setChecklist} />
            )}
            {(checklistShown || error !== undefined) && (
              <>
                <VerifyPanel alias={org.alias} info={info} onVerified={() => void loadChecklist()} />
                <ReportPanel alias={org.alias} info={info} />
              </>
            )}
          </>
        ) : null}
      </main>
    </div>
  );
}
