/**
 * The renderer's launch requests (renderer/src/startup.ts): sent before React starts, each taken once.
 * The bridge is a recording stand-in for window.pkcePilot; the answers are what the contract says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PkcePilotApi } from '../../preload/contract';
import { startInitialLoad, takeInitialFleet, takeInitialLoad } from '../../renderer/src/startup';

let asked: { method: string; input: unknown }[];

beforeEach(() => {
  asked = [];
  const api = new Proxy(
    {},
    {
      get: (_target, method: string) => (input: unknown) => {
        asked.push({ method, input });
        return Promise.resolve({ ok: true, value: { method } });
      },
    },
  ) as PkcePilotApi;
  (globalThis as { window?: unknown }).window = { pkcePilot: api };
});
afterEach(() => {
  // Nothing may stay pending for the next test.
  takeInitialLoad();
  takeInitialFleet();
  delete (globalThis as { window?: unknown }).window;
});

describe('launch requests', () => {
  it('asks for the first screen only when the app opens on an org', async () => {
    startInitialLoad('acme', false);
    expect(asked).toEqual([{ method: 'app.start', input: { lastOrg: 'acme' } }]);
    expect(takeInitialFleet()).toBeUndefined();
    await expect(takeInitialLoad()).resolves.toEqual({ method: 'app.start' });
  });

  it('asks for every org row at the same moment when the app opens on "All orgs"', async () => {
    startInitialLoad(undefined, true);
    expect(asked).toEqual([
      { method: 'app.start', input: {} },
      { method: 'fleet.list', input: {} },
    ]);
    await expect(takeInitialFleet()).resolves.toEqual({ method: 'fleet.list' });
    // Taken once: the next showing of "All orgs" asks again.
    expect(takeInitialFleet()).toBeUndefined();
    expect(asked).toHaveLength(2);
  });

  it('keeps a failed launch request for the App to report, without an unhandled rejection', async () => {
    (globalThis as { window?: { pkcePilot?: unknown } }).window = {
      pkcePilot: new Proxy({}, { get: () => () => Promise.reject(new Error('main is gone')) }),
    };
    startInitialLoad(undefined, true);
    await new Promise((r) => setTimeout(r, 10));
    await expect(takeInitialFleet()).rejects.toThrow('main is gone');
    await expect(takeInitialLoad()).rejects.toThrow('main is gone');
  });
});
