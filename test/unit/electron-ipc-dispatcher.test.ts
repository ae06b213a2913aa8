import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PilotError } from '../../main/core/errors';
import { createIpcDispatcher } from '../../main/electron/ipc-dispatcher';
import { APP_ENTRY_URL } from '../../main/electron/policy';

const contract = {
  'orgs.get': {
    input: z.object({ alias: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/) }),
    output: z.object({ alias: z.string(), createdAt: z.string() }),
  },
  'app.version': { input: z.undefined(), output: z.string() },
};

const app = { url: APP_ENTRY_URL, isTopFrame: true };

function dispatcher(overrides: Partial<Record<keyof typeof contract, (input: never) => unknown>> = {}) {
  const calls: unknown[] = [];
  const d = createIpcDispatcher(contract, {
    'orgs.get': (input: { alias: string }) => {
      calls.push(input);
      return { alias: input.alias, createdAt: '2026-01-01T00:00:00Z', accessToken: 'must-not-leak' };
    },
    'app.version': () => '0.1.0',
    ...overrides,
  });
  return { d, calls };
}

describe('createIpcDispatcher', () => {
  it('lists every contract method', () => {
    expect(dispatcher().d.methods).toEqual(['orgs.get', 'app.version']);
  });

  it('refuses to start when a contract method has no handler', () => {
    expect(() => createIpcDispatcher(contract, { 'orgs.get': () => undefined })).toThrow(/app\.version/);
  });

  it('calls the handler with validated input and strips undeclared output fields', async () => {
    const { d, calls } = dispatcher();
    const result = await d.dispatch('orgs.get', app, { alias: 'acme' });
    expect(result).toEqual({ ok: true, value: { alias: 'acme', createdAt: '2026-01-01T00:00:00Z' } });
    expect(calls).toEqual([{ alias: 'acme' }]);
    expect(JSON.stringify(result)).not.toContain('must-not-leak');
  });

  it('rejects a sender outside the app origin or in a subframe without calling the handler', async () => {
    for (const sender of [
      { url: 'https://evil.example/', isTopFrame: true },
      { url: APP_ENTRY_URL, isTopFrame: false },
      { url: undefined, isTopFrame: true },
    ]) {
      const { d, calls } = dispatcher();
      const result = await d.dispatch('orgs.get', sender, { alias: 'acme' });
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(calls).toEqual([]);
    }
  });

  it('rejects invalid input without echoing it', async () => {
    const { d, calls } = dispatcher();
    const result = await d.dispatch('orgs.get', app, { alias: '../secret-value' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify(result)).not.toContain('secret-value');
    expect(calls).toEqual([]);
  });

  it('rejects unknown methods, including Object.prototype names', async () => {
    const { d } = dispatcher();
    for (const m of ['orgs.delete', 'toString', '__proto__', 'constructor']) {
      expect(await d.dispatch(m, app, undefined)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    }
  });

  it('passes a PilotError through as plain data', async () => {
    const { d } = dispatcher({
      'orgs.get': () => {
        throw new PilotError('not-found', 'No org named "acme".', 'Add it first.');
      },
    });
    expect(await d.dispatch('orgs.get', app, { alias: 'acme' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No org named "acme".', hint: 'Add it first.' },
    });
  });

  it('hides the text of unexpected errors, which might carry secrets', async () => {
    const { d } = dispatcher({
      'orgs.get': async () => {
        throw new Error('refresh_token=abc123 rejected');
      },
    });
    const result = await d.dispatch('orgs.get', app, { alias: 'acme' });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('abc123');
  });

  it('reports output that breaks the contract as an internal error', async () => {
    const { d } = dispatcher({ 'app.version': () => 42 });
    expect(await d.dispatch('app.version', app, undefined)).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});
