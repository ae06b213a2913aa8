/**
 * The exit-code rule a CI can trust. Plain `verify`: 1 iff a required check failed. `--strict`: 1 also
 * when a required check is not proven (unknown or manual). A manual check (the "PKCE Enabled" box in
 * Okta, which no API shows) counts as proven in --strict once the admin ticked its checklist step.
 * Optional checks (check-catalog.ts) never change the exit code.
 */
import { allItems, CHECKLIST } from '../checklist/content';
import type { ChecklistProgress } from '../checklist/types';
import { checkIsRequired } from './check-catalog';
import type { CheckId, CheckResult, VerificationResult } from './types';

/** True when the admin ticked a checklist item that this check confirms. */
export function confirmedByAdmin(checkId: CheckId, progress: ChecklistProgress): boolean {
  return allItems(CHECKLIST).some((item) => {
    const p = progress[item.id];
    return (item.checkIds ?? []).includes(checkId) && p?.done === true && p.doneBy === 'admin';
  });
}

function proven(check: CheckResult, progress: ChecklistProgress | undefined): boolean {
  if (check.status === 'pass') return true;
  return check.status === 'manual' && !!progress && confirmedByAdmin(check.id, progress);
}

export function verifyExitCode(
  results: readonly VerificationResult[],
  options: {
    readonly strict?: boolean;
    /** Each org's checklist progress (for manual checks under --strict). */
    readonly progress?: (alias: string) => ChecklistProgress | undefined;
  } = {},
): 0 | 1 {
  for (const r of results) {
    const required = r.checks.filter(checkIsRequired);
    if (required.some((c) => c.status === 'fail')) return 1;
    if (options.strict && required.some((c) => !proven(c, options.progress?.(r.org)))) return 1;
  }
  return 0;
}
