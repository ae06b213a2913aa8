import { useEffect, useId, useRef, useState } from 'react';
import type { ChecklistViewDto, LinkTargetDto } from '../../../preload/contract';
import { call } from '../api';
import { formatTime, useOnline } from '../hooks';
import { LINK_LABELS } from '../labels';
import { ErrorNote } from './ErrorNote';

type ItemView = ChecklistViewDto['sections'][number]['items'][number];

interface Props {
  view: ChecklistViewDto;
  hasOkta: boolean;
  onChange: (view: ChecklistViewDto) => void;
  /** The status board step that covers an item, for a link back to it. */
  boardStepFor?: (itemId: string) => string | undefined;
}

export function Checklist({ view, hasOkta, onChange, boardStepFor }: Props) {
  const [error, setError] = useState<unknown>();
  const nextRef = useRef<HTMLElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const next = view.sections.flatMap((s) => s.items).find((i) => i.id === view.nextItemId);

  return (
    <section aria-labelledby="checklist-title" className="checklist">
      <div className="checklist-head" ref={headRef}>
        <div className="checklist-head-row">
          <h2 id="checklist-title">Migration checklist</h2>
          <div className="progress-line">
            <label htmlFor="overall-progress">
              {view.summary.done} of {view.summary.total} steps done ({view.summary.percent}%)
            </label>
            <progress id="overall-progress" max={view.summary.total} value={view.summary.done} />
          </div>
        </div>
        {next ? (
          <p className="next-step">
            <span className="next-label">Next step:</span>{' '}
            <strong className="next-title" title={next.title}>
              {next.title}
            </strong>{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                const target = nextRef.current;
                if (target) revealBelow(target, headRef.current);
              }}
            >
              Go to it
            </button>
          </p>
        ) : (
          <p className="next-step done-all">
            All steps are done. Run the checks to confirm, then export a report.
          </p>
        )}
      </div>
      <ErrorNote error={error} />
      {view.sections.map((s) => (
        <section key={s.id} className="checklist-section" aria-labelledby={`sec-${s.id}`}>
          <h3 id={`sec-${s.id}`}>
            {s.title}
            {s.source === 'guidance' && <span className="badge guidance">Beyond Okta's article</span>}
            {s.summary.total > 0 && (
              <span className="section-count">
                {s.summary.done}/{s.summary.total}
              </span>
            )}
          </h3>
          {s.intro && <p className="intro">{s.intro}</p>}
          <ul className="items">
            {s.items.map((item) => (
              <Item
                key={item.id}
                alias={view.alias}
                item={item}
                hasOkta={hasOkta}
                onChange={onChange}
                onError={setError}
                boardStep={boardStepFor?.(item.id)}
                {...(item.isNext ? { focusRef: nextRef } : {})}
              />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

/**
 * Focuses a step and scrolls its whole row into view below the sticky checklist header (which a plain
 * scrollIntoView or scroll-margin guess would let cover it). Measured, not assumed: the header's height
 * changes with the window width and the next step's title.
 */
export function revealBelow(target: HTMLElement, header: HTMLElement | null): void {
  target.focus({ preventScroll: true });
  const row = target.closest('li') ?? target;
  const scroller = row.closest<HTMLElement>('.content');
  if (!scroller) return row.scrollIntoView({ block: 'center' });
  // Two passes: the header only reaches its stuck position once the list has scrolled.
  for (let pass = 0; pass < 2; pass += 1) {
    const view = scroller.getBoundingClientRect();
    const top = Math.max(view.top, header?.getBoundingClientRect().bottom ?? view.top) + 8;
    const rect = row.getBoundingClientRect();
    const room = view.bottom - top;
    // Row top just under the header; a row taller than the room still starts there.
    const delta =
      rect.height <= room ? rect.top - top - Math.max(0, (room - rect.height) / 3) : rect.top - top;
    if (Math.abs(delta) < 1) break;
    scroller.scrollTop += delta;
  }
}

interface ItemProps {
  alias: string;
  item: ItemView;
  hasOkta: boolean;
  onChange: (view: ChecklistViewDto) => void;
  onError: (e: unknown) => void;
  focusRef?: React.RefObject<HTMLElement | null>;
  boardStep?: string | undefined;
}

function Item({ alias, item, hasOkta, onChange, onError, focusRef, boardStep }: ItemProps) {
  const id = useId();
  const online = useOnline();
  const [editing, setEditing] = useState(false);
  // Shown at once, confirmed (or reverted) by main's answer.
  const [optimistic, setOptimistic] = useState<boolean>();
  const [note, setNote] = useState(item.progress.note ?? '');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (editing) noteRef.current?.focus();
  }, [editing]);

  async function toggle(done: boolean) {
    setOptimistic(done);
    try {
      onError(undefined);
      onChange(await call('checklist.setDone', { alias, itemId: item.id, done }));
    } catch (e) {
      onError(e);
    } finally {
      setOptimistic(undefined);
    }
  }
  async function saveNote() {
    try {
      onError(undefined);
      onChange(await call('checklist.setNote', { alias, itemId: item.id, note }));
      setEditing(false);
    } catch (e) {
      onError(e);
    }
  }
  async function openLink(target: LinkTargetDto) {
    try {
      onError(undefined);
      await call('links.open', { alias, target });
    } catch (e) {
      onError(e);
    }
  }

  const p = item.progress;
  const link = item.link;
  const oktaLink = item.link?.startsWith('okta.') ?? false;
  const classes = [
    'item',
    `kind-${item.kind}`,
    item.isNext ? 'is-next' : '',
    p.done ? 'is-done' : '',
    item.conflict ? 'has-conflict' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <li className={classes} data-item-id={item.id}>
      <div className="item-main">
        {item.tickable ? (
          <input
            type="checkbox"
            id={`${id}-cb`}
            checked={optimistic ?? p.done}
            onChange={(e) => void toggle(e.target.checked)}
            aria-describedby={item.detail ? `${id}-detail` : undefined}
            ref={focusRef as React.RefObject<HTMLInputElement> | undefined}
          />
        ) : (
          <span className="item-icon" aria-hidden="true">
            {item.kind === 'caveat' ? '!' : 'i'}
          </span>
        )}
        <div className="item-body">
          {item.tickable ? (
            <label htmlFor={`${id}-cb`} className="item-title">
              {item.title}
            </label>
          ) : (
            <p className="item-title">
              <span className="visually-hidden">{item.kind === 'caveat' ? 'Caution: ' : 'Note: '}</span>
              {item.title}
            </p>
          )}
          {item.isNext && <span className="badge next">Next step</span>}
          {item.verifiedByCheck && <span className="badge verified">Verified by check</span>}
          {item.detail && (
            <p className="detail" id={`${id}-detail`}>
              {item.detail}
            </p>
          )}
          {item.substeps && (
            <ol className="substeps">
              {item.substeps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ol>
          )}
          {p.evidence && (
            <p className={`evidence status-${p.evidence.status}`}>
              Check{' '}
              {p.evidence.status === 'pass'
                ? 'passed'
                : p.evidence.status === 'fail'
                  ? 'failed'
                  : p.evidence.status === 'manual'
                    ? 'needs you'
                    : 'could not tell'}
              : {p.evidence.summary} <span className="when">({formatTime(p.evidence.at)})</span>
              {boardStep && (
                <>
                  {' '}
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => {
                      const el = document.getElementById(`board-step-${boardStep}`);
                      el?.focus({ preventScroll: true });
                      el?.scrollIntoView({ block: 'center' });
                    }}
                  >
                    Back to status
                  </button>
                </>
              )}
            </p>
          )}
          {item.conflict === 'check-failed' && (
            <p className="conflict" role="note">
              You ticked this step, but the latest check failed. Look at the step again, then re-run the
              checks.
            </p>
          )}
          {item.conflict === 'check-passed-not-ticked' && (
            <p className="conflict" role="note">
              A check confirms this step, but you marked it as not done. Tick it if you agree.
            </p>
          )}
          {p.done && p.doneAt && (
            <p className="when">
              Done {formatTime(p.doneAt)} {p.doneBy === 'verification' ? 'by a check' : 'by you'}
            </p>
          )}
          {p.note && !editing && (
            <p className="note">
              <span className="note-label">Note:</span> {p.note}{' '}
              {p.noteAt && <span className="when">({formatTime(p.noteAt)})</span>}
            </p>
          )}
          {editing && (
            <div className="note-editor">
              <label htmlFor={`${id}-note`}>Note for “{item.title.slice(0, 60)}”</label>
              <textarea
                id={`${id}-note`}
                ref={noteRef}
                value={note}
                maxLength={2000}
                rows={3}
                onChange={(e) => setNote(e.target.value)}
              />
              <div className="actions">
                <button type="button" className="primary" onClick={() => void saveNote()}>
                  Save note
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setNote(p.note ?? '');
                    setEditing(false);
                  }}
                >
                  Cancel
                </button>
              </div>
            </div>
          )}
          <div className="item-actions">
            {!editing && (
              <button type="button" className="small" onClick={() => setEditing(true)}>
                {p.note ? 'Edit note' : 'Add note'}
              </button>
            )}
            {link && (!oktaLink || hasOkta) && (
              <button
                type="button"
                className="small"
                onClick={() => void openLink(link)}
                disabled={!online}
                title={online ? undefined : 'Needs a network connection'}
              >
                {LINK_LABELS[link]}
              </button>
            )}
          </div>
        </div>
      </div>
    </li>
  );
}
