/**
 * Real HTTP against the real loopback listener, started by SignInService on 127.0.0.1 (free port), with
 * raw sockets so methods, targets and headers reach the server exactly as generated (fetch would
 * normalise them). Properties: stray requests never abort the pending sign-in, only a GET on the exact
 * path carrying the pending state completes it, status codes are sane, the server keeps answering, and
 * no token request is made for anything but the accepted redirect.
 */
import { freePort } from '../helpers/free-port';
import { connect } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignInService, type StartedSignIn } from '../../main/core/auth/sign-in';
import {
  check,
  countingTokenEndpoint,
  memoryVault,
  orgRegistry,
  orgSettings,
  seedOption,
  stateOf,
  STUB_LOGIN_URL,
  totalRuns,
} from './fuzz-support';
import { CALLBACK, judgeQuery, materialize, mutationPlan } from './redirect-model';

const TOTAL = totalRuns();
const STRAY_REQUESTS = Math.max(200, Math.min(3000, Math.ceil(TOTAL * 0.03)));
const MUTATED_SIGN_INS = Math.max(30, Math.min(300, Math.ceil(TOTAL * 0.003)));
const REQUEST_BOUND_MS = 5_000;

interface RawResponse {
  /** 0 when the server closed the connection without an answer. */
  readonly status: number;
  readonly head: string;
}

