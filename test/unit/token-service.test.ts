import { describe, expect, it, vi } from 'vitest';
import { PilotError } from '../../main/core/errors';
import type { ProviderId, TokenSet } from '../../main/core/model';
import { TokenService, type TokenVault } from '../../main/core/auth/token-service';

function tokens(n: number): TokenSet {
  return {
    accessToken: `at-${n}`,
    refreshToken: `rt-${n}`,
    tokenType: 'Bearer',
    instanceUrl: 'https://acme.my.salesforce.com',
    issuedAt: n,
    pkce: 'S256',
  };
}

/** In-memory vault that records the order of operations. */
function memoryVault(initial?: TokenSet): TokenVault & { log: string[]; map: Map<string, TokenSet> } {
  const map = new Map<string, TokenSet>();
  const log: string[] = [];
  const key = (a: string, p: ProviderId) => `${a}/${p}`;
  if (initial) map.set(key('acme', 'salesforce'), initial);
  return {
    map,
    log,
    async get(a, p) {
      return map.get(key(a, p));
    },
    async set(a, p, t) {
      await new Promise((r) => setTimeout(r, 5));
      map.set(key(a, p), t);
      log.push(`set ${t.refreshToken}`);
    },
    async delete(a, p) {
      log.push('delete');
      return map.delete(key(a, p));
    },
  };
}

describe('TokenService', () => {
  it('throws not-signed-in when nothing is stored', async () => {
    const svc = new TokenService({ secretStore: memoryVault(), refresh: vi.fn() });
    await expect(svc.getTokens('acme', 'salesforce')).rejects.toMatchObject({ code: 'not-signed-in' });
  });

  it('shares one refresh between concurrent callers and persists the rotated token before anyone sees it', async () => {
    const vault = memoryVault(tokens(1));
    const refresh = vi.fn(async (_a: string, _p: ProviderId, t: TokenSet) => {
      vault.log.push(`refresh with ${t.refreshToken}`);
      return tokens(2);
    });
    const svc = new TokenService({ secretStore: vault, refresh });
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        svc.refresh('acme', 'salesforce').then((t) => (vault.log.push(`resolved ${t.refreshToken}`), t)),
      ),
    );
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(results.every((t) => t.refreshToken === 'rt-2')).toBe(true);
    expect(vault.log.slice(0, 2)).toEqual(['refresh with rt-1', 'set rt-2']);
    expect(vault.map.get('acme/salesforce')?.refreshToken).toBe('rt-2');
  });

  it('refreshes again for a later, separate call', async () => {
    const vault = memoryVault(tokens(1));
    let n = 1;
    const svc = new TokenService({ secretStore: vault, refresh: async () => tokens(++n) });
    await svc.refresh('acme', 'salesforce');
    const second = await svc.refresh('acme', 'salesforce');
    expect(second.refreshToken).toBe('rt-3');
  });

  it('on invalid_grant deletes the stored set and asks to sign in again', async () => {
    const vault = memoryVault(tokens(1));
    const svc = new TokenService({
      secretStore: vault,
      refresh: async () => {
        throw new PilotError('oauth-error', 'expired', 'sign in', { error: 'invalid_grant' });
      },
    });
    const err = await svc.refresh('acme', 'salesforce').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'not-signed-in' });
    expect((err as PilotError).hint).toMatch(/sign in/i);
    expect(vault.map.size).toBe(0);
  });

  it('keeps the stored set on other failures (e.g. network)', async () => {
    const vault = memoryVault(tokens(1));
    const svc = new TokenService({
      secretStore: vault,
      refresh: async () => {
        throw new PilotError('network', 'down', 'retry');
      },
    });
    await expect(svc.refresh('acme', 'salesforce')).rejects.toMatchObject({ code: 'network' });
    expect(vault.map.size).toBe(1);
  });

  it('withAccessToken refreshes once on 401 and retries with the new token', async () => {
    const vault = memoryVault(tokens(1));
    const svc = new TokenService({ secretStore: vault, refresh: async () => tokens(2) });
    const seen: string[] = [];
    const result = await svc.withAccessToken('acme', 'salesforce', async (t) => {
      seen.push(t.accessToken);
      if (t.accessToken === 'at-1') throw Object.assign(new Error('unauthorized'), { status: 401 });
      return 'data';
    });
    expect(result).toBe('data');
    expect(seen).toEqual(['at-1', 'at-2']);
  });

  it('withAccessToken does not refresh for other failures, and gives up after one retry', async () => {
    const vault = memoryVault(tokens(1));
    const refresh = vi.fn(async () => tokens(2));
    const svc = new TokenService({ secretStore: vault, refresh });
    await expect(
      svc.withAccessToken('acme', 'salesforce', async () =>
        Promise.reject(new PilotError('forbidden', 'no', 'x')),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(refresh).not.toHaveBeenCalled();
    const always401 = async () => Promise.reject(new PilotError('not-signed-in', 'no', 'x', { status: 401 }));
    await expect(svc.withAccessToken('acme', 'salesforce', always401)).rejects.toMatchObject({
      code: 'not-signed-in',
    });
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('skips the network when another caller already refreshed the stale token', async () => {
    const vault = memoryVault(tokens(5));
    const refresh = vi.fn(async () => tokens(6));
    const svc = new TokenService({ secretStore: vault, refresh });
    const t = await svc.refresh('acme', 'salesforce', 'at-4');
    expect(t.accessToken).toBe('at-5');
    expect(refresh).not.toHaveBeenCalled();
  });
});
