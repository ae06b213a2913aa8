import { useEffect, useState } from 'react';
import type { BoardDto, BoardStepDto } from '../../../preload/contract';
import { formatEvidenceValue } from '../evidence';
import { CHECK_STATUS_LABELS, LINK_LABELS, STATE_LABELS, nextActionLabel } from '../labels';
import { exactTime } from '../time';
import { RelativeTime } from './RelativeTime';

interface Props {
  board: BoardDto | undefined;
  running: boolean;
  /** When the running checks started (ms), for the progress line. */
  runningSince?: number | undefined;
  online: boolean;
  canVerify: boolean;
  onNext: (next: BoardDto['next']) => void;
  onRunChecks: () => void;
  onShowItem: (itemId: string) => void;
  onOpenLink: (target: BoardStepDto['link']) => void;
}

/** Re-renders every `ms` so relative times ("3 minutes ago") and the elapsed time stay true. */
function useClock(ms: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** The org's status board: each migration step's state and the single next action, first on the page. */
export function StatusBoard(props: Props) {
  const { board, running, online } = props;
  const now = useClock(running ? 1000 : 30_000);
  const next: BoardDto['next'] = running
    ? { kind: 'checking' }
    : (board?.next ?? { kind: 'run-checks', again: false });
  const nextNeedsNetwork = next.kind !== 'done';
  const elapsed = props.runningSince
    ? Math.max(0, Math.round((now.getTime() - props.runningSince) / 1000))
    : 0;

  return (
    <section className="card board" aria-labelledby="board-title" id="status-board">
      <div className="board-head">
        <h2 id="board-title">Status</h2>
        <p className="board-age" data-testid="board-age">
          {!board ? null : board.checkedAt ? (
            <>
              Last checked <RelativeTime iso={board.checkedAt} now={now} />
              {board.stale === 'old' && (
                <span className="stale"> · older than a day: run the checks again</span>
              )}
              {board.stale === 'changed' && (
                <span className="stale"> · you ticked steps since: run the checks again</span>
              )}
            </>
          ) : (
            'Not checked yet'
          )}
        </p>
      </div>
      <div className="board-next">
        {!board && !running ? (
          // No action until the board is known, so a click never lands on the wrong one.
          <p className="muted">Reading the last results…</p>
        ) : running ? (
          <p role="status" className="board-progress">
            <progress aria-label="Checks running" /> Checking Salesforce and Okta… {elapsed} s
          </p>
        ) : (
          <>
            <span className="next-label">{next.kind === 'done' ? 'All verified.' : 'Next:'}</span>
            <button
              type="button"
              className="primary"
              data-testid="board-next"
              disabled={(nextNeedsNetwork && !online) || (next.kind.startsWith('run') && !props.canVerify)}
              onClick={() => props.onNext(next)}
            >
              {nextActionLabel(next)}
            </button>
            {next.kind !== 'run-checks' && (
              <button type="button" onClick={props.onRunChecks} disabled={!online || !props.canVerify}>
                Run checks
              </button>
            )}
          </>
        )}
      </div>
      {board?.error && <p className="board-error">{board.error}</p>}
      <ol className="board-steps">
        {(board?.steps ?? []).map((step) => (
          <Step
            key={step.id}
            step={running && step.state !== 'confirm-yourself' ? { ...step, state: 'checking' } : step}
            now={now}
            onShowItem={props.onShowItem}
            onOpenLink={props.onOpenLink}
            online={online}
          />
        ))}
      </ol>
    </section>
  );
}

function Step({
  step,
  now,
  online,
  onShowItem,
  onOpenLink,
}: {
  step: BoardStepDto;
  now: Date;
  online: boolean;
  onShowItem: (itemId: string) => void;
  onOpenLink: (target: BoardStepDto['link']) => void;
}) {
  const firstItem = step.itemIds[0];
  const lastAt = step.checks.reduce<string | undefined>((a, c) => (!a || c.at > a ? c.at : a), undefined);
  return (
    <li className={`board-step state-${step.state}`} id={`board-step-${step.id}`} tabIndex={-1}>
      <span className={`state-badge state-${step.state}`}>{STATE_LABELS[step.state]}</span>
      <div className="step-body">
        <p className="step-title">
          {step.title}
          {step.optional && <span className="badge optional">Optional</span>}
        </p>
        <p className="step-detail">
          {step.state === 'verified' && lastAt ? (
            <>
              Verified <RelativeTime iso={lastAt} now={now} />.{' '}
            </>
          ) : null}
          {step.state === 'confirm-yourself' && step.confirmedAt ? (
            <>
              You confirmed it <RelativeTime iso={step.confirmedAt} now={now} />.
            </>
          ) : step.state === 'verified' ? null : (
            step.detail
          )}
        </p>
        <div className="step-actions">
          {(step.state === 'failing' ||
            step.state === 'confirm-yourself' ||
            (step.optional && step.state === 'not-set')) && (
            <button type="button" className="small" disabled={!online} onClick={() => onOpenLink(step.link)}>
              {LINK_LABELS[step.link]}
            </button>
          )}
          {firstItem && (
            <button type="button" className="small link-button" onClick={() => onShowItem(firstItem)}>
              Show in checklist
            </button>
          )}
        </div>
        {step.checks.length > 0 && (
          <details className="evidence-details">
            <summary>Evidence</summary>
            <ul className="evidence-list">
              {step.checks.map((c) => (
                <li key={c.id}>
                  <p>
                    <strong>{c.title}</strong>
                    {!c.required && <span className="muted"> (optional)</span>}:{' '}
                    {CHECK_STATUS_LABELS[c.status]}. {c.summary}
                  </p>
                  <p className="muted">
                    {c.api} · <time dateTime={c.at}>{exactTime(c.at)}</time> · check{' '}
                    <span className="mono">{c.id}</span>
                  </p>
                  {Object.keys(c.values).length > 0 && (
                    <dl className="evidence-values">
                      {Object.entries(c.values).map(([k, v]) => (
                        <div key={k}>
                          <dt className="mono">{k}</dt>
                          <dd className="mono">{formatEvidenceValue(v)}</dd>
                        </div>
                      ))}
                    </dl>
                  )}
                </li>
              ))}
            </ul>
          </details>
        )}
      </div>
    </li>
  );
}
