/**
 * IPC argument validation for every contract method, through the real dispatcher (no Electron): random
 * and mutated inputs are either accepted (the handler gets exactly the schema's parse, which re-validates
 * identically) or refused with a plain 'invalid-input' envelope before any handler runs — never a throw.
 * Prototype-pollution keys (__proto__, constructor, prototype) are refused or harmless.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import { createIpcDispatcher, type IpcHandler } from '../../main/electron/ipc-dispatcher';
import { APP_ENTRY_URL } from '../../main/electron/policy';
import { API_METHODS, apiContract, type ApiMethod } from '../../preload/contract';
import { check, seedOption, share, totalRuns } from './fuzz-support';

const RUNS_PER_METHOD = Math.ceil(share(totalRuns(), 0.1, 200) / API_METHODS.length);
const SENDER = { url: APP_ENTRY_URL, isTopFrame: true };

const alias = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const itemId = fc.stringMatching(/^[a-z]+\.[a-z0-9.-]{1,80}$/);
const provider = fc.constantFrom('salesforce', 'okta');
const shortText = (max: number) => fc.string({ maxLength: max });
const port = fc.integer({ min: 1024, max: 65535 });
const linkTarget = fc.constantFrom(...apiContract['links.open'].input.shape.target.options);

/** Valid inputs, one generator per method (kept next to the contract so a new method fails here first). */
const validInputs: { readonly [M in ApiMethod]: fc.Arbitrary<Record<string, unknown>> } = {
  'app.info': fc.constant({}),
  'app.start': fc.record({ lastOrg: alias }, { requiredKeys: [] }),
  'checklist.get': fc.record({ alias }),
  'checklist.setDone': fc.record({ alias, itemId, done: fc.boolean() }),
  'checklist.setNote': fc.record({ alias, itemId, note: shortText(200) }),
  'orgs.list': fc.constant({}),
  'orgs.add': fc.record(
    {
      alias: shortText(40),
      salesforceLoginUrl: shortText(60),
      clientId: shortText(40),
      redirect: fc.constantFrom('loopback', 'scheme'),
      port,
      oktaOrgUrl: shortText(60),
      oktaClientId: shortText(40),
      allowUnknownHost: fc.boolean(),
    },
    { requiredKeys: ['alias', 'salesforceLoginUrl', 'clientId', 'redirect'] },
  ),
  'orgs.update': fc.record(
    {
      alias,
      salesforceLoginUrl: shortText(60),
      clientId: shortText(40),
      redirect: fc.constantFrom('loopback', 'scheme'),
      port,
      oktaOrgUrl: shortText(60),
      oktaClientId: shortText(40),
      allowUnknownHost: fc.boolean(),
    },
    { requiredKeys: ['alias'] },
  ),
  'orgs.check': fc.record(
    {
      alias: shortText(40),
      salesforceLoginUrl: shortText(60),
      clientId: shortText(40),
      redirect: fc.constantFrom('loopback', 'scheme'),
      port,
      oktaOrgUrl: shortText(60),
      oktaClientId: shortText(40),
      editing: fc.boolean(),
    },
    { requiredKeys: ['alias', 'salesforceLoginUrl', 'clientId', 'redirect'] },
  ),
  'orgs.remove': fc.record({ alias }),
  'signIn.start': fc.record({ alias, provider }),
  'signIn.cancel': fc.record({ alias, provider }),
  'signIn.signOut': fc.record({ alias, provider }),
  'signIn.status': fc.record({ alias }),
  'verify.run': fc.record({ alias }),
  'board.get': fc.record({ alias }),
  'fleet.list': fc.constant({}),
  'fleet.signInStatus': fc.constant({}),
  'report.exportFleet': fc.record({ format: fc.constantFrom('md', 'html', 'csv', 'json') }),
  'report.export': fc.record({ alias, format: fc.constantFrom('md', 'html', 'json', 'pdf') }),
  'links.open': fc.record({ alias, target: linkTarget }),
};

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const oddValue = fc.oneof(
  fc.anything({
    maxDepth: 2,
    withNullPrototype: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withBigInt: true,
  }),
  fc.constantFrom(
    '',
    'a'.repeat(5000),
    -1,
    1023,
    65536,
    1.5,
    Number.NaN,
    Infinity,
    null,
    undefined,
    [],
    {},
    '__proto__',
    'SALESFORCE',
    ' okta',
  ),
);

/** `input`'s keys on top of a JSON.parse result, which (unlike a literal) keeps "__proto__" as an own key. */
function withOwnKeys(json: string, input: Record<string, unknown>): Record<string, unknown> {
  const out = JSON.parse(json) as Record<string, unknown>;
  for (const [k, v] of Object.entries(input))
    Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  return out;
}

