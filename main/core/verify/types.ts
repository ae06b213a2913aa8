/**
 * Shapes of verification results. Plain, JSON-serialisable data: they travel into the progress store,
 * the CLI's --json output, IPC and reports. Evidence holds only values read from the APIs — never a
 * token, verifier or code.
 */
import type { MaybePlain } from '../plain-answer';
import type { CheckId } from '../checklist/types';
import type { ProviderId, TokenSet } from '../model';

export type { CheckId };

/** pass = proven; fail = proven not done; unknown = could not tell (reason in summary); manual = no API can tell. */
export type CheckStatus = 'pass' | 'fail' | 'unknown' | 'manual';

export type EvidenceValue = string | number | boolean | null | readonly string[];

export interface Evidence {
  /** Which API answered, e.g. "Metadata API readMetadata(OauthOidcSettings)". */
  readonly api: string;
  /** The values read that the verdict rests on. Empty when nothing could be read. */
  readonly values: Readonly<Record<string, EvidenceValue>>;
  /** ISO 8601 time of the read. */
  readonly at: string;
}

/** A verdict as the check functions build it; runVerification adds `required` from the catalogue. */
export interface CheckVerdict {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** One plain line: what was found (and, unless pass, what to do). */
  readonly summary: string;
  readonly evidence: Evidence;
}

export interface CheckResult extends CheckVerdict {
  /**
   * From check-catalog.ts: a required check's fail makes `verify` exit 1; an optional one's never does.
   * runVerification always sets it; only results stored before it existed lack it (see checkIsRequired).
   */
  readonly required?: boolean;
}

export interface VerificationResult {
  /** Org alias (no secrets). */
  readonly org: string;
  readonly checkedAt: string;
  readonly checks: readonly CheckResult[];
  /** Set when the org could not be verified at all (e.g. unknown alias); every check is then 'unknown'. */
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
}

/** What verification needs from the sign-in engine (main/core/auth/token-service.ts satisfies it). */
export interface TokenSource {
  getTokens(alias: string, provider: ProviderId): Promise<TokenSet>;
  /**
   * Refreshes once (single-flight), persisting a rotated refresh token before returning. With
   * `staleAccessToken`, a set already refreshed by someone else is returned without another call.
   */
  refresh(alias: string, provider: ProviderId, staleAccessToken?: string): Promise<TokenSet>;
}

/**
 * A fetch-compatible function (main/core/http.ts's client: timeouts + proxy), with the client's plain
 * path where it has one (plain-answer.ts; reads use plainRequestOf).
 */
export type FetchFn = MaybePlain;

/** The outcome of one read: the value, or why it could not be read (plain sentence, no secrets). */
export type ReadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly missing?: string };

export function readOk<T>(value: T): ReadResult<T> {
  return { ok: true, value };
}

export function readFailed<T>(reason: string, missing?: string): ReadResult<T> {
  return missing ? { ok: false, reason, missing } : { ok: false, reason };
}

/** Longest summary kept (code points): long server text must never break a result's shape (IPC allows 2,000). */
export const MAX_SUMMARY_CODE_POINTS = 600;
/** Longest evidence string kept (code points). */
export const MAX_EVIDENCE_CODE_POINTS = 300;

/** Cuts text to `max` code points (never inside a surrogate pair), marking the cut with "…". */
export function capCodePoints(text: string, max: number): string {
  // Code points never outnumber UTF-16 units: a short string needs no splitting.
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
