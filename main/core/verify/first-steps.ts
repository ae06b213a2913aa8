/**
 * When a verification could check nothing at all (no sign-in, keychain unreachable), the admin needs
 * one line saying what to do first, with the exact commands — not nine "unknown" lines to decode.
 */
import { loginCommand } from './sign-in-again';
import type { VerificationResult } from './types';

/** True when no check produced a verdict (every one unknown or manual). */
export function nothingChecked(result: VerificationResult): boolean {
  return result.checks.every((c) => c.status === 'unknown' || c.status === 'manual');
}

/** The "do this first" line for a result where nothing could be checked; undefined otherwise. */
export function firstSteps(result: VerificationResult): string | undefined {
  if (!nothingChecked(result)) return undefined;
  const alias = result.org;
  if (result.error)
    return `Nothing could be checked for ${alias}: ${result.error.message} ${result.error.hint}`.trim();
  const summary = (id: string) => result.checks.find((c) => c.id === id)?.summary ?? '';
  const signin = summary('salesforce.signin.pkce');
  if (/keychain/i.test(signin)) return `Nothing could be checked for ${alias}. ${signin}`;
  const steps: string[] = [];
  if (/pkce-pilot login/.test(signin)) steps.push(`\`${loginCommand(alias, 'salesforce')}\` (Salesforce)`);
  if (new RegExp(`pkce-pilot login \\S+ --okta`).test(summary('okta.salesforce-app.found')))
    steps.push(`\`${loginCommand(alias, 'okta')}\` (Okta)`);
  if (steps.length === 0) return undefined;
  return `Nothing could be checked for ${alias}: not signed in. First run ${steps.join(', then ')}; then \`pkce-pilot verify ${alias}\` again.`;
}
