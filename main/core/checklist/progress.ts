/** Pure progress arithmetic over the checklist content and one org's stored progress. */
import { CHECKLIST, allItems, isTickable } from './content';
import type { ChecklistItem, ChecklistProgress, ChecklistSection } from './types';

export interface ProgressSummary {
  readonly done: number;
  readonly total: number;
  /** 0–100, rounded down so 100 means everything is done. */
  readonly percent: number;
}

export function summarizeProgress(
  progress: ChecklistProgress,
  sections: readonly ChecklistSection[] = CHECKLIST,
): ProgressSummary {
  const tickable = allItems(sections).filter(isTickable);
  const done = tickable.filter((i) => progress[i.id]?.done === true).length;
  const total = tickable.length;
  return { done, total, percent: total === 0 ? 100 : Math.floor((done / total) * 100) };
}

/** The first tickable item, in article order, that is not done; undefined when all are done. */
export function nextStep(
  progress: ChecklistProgress,
  sections: readonly ChecklistSection[] = CHECKLIST,
): ChecklistItem | undefined {
  return allItems(sections).find((i) => isTickable(i) && progress[i.id]?.done !== true);
}
