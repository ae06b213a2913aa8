import { useMemo, useRef, useState } from 'react';
import type { FleetReportFormat, FleetRowDto } from '../../../preload/contract';
import { filterRows, migrationText, sortRows, type FleetFilter, type FleetSort } from '../fleet';
import { STATE_LABELS, STATE_SHORT, nextActionLabel } from '../labels';
import { ExportButtons } from './ExportButtons';
import { RelativeTime } from './RelativeTime';

export interface FleetSignIn {
  readonly salesforce: boolean;
  readonly okta?: boolean | undefined;
}

export interface CheckAllProgress {
  readonly total: number;
  readonly finished: number;
  readonly failed: readonly string[];
}

interface Props {
  rows: readonly FleetRowDto[];
  signIn: Readonly<Record<string, FleetSignIn>> | undefined;
  running: Readonly<Record<string, number>>;
  errors: Readonly<Record<string, unknown>>;
  checkAll: CheckAllProgress | undefined;
  online: boolean;
  canVerify: boolean;
  reportFormats: readonly FleetReportFormat[];
  onOpen: (alias: string) => void;
  onCheckAll: (aliases: string[]) => void;
  onExport: (format: FleetReportFormat) => Promise<string>;
}

const COLUMNS: { key: FleetSort['key'] | undefined; label: string }[] = [
  { key: 'name', label: 'Org' },
  { key: 'environment', label: 'Environment' },
  { key: undefined, label: 'Signed in' },
  { key: 'migration', label: 'Migration' },
  { key: 'last-checked', label: 'Last checked' },
  { key: undefined, label: 'Next action' },
];

const REPORT_LABELS: Record<FleetReportFormat, string> = {
  md: 'Markdown',
  html: 'HTML',
  csv: 'CSV',
  json: 'JSON',
};

