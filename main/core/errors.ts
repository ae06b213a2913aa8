/**
 * Every failure the admin can meet is a PilotError: one plain sentence saying what went wrong
 * (`message`) and one saying what to do next (`hint`). A stable `code` lets the CLI, the IPC layer
 * and tests tell them apart without parsing text. Messages never contain a token or a verifier.
 */
export type PilotErrorCode =
  | 'usage' // bad command line or argument
  | 'invalid-input' // a value the admin typed or an IPC argument failed validation
  | 'not-found' // unknown org alias, missing item
  | 'already-exists'
  | 'state-mismatch' // redirect with unknown, reused or forged state
  | 'redirect-invalid' // redirect URL not ours (scheme/host/path) or malformed
  | 'signin-pending' // another sign-in for the same org and provider is in progress
  | 'signin-cancelled'
  | 'signin-timeout'
  | 'oauth-error' // the authorization server said no (error/error_description)
  | 'port-busy' // loopback port in use or not permitted
  | 'network' // DNS, connection refused/reset, TLS, proxy
  | 'timeout' // a network call took too long
  | 'bad-response' // HTML instead of JSON, truncated body, missing fields
  | 'rate-limited'
  | 'forbidden' // 403, missing scope or role
  | 'not-signed-in'
  | 'signed-in' // a change that would move live tokens to another server, refused until sign-out
  | 'unknown-host' // a login URL outside the known Salesforce domains, not confirmed by the admin
  | 'keychain-unavailable' // no Secret Service / keychain locked / access denied
  | 'storage' // data folder unwritable, disk full, corrupt file
  | 'internal';

export class PilotError extends Error {
  override readonly name = 'PilotError';
  constructor(
    readonly code: PilotErrorCode,
    message: string,
    readonly hint: string,
    readonly details: Readonly<Record<string, string | number | boolean | undefined>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Plain-text form used by the CLI and logs: "message — hint". */
  toDisplayString(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isPilotError(e: unknown): e is PilotError {
  return e instanceof PilotError;
}

/** Wraps anything thrown into a PilotError without copying its (possibly secret-bearing) text. */
export function toPilotError(
  e: unknown,
  fallbackHint = 'Try again; if it keeps failing, report it with the steps that led here.',
): PilotError {
  if (e instanceof PilotError) return e;
  return new PilotError('internal', 'An unexpected error occurred.', fallbackHint, {}, { cause: e });
}
