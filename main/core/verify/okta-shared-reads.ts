/**
 * Okta reads shared by the orgs of one `verify` run. Many Salesforce orgs (production and its sandboxes)
 * are provisioned from one Okta org, and each org's checks send the same Okta requests: the Salesforce
 * apps, then the System Log for every active instance. Read once per Okta admin instead of once per
 * Salesforce org, 200 orgs sharing an Okta org cost a few Okta requests rather than a few thousand —
 * which Okta's per-minute limits (the System Log's is among the lowest) would otherwise stretch into
 * minutes of waiting.
 *
 * Only the same request by the same principal is shared: same Okta org, same PKCE Pilot client, same
 * user and same scopes see the same data. Only a successful read is shared; a failure belongs to the
 * sign-in that met it (its refresh, its "sign in again"), so every other org then reads with its own.
 */
import type { TokenSet } from '../model';
import type { ReadResult } from './types';

/** Who reads: Okta org, client, user and scopes; undefined (never shared) when the user is not known. */
export function oktaPrincipal(tokens: TokenSet): string | undefined {
  if (!tokens.userId) return undefined;
  let origin: string;
  try {
    origin = new URL(tokens.instanceUrl).origin;
  } catch {
    return undefined;
  }
  const scopes = (tokens.scope ?? '').split(/\s+/).filter(Boolean).sort().join(' ');
  return JSON.stringify([origin, tokens.boundTo?.clientId ?? '', tokens.userId, scopes]);
}

/** What the orgs of one verify run share on the Okta side. */
export interface OktaRunShare {
  readonly reads: SharedReads<unknown[]>;
  /** The end of the System Log window for every org of the run, so their log queries are the same. */
  readonly logWindowEnd: Date;
}

export class SharedReads<T> {
  readonly #reads = new Map<string, Promise<ReadResult<T>>>();

  /**
   * The result of `read` for this principal and request: the first caller reads, callers meanwhile and
   * afterwards get its result when it succeeded. When it failed, each of them reads with its own sign-in
   * instead (the first of them becomes the reader the rest wait for).
   */
  async read(
    principal: string | undefined,
    request: string,
    read: () => Promise<ReadResult<T>>,
  ): Promise<ReadResult<T>> {
    if (principal === undefined) return read();
    const key = JSON.stringify([principal, request]);
    const earlier = this.#reads.get(key);
    if (earlier) {
      const shared = await earlier.catch(() => undefined);
      if (shared?.ok) return shared;
      this.#forget(key, earlier);
      return this.read(principal, request, read);
    }
    const mine = read();
    this.#reads.set(key, mine);
    try {
      const result = await mine;
      if (!result.ok) this.#forget(key, mine);
      return result;
    } catch (e) {
      this.#forget(key, mine);
      throw e;
    }
  }

  /** A failed read is not kept: it belongs to the sign-in that met it. */
  #forget(key: string, read: Promise<ReadResult<T>>): void {
    if (this.#reads.get(key) === read) this.#reads.delete(key);
  }
}
