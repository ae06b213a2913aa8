/**
 * Turns anything a read threw into a plain reason for an 'unknown' verdict. Server-supplied text is
 * only echoed after secrets are masked and it is cut short, because error bodies can carry HTML or
 * echo request data.
 */
import { isPilotError } from '../errors';

const MAX_SERVER_TEXT = 160;

/** Masks every secret (token value) in text; secrets shorter than 8 chars are ignored to avoid masking words. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  return out;
}

function shortServerText(text: string, secrets: readonly (string | undefined)[]): string {
  const plain = maskSecrets(text, secrets)
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_SERVER_TEXT ? `${plain.slice(0, MAX_SERVER_TEXT)}…` : plain;
}

export interface FailureDescription {
  readonly reason: string;
  /** The permission, scope or role that is missing, when the failure says so. */
  readonly missing?: string;
}

/** Salesforce error codes (REST errorCode / SOAP faultcode without prefix) that mean "not allowed". */
const ACCESS_CODES = new Set([
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'API_DISABLED_FOR_ORG',
  'FUNCTIONALITY_NOT_ENABLED',
]);

/**
 * Describes a jsforce (or our own) error. `what` names the read, e.g. "the org's OAuth settings";
 * `permission` names what an admin needs for it.
 */
export function describeSalesforceFailure(
  e: unknown,
  what: string,
  permission: string,
  secrets: readonly (string | undefined)[],
  /** The sign-in-again step for this org (sign-in-again.ts). */
  again = 'sign in to Salesforce again',
): FailureDescription {
  if (isPilotError(e)) return { reason: `Could not check: ${e.message} Try again later.` };
  const err = e as { name?: unknown; errorCode?: unknown; message?: unknown } | undefined;
  const rawCode = String(err?.errorCode ?? err?.name ?? '');
  const code = rawCode.replace(/^[a-zA-Z]+:/, '');
  const message = typeof err?.message === 'string' ? err.message : '';
  if (ACCESS_CODES.has(code)) {
    return {
      reason: `Could not check: Salesforce refused to show ${what} (${code}); to allow the check, the signed-in user needs ${permission}.`,
      missing: permission,
    };
  }
  if (code === 'INVALID_SESSION_ID')
    return { reason: `Could not check: Salesforce rejected the session while reading ${what} — ${again}.` };
  if (code === 'INVALID_TYPE' || code === 'INVALID_FIELD' || code === 'MALFORMED_QUERY') {
    return {
      reason: `Could not check: ${what} cannot be queried in this org (${code}); to allow the check, the signed-in user needs ${permission} (API 59.0 or later).`,
      missing: permission,
    };
  }
  if (code === 'AbortError' || /aborted due to timeout/i.test(message)) {
    return {
      reason: `Could not check: Salesforce did not answer in time while reading ${what}; try again later.`,
    };
  }
  if (/ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|socket hang up|fetch failed/i.test(message)) {
    return {
      reason: `Could not check: could not reach Salesforce while reading ${what} (network error); check the connection or proxy and try again.`,
    };
  }
  if (/<html|<!doctype/i.test(message) || /Unexpected token|JSON|not valid/i.test(message)) {
    return {
      reason: `Could not check: Salesforce answered with something other than the expected data while reading ${what} (a proxy or maintenance page?); try again later.`,
    };
  }
  const detail = shortServerText(message || code || 'no details', secrets);
  return {
    reason: `Could not check: could not read ${what}${code ? ` (${shortServerText(code, secrets)})` : ''}: ${detail}; try again later.`,
  };
}
