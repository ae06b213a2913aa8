/**
 * The checklist as a screen or report shows it: content + one org's progress + the date status.
 * Pure and JSON-serialisable, so it crosses IPC unchanged.
 */
import { CHECKLIST, isTickable } from './content';
import { deadlineStatus, type DeadlineStatus } from './dates';
import { nextStep, summarizeProgress, type ProgressSummary } from './progress';
import type { ChecklistItem, ChecklistProgress, ChecklistSection, ItemProgress } from './types';

/**
 * 'check-failed': the admin ticked the item but its latest check failed.
 * 'check-passed-not-ticked': a check confirms it but the admin has not ticked it yet.
 */
export type ItemConflict = 'check-failed' | 'check-passed-not-ticked';

export interface ChecklistItemView extends ChecklistItem {
  readonly tickable: boolean;
  readonly progress: ItemProgress;
  readonly verifiedByCheck: boolean;
  readonly conflict?: ItemConflict;
  readonly isNext: boolean;
}

export interface ChecklistSectionView extends Omit<ChecklistSection, 'items'> {
  readonly items: readonly ChecklistItemView[];
  readonly summary: ProgressSummary;
}

export interface ChecklistView {
  readonly alias: string;
  readonly sections: readonly ChecklistSectionView[];
  readonly summary: ProgressSummary;
  readonly nextItemId?: string;
  readonly deadline: DeadlineStatus;
}

const NOT_DONE: ItemProgress = { done: false };

export function conflictOf(p: ItemProgress): ItemConflict | undefined {
  if (!p.evidence) return undefined;
  if (p.done && p.evidence.status === 'fail') return 'check-failed';
  if (!p.done && p.evidence.status === 'pass') return 'check-passed-not-ticked';
  return undefined;
}

export function buildChecklistView(
  alias: string,
  progress: ChecklistProgress,
  today: Date,
  sections: readonly ChecklistSection[] = CHECKLIST,
): ChecklistView {
  const next = nextStep(progress, sections);
  const itemView = (item: ChecklistItem): ChecklistItemView => {
    const p = progress[item.id] ?? NOT_DONE;
    const conflict = conflictOf(p);
    return {
      ...item,
      tickable: isTickable(item),
      progress: p,
      verifiedByCheck: p.evidence?.status === 'pass',
      ...(conflict ? { conflict } : {}),
      isNext: next?.id === item.id,
    };
  };
  return {
    alias,
    sections: sections.map((s) => ({
      ...s,
      items: s.items.map(itemView),
      summary: summarizeProgress(progress, [s]),
    })),
    summary: summarizeProgress(progress, sections),
    ...(next ? { nextItemId: next.id } : {}),
    deadline: deadlineStatus(today),
  };
}