/** Sends bytes as-is and reads the status line; a request that gets no end within the bound is a hang. */
function rawRequest(port: number, bytes: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${REQUEST_BOUND_MS} ms to ${JSON.stringify(bytes.slice(0, 200))}`));
    }, REQUEST_BOUND_MS);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after a 400 is an answer too
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      // Skip interim answers (100 Continue) and read the final status.
      const finals = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)]
        .map((m) => Number(m[1]))
        .filter((s) => s >= 200);
      resolve({ status: finals[0] ?? 0, head: text.slice(0, 400) });
    });
    socket.end(Buffer.from(bytes, 'latin1'));
  });
}

const method = fc.oneof(
  { weight: 4, arbitrary: fc.constant('GET') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'POST',
      'PUT',
      'HEAD',
      'OPTIONS',
      'DELETE',
      'PATCH',
      'TRACE',
      'CONNECT',
      'get',
      'PROPFIND',
      'G ET',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) },
);

const pathArb = fc.oneof(
  { weight: 5, arbitrary: fc.constant(CALLBACK) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '/',
      '/favicon.ico',
      '/oauth/callback/',
      '/oauth/./callback',
      '/oauth/x/../callback',
      '//oauth/callback',
      '/OAUTH/CALLBACK',
      '/oauth/%63allback',
      '/oauth/callback%00',
      'http://127.0.0.1/oauth/callback',
      'http://evil.example/oauth/callback',
      '*',
      'oauth/callback',
      '/oauth/callback#frag',
      '/\u00e9',
      '/%',
      '/..',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const queryArb = (realState: string) =>
  fc.oneof(
    fc.constant(''),
    fc.constant(`?code=abc&state=${realState}`), // a real state, but see `canComplete`
    fc.constant('?code=abc&state=forged'),
    fc.constant(`?state=${realState}&state=forged&code=x`),
    fc.constant(`?error=access_denied&state=${realState}`),
    fc.string({ maxLength: 60 }).map((q) => `?${q}`),
    fc.string({ unit: 'binary', maxLength: 40 }).map((q) => `?${q}`),
    fc
      .dictionary(fc.constantFrom('state', 'code', 'error', 'iss', 'x'), fc.string({ maxLength: 20 }), {
        maxKeys: 4,
      })
      .map((d) => `?${new URLSearchParams(d).toString()}`),
  );

const headerArb = fc.array(
  fc.oneof(
    fc.constantFrom(
      'Access-Control-Request-Private-Network: true',
      'Origin: https://login.salesforce.com',
      'Origin: null',
      'Content-Length: 5\r\n\r\nhello',
      'Transfer-Encoding: chunked',
      'Expect: 100-continue',
      'Cookie: sid=1',
      'Host: evil.example',
      'X-Forwarded-For: 1.2.3.4',
      `X-Long: ${'a'.repeat(20_000)}`,
      'Bad Header Without Colon',
      ': empty-name',
    ),
    fc
      .tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 40 }))
      .map(([k, v]) => `${k}: ${v}`),
  ),
  { maxLength: 4 },
);

interface StrayRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: readonly string[];
  readonly version: string;
}

const strayArb = (realState: string): fc.Arbitrary<StrayRequest> =>
  fc.record({
    method,
    path: pathArb,
    query: queryArb(realState),
    headers: headerArb,
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 extra', ''),
  });

function serialize(r: StrayRequest, port: number): string {
  const line = `${r.method} ${r.path}${r.query} ${r.version}`.replace(/\s+$/, '');
  return [line, `Host: 127.0.0.1:${port}`, ...r.headers, 'Connection: close', '', ''].join('\r\n');
}

/**
 * Whether a request could legitimately end the sign-in: a GET whose target resolves (as the listener
 * resolves it) to the callback path and carries the pending state in some parameter.
 */
function canComplete(r: StrayRequest, realState: string): boolean {
  if (r.method !== 'GET') return false;
  let url: URL;
  try {
    url = new URL(`${r.path}${r.query}`, 'http://127.0.0.1');
  } catch {
    return false;
  }
  return url.pathname === CALLBACK && [...url.searchParams.values()].includes(realState);
}

const SANE = new Set([200, 204, 400, 404, 405, 409, 413, 414, 421, 431, 505]);

function loopbackService(port: number) {
  const stub = countingTokenEndpoint();
  const svc = new SignInService({
    orgs: orgRegistry([orgSettings('acme', STUB_LOGIN_URL, 'client-loop', 'loopback', port)]),
    secrets: memoryVault(),
    http: stub.http,
    openBrowser: async () => undefined,
  });
  return { svc, stub };
}

/** start() retries while the previous sign-in's listener is still letting go of the port. */
async function startWhenPortFree(svc: SignInService): Promise<StartedSignIn> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await svc.start('acme', 'salesforce', { openBrowser: false });
    } catch (e) {
      if (attempt > 200 || (e as { code?: string }).code !== 'port-busy') throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('loopback listener under stray HTTP requests', () => {
  it(`keeps waiting through ${STRAY_REQUESTS} stray requests, then completes with the real redirect`, async () => {
    const port = await freePort();
    const { svc, stub } = loopbackService(port);
    const started = await svc.start('acme', 'salesforce', { openBrowser: false });
    const state = stateOf(started.authorizationUrl);
    let settled = false;
    started.done.then(
      () => (settled = true),
      () => (settled = true),
    );
    const statuses = new Map<number, number>();
    let sent = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(strayArb(state), { minLength: 1, maxLength: 10 }), async (batch) => {
        // Requests of a batch race each other, as a browser's would.
        const strays = batch.filter((r) => !canComplete(r, state));
        const answers = await Promise.all(strays.map((r) => rawRequest(port, serialize(r, port))));
        answers.forEach((a, i) => {
          const r = strays[i] as StrayRequest;
          sent += 1;
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          // Node drops CONNECT (no 'connect' handler) without an answer: refused, not crashed.
          check(
            SANE.has(a.status) || (a.status === 0 && r.method === 'CONNECT'),
            `unexpected status ${a.status} for ${r.method} ${r.path}${r.query}`,
          );
          // 200 means "signed in": never for a stray. 204 only answers a Private Network Access preflight.
          check(a.status !== 200, `a stray request got 200: ${r.method} ${r.path}${r.query}`);
          if (a.status === 204) check(r.method === 'OPTIONS', `204 for ${r.method}`);
        });
        check(!settled, 'a stray request ended the pending sign-in');
        check(stub.tokenRequests() === 0, 'a stray request caused a token request');
      }),
      { numRuns: Math.ceil(STRAY_REQUESTS / 5.5), timeout: 30_000, ...seedOption() },
    );

    expect(sent).toBeGreaterThan(STRAY_REQUESTS * 0.5);
    // The listener really saw each kind of refusal (otherwise the generator is too narrow).
    for (const s of [400, 404, 405]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0);
    // Still alive and still waiting: the genuine redirect completes it.
    const ok = await rawRequest(
      port,
      `GET ${CALLBACK}?code=real-code&state=${state} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(ok.status).toBe(200);
    await expect(started.done).resolves.toMatchObject({ alias: 'acme', signedIn: true });
    expect(stub.tokenRequests()).toBe(1);
  }, 120_000);
});

