/**
 * What the test servers remember about each request. Designed for assertions such as "no token in a
 * URL" and "the refresh request carried no code_verifier": secrets are never stored, only the names of
 * form fields and the scheme of the Authorization header.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  /** Raw query string without the leading '?', '' when absent. */
  query: string;
  /** Request headers; Authorization is reduced to its scheme ("Bearer [redacted]"). */
  headers: Record<string, string>;
  /** Names of the url-encoded form fields, in order (values are never kept). */
  formFieldNames: string[];
  /** grant_type of a token request, if any. */
  grantType?: string;
  /** Epoch milliseconds when the request arrived. */
  at: number;
}

export interface LeakRecord {
  path: string;
  /** Where the secret was seen, e.g. 'query:oauth_token' or 'path'. */
  where: string;
  at: number;
}

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? `${text.split(' ')[0] ?? ''} [redacted]` : text;
  }
  return out;
}

/** Finds secrets the server issued in a request URL (RFC 6750 §5.3: bearer tokens must not travel in URLs). */
export function findSecretsInUrl(url: URL, isIssuedSecret: (value: string) => boolean): string[] {
  const places: string[] = [];
  for (const [name, value] of url.searchParams) {
    if (name === 'oauth_token' || name === 'access_token' || isIssuedSecret(value))
      places.push(`query:${name}`);
  }
  for (const segment of url.pathname.split('/')) {
    if (segment && isIssuedSecret(decodeURIComponent(segment))) places.push('path');
  }
  return places;
}