/** Every org at a glance: sortable, filterable, keyboard-navigable (arrow keys move between orgs). */
export function FleetView(props: Props) {
  const { rows, signIn, running } = props;
  const [filter, setFilter] = useState<FleetFilter>('all');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<FleetSort>({ key: 'name', descending: false });
  const tableRef = useRef<HTMLTableElement>(null);
  const now = new Date();

  const shown = useMemo(
    () => sortRows(filterRows(rows, filter, search, new Date()), sort),
    [rows, filter, search, sort],
  );
  const signedIn = signIn ? rows.filter((r) => signIn[r.alias]?.salesforce).map((r) => r.alias) : [];
  const busy = Object.keys(running).length > 0;

  function moveFocus(e: React.KeyboardEvent<HTMLButtonElement>, index: number) {
    const delta = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? shown.length - 1 : index + delta;
    if (to === index || (delta === 0 && e.key !== 'Home' && e.key !== 'End')) return;
    e.preventDefault();
    tableRef.current?.querySelectorAll<HTMLButtonElement>('button.fleet-org')[to]?.focus();
  }

  return (
    <section className="card fleet" aria-labelledby="fleet-title">
      <div className="fleet-head">
        <h2 id="fleet-title">All orgs</h2>
        <p className="muted">
          {rows.length} org{rows.length === 1 ? '' : 's'} ·{' '}
          {signIn ? `${signedIn.length} signed in to Salesforce` : 'reading sign-ins…'}
        </p>
        <button
          type="button"
          className="primary"
          disabled={!props.online || !props.canVerify || !signIn || signedIn.length === 0 || busy}
          onClick={() => props.onCheckAll(signedIn)}
        >
          {busy ? 'Checking…' : `Check all signed-in orgs (${signedIn.length})`}
        </button>
      </div>
      {props.checkAll && (
        <p role="status" className="fleet-progress">
          <progress max={props.checkAll.total} value={props.checkAll.finished} aria-label="Orgs checked" />{' '}
          {props.checkAll.finished < props.checkAll.total
            ? `Checked ${props.checkAll.finished} of ${props.checkAll.total} orgs…`
            : `Checked ${props.checkAll.total} org${props.checkAll.total === 1 ? '' : 's'}.`}
          {props.checkAll.failed.length > 0 &&
            ` ${props.checkAll.failed.length} could not be checked: ${props.checkAll.failed.join(', ')}.`}
        </p>
      )}
      <div className="fleet-tools" role="group" aria-label="Filter orgs">
        <label htmlFor="fleet-filter">Show</label>
        <select id="fleet-filter" value={filter} onChange={(e) => setFilter(e.target.value as FleetFilter)}>
          <option value="all">All orgs</option>
          <option value="needs-action">Needs action</option>
          <option value="not-checked-7-days">Not checked in 7 days</option>
        </select>
        <label htmlFor="fleet-search">Name</label>
        <input
          id="fleet-search"
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Filter by name or URL"
        />
        <span className="muted" aria-live="polite">
          {shown.length === rows.length ? '' : `${shown.length} of ${rows.length} shown`}
        </span>
      </div>
      <div className="table-scroll">
        <table className="fleet-table" ref={tableRef}>
          <caption className="visually-hidden">
            Orgs and their migration state. Use the arrow keys to move between orgs.
          </caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const sorted = c.key && sort.key === c.key;
                return (
                  <th
                    key={c.label}
                    scope="col"
                    aria-sort={sorted ? (sort.descending ? 'descending' : 'ascending') : undefined}
                  >
                    {c.key ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() =>
                          setSort({
                            key: c.key as FleetSort['key'],
                            descending: sorted ? !sort.descending : false,
                          })
                        }
                      >
                        {c.label}
                        <span aria-hidden="true">{sorted ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      c.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, index) => {
              const s = signIn?.[r.alias];
              const isRunning = running[r.alias] !== undefined;
              return (
                <tr key={r.alias} data-org={r.alias}>
                  <th scope="row">
                    <button
                      type="button"
                      className="fleet-org link-button"
                      onClick={() => props.onOpen(r.alias)}
                      onKeyDown={(e) => moveFocus(e, index)}
                    >
                      {r.alias}
                    </button>
                  </th>
                  <td>{r.environment}</td>
                  <td>
                    {!s ? (
                      <span className="muted">…</span>
                    ) : (
                      <>
                        <span className="nowrap">Salesforce: {s.salesforce ? 'yes' : 'no'}</span>{' '}
                        <span className="nowrap">
                          Okta: {r.hasOkta ? (s.okta ? 'yes' : 'no') : 'not set'}
                        </span>
                      </>
                    )}
                  </td>
                  <td>
                    {/* The badges are one picture with a sentence as its text alternative: a hidden label
                        in every badge tripled the elements of a row, and hidden text is still laid out
                        (shaped) for every org before the table can appear; an attribute is not. */}
                    <div className="step-badges" role="img" aria-label={migrationText(r)}>
                      {r.board.steps.map((st) => (
                        <span
                          key={st.id}
                          className={`mini-badge state-${isRunning && st.state !== 'confirm-yourself' ? 'checking' : st.state}`}
                          title={`${st.title}: ${STATE_LABELS[st.state]}`}
                        >
                          {STATE_SHORT[isRunning ? 'checking' : st.state]}
                        </span>
                      ))}
                    </div>
                  </td>
                  <td>
                    {isRunning ? (
                      <span role="status">Checking…</span>
                    ) : r.board.checkedAt ? (
                      <RelativeTime iso={r.board.checkedAt} now={now} />
                    ) : (
                      <span className="muted">never</span>
                    )}
                    {r.board.stale && !isRunning && <span className="stale"> (stale)</span>}
                    {props.errors[r.alias] !== undefined && !isRunning && (
                      <span className="field-error"> could not check</span>
                    )}
                  </td>
                  <td>
                    {/* The list itself reads no keychain; once sign-ins are known, a missing one comes first. */}
                    {s && !s.salesforce && r.board.next.kind === 'run-checks'
                      ? 'Sign in to Salesforce'
                      : nextActionLabel(r.board.next)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && <p className="muted">No org matches this filter.</p>}
      <p className="muted fleet-legend">
        Migration, in order: Salesforce app requires PKCE · Okta PKCE Enabled and re-authenticated ·
        provisioning works · Workflows connector · org-wide setting (optional). ✓ verified, ✕ failing, ? could
        not check, ! confirm yourself, · not checked, – not set.
      </p>
      {props.reportFormats.length > 0 && (
        <div className="fleet-report">
          <h3>Report of all orgs</h3>
          <ExportButtons formats={props.reportFormats} labels={REPORT_LABELS} onExport={props.onExport} />
        </div>
      )}
    </section>
  );
}