describe('loopback listener under mutated genuine redirects', () => {
  it(`answers ${MUTATED_SIGN_INS} mutated redirects exactly as the rules say`, async () => {
    const port = await freePort();
    const { svc, stub } = loopbackService(port);
    const seen = { complete: 0, 'error-response': 0, malformed: 0, 'other-state': 0 };
    await fc.assert(
      fc.asyncProperty(
        mutationPlan,
        fc.constantFrom('GET', 'GET', 'GET', 'POST', 'HEAD'),
        async (plan, verb) => {
          // A failed run (while fast-check shrinks) may leave its sign-in behind; start clean.
          if (svc.cancel('acme', 'salesforce')) await new Promise((r) => setTimeout(r, 20));
          const started = await startWhenPortFree(svc);
          const state = stateOf(started.authorizationUrl);
          // Same mutations as the scheme suite, re-addressed to the loopback target form.
          const mutated = materialize(
            { kind: 'mutated', code: 'Q29kZQ==', plan },
            { scheme: 'x', state, issuer: STUB_LOGIN_URL },
          );
          const target = mutated.startsWith('x:') ? mutated.slice(2) : `/${mutated}`;
          // A request line carries only visible ASCII; a browser percent-encodes the rest (UTF-8), so do we.
          const wire = target.replace(/[^\x21-\x7e]/gu, (c) =>
            [...Buffer.from(c, 'utf8')]
              .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
              .join(''),
          );
          let url: URL | undefined;
          try {
            url = new URL(wire, 'http://127.0.0.1');
          } catch {
            url = undefined;
          }
          const before = stub.tokenRequests();
          const answer = await rawRequest(
            port,
            `${verb} ${wire} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
          );
          const asked = stub.tokenRequests() - before;
          check(SANE.has(answer.status), `status ${answer.status}`);
          // Node refuses request heads over 16 KiB (431) before the listener sees them: a refusal like any other.
          if (answer.status === 431) check(wire.length > 15_000, `431 for a ${wire.length}-character target`);
          // HTTP/1.1 request targets (RFC 9112 §3.2): origin-form "/…" or absolute-form "scheme://…"; Node refuses others.
          const targetForm = wire.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(wire);
          const parsable = url !== undefined && targetForm && answer.status !== 431;
          const verdict =
            parsable && url?.pathname === CALLBACK && verb === 'GET'
              ? judgeQuery(url.search.slice(1), state, STUB_LOGIN_URL)
              : 'malformed';
          seen[verdict] += 1;
          if (verdict === 'complete') {
            check(
              answer.status === 200 && asked === 1,
              `valid redirect got ${answer.status}, ${asked} token requests: ${verb} ${wire.slice(0, 300)}`,
            );
            await started.done;
          } else {
            check(
              answer.status !== 200 && asked === 0,
              `refused redirect got ${answer.status}, ${asked} token requests (${verdict}): ${verb} ${wire.slice(0, 300)}`,
            );
            const stillPending = svc.cancel('acme', 'salesforce');
            check(
              stillPending === (verdict !== 'error-response'),
              `pending=${stillPending} after ${verdict}`,
            );
            await started.done.catch(() => undefined);
          }
        },
      ),
      { numRuns: MUTATED_SIGN_INS, timeout: 30_000, ...seedOption() },
    );
    expect(seen.complete).toBeGreaterThan(0);
    expect(seen.malformed + seen['other-state']).toBeGreaterThan(0);
  }, 120_000);
});