type Mutation = (input: Record<string, unknown>) => unknown;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // an extra key, including prototype-pollution keys set as own properties (as JSON.parse would)
  fc
    .tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ maxLength: 10 })), oddValue)
    .map(([k, v]): Mutation => (input) => {
      const out: Record<string, unknown> = { ...input };
      Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
      return out;
    }),
  fc.constantFrom<Mutation>(
    (input) => withOwnKeys('{"__proto__":{"polluted":true}}', input),
    (input) => withOwnKeys('{"constructor":{"prototype":{"polluted":true}}}', input),
    (input) => Object.assign(Object.create(null), input),
    (input) => Object.assign(Object.create({ alias: 'inherited' }), input),
    (input) => [input],
    () => undefined,
    () => null,
    (input) => JSON.stringify(input, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
  ),
  // drop a key
  fc.nat().map((i): Mutation => (input) => {
    const keys = Object.keys(input);
    if (keys.length === 0) return input;
    const { [keys[i % keys.length] as string]: _dropped, ...rest } = input;
    return rest;
  }),
  // replace a value
  fc.tuple(fc.nat(), oddValue).map(([i, v]): Mutation => (input) => {
    const keys = Object.keys(input);
    return keys.length === 0 ? { x: v } : { ...input, [keys[i % keys.length] as string]: v };
  }),
);

const inputFor = (m: ApiMethod) =>
  fc.oneof(
    { weight: 2, arbitrary: validInputs[m].map((v) => ({ input: v as unknown, from: 'valid' as const })) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(validInputs[m], fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([v, ms]) => ({
          input: ms.reduce<unknown>(
            (acc, f) =>
              acc !== null && typeof acc === 'object' && !Array.isArray(acc)
                ? f(acc as Record<string, unknown>)
                : acc,
            v,
          ),
          from: 'mutated' as const,
        })),
    },
    { weight: 2, arbitrary: oddValue.map((v) => ({ input: v, from: 'random' as const })) },
  );

function handlersRecording(calls: { method: string; input: unknown }[]): Record<string, IpcHandler> {
  const out: Record<string, IpcHandler> = {};
  for (const m of API_METHODS) {
    out[m] = (async (input: unknown) => {
      calls.push({ method: m, input });
      // A marker failure: reaching here proves validation passed, without having to build outputs.
      throw new PilotError('not-found', 'handled', 'marker');
    }) as IpcHandler;
  }
  return out;
}

describe('IPC input validation (every contract method, through the dispatcher)', () => {
  for (const method of API_METHODS) {
    it(`${method}: accepted inputs re-validate identically; the rest are refused with invalid-input`, async () => {
      const calls: { method: string; input: unknown }[] = [];
      const dispatcher = createIpcDispatcher(apiContract, handlersRecording(calls));
      const schema = apiContract[method].input;
      const seen = { accepted: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(inputFor(method), async ({ input }) => {
          calls.length = 0;
          const parsed = schema.safeParse(input);
          const result = await dispatcher.dispatch(method, SENDER, input);
          check(!result.ok, 'the marker handler cannot succeed');
          if (result.ok) return;
          if (parsed.success) {
            seen.accepted += 1;
            check(
              result.error.code === 'not-found' && calls.length === 1,
              `valid input did not reach the handler (${result.error.code})`,
            );
            const handed = calls[0]?.input;
            check(
              JSON.stringify(handed) === JSON.stringify(parsed.data),
              'handler got something other than the parse',
            );
            const again = schema.safeParse(handed);
            check(
              again.success && JSON.stringify(again.data) === JSON.stringify(handed),
              'accepted input does not re-validate identically',
            );
            check(Object.getPrototypeOf(handed) === Object.prototype, 'handler input has an odd prototype');
            for (const k of POLLUTION_KEYS)
              check(!Object.hasOwn(handed as object, k), `handler input kept own key ${k}`);
          } else {
            seen.refused += 1;
            check(calls.length === 0, 'a refused input reached the handler');
            check(
              result.error.code === 'invalid-input' &&
                result.error.message.length > 0 &&
                result.error.hint.length > 0,
              `unclear refusal ${result.error.code}`,
            );
            // The refusal never echoes the input back (it may hold something pasted by mistake).
            check(!JSON.stringify(result.error).includes('polluted'), 'the refusal echoes the input');
            check(
              parsed.error.issues.length > 0 && parsed.error.issues.every((i) => i.message.length > 0),
              'zod refusal without a reason',
            );
          }
          check(({} as Record<string, unknown>)['polluted'] === undefined, 'Object.prototype was polluted');
        }),
        { numRuns: RUNS_PER_METHOD, ...seedOption() },
      );
      expect(seen.accepted).toBeGreaterThan(0);
      expect(seen.refused).toBeGreaterThan(0);
    });
  }

  it('unknown, inherited and prototype method names are refused, never dispatched', async () => {
    const calls: { method: string; input: unknown }[] = [];
    const dispatcher = createIpcDispatcher(apiContract, handlersRecording(calls));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom(
            '__proto__',
            'constructor',
            'toString',
            'hasOwnProperty',
            'valueOf',
            'app.info ',
            'APP.INFO',
            'app.info\u0000',
          ),
        ),
        fc.anything({ maxDepth: 1 }),
        async (name, input) => {
          if ((API_METHODS as readonly string[]).includes(name)) return;
          const result = await dispatcher.dispatch(name, SENDER, input);
          check(
            !result.ok && result.error.code === 'invalid-input' && calls.length === 0,
            `method ${JSON.stringify(name)} was not refused`,
          );
        },
      ),
      { numRuns: 2000, ...seedOption() },
    );
  });
});
