/**
 * The fault-injection table (FAULTS.md), one test per row, against real parts: the Salesforce- and
 * Okta-shaped oidc-provider servers with injected faults, the real keychain (gnome-keyring under
 * scripts/with-keyring.sh), real D-Bus sessions for the keychain rows, and real tmpfs mounts for
 * disk-full and read-only rows.
 *   scripts/with-keyring.sh npx vitest run test/faults
 */
import { authorizeForCode } from '../helpers/authorize';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotError, type PilotErrorCode } from '../../main/core/errors';
import { createHttpClient } from '../../main/core/http';
import { fetchSalesforceIdentity } from '../../main/core/auth/identity';
import type { OrgSettings, TokenSet } from '../../main/core/model';
import { OrgStore, type OrgInput } from '../../main/core/storage/org-store';
import { createCodeVerifier } from '../../main/core/auth/pkce';
import { ProgressStore } from '../../main/core/storage/progress-store';
import { endpointsFor } from '../../main/core/auth/providers';
import { SecretStore } from '../../main/core/storage/secret-store';
import { SignInService } from '../../main/core/auth/sign-in';
import { exchangeCode, refreshTokens, type TokenClientContext } from '../../main/core/auth/token-client';
import { TokenService } from '../../main/core/auth/token-service';
import { OktaApi } from '../../main/core/verify/okta-api';
import type { Recovery } from '../../main/core/storage/json-file-store';
import { bundleForChild, childEnv } from '../helpers/bundle-for-child';
import type { Fault } from '../servers/faults';
import { createOktaApi, createOktaApiState } from '../servers/okta-api';
import { startOktaServer, type OktaTestServer } from '../servers/okta-server';
import { startSalesforceServer, type SalesforceTestServer } from '../servers/salesforce-server';
import { HAS_KEYCHAIN, NEEDS_KEYCHAIN } from '../helpers/keychain';

const run = promisify(execFile);
const TIMEOUT_MS = 600; // short client timeout so hang / slow-body rows stay fast
const CLIENT_ID = 'pkce-pilot-faults';
const REDIRECT = 'com.pkcepilot.app:/oauth/callback';
const DEAD_HOST = 'https://pilot-fault.invalid'; // RFC 6761 §6.4: never resolves

const isLinux = process.platform === 'linux';
const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const NO_DBUS_TOOLS_REASON = 'needs Linux with dbus-run-session and gnome-keyring-daemon';

const http = createHttpClient({ env: {}, timeoutMs: TIMEOUT_MS });
const secrets = new SecretStore();
let sf: SalesforceTestServer;
let sfCtx: TokenClientContext;

// ---- helpers ---------------------------------------------------------------------------------------

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

/** A fresh, real Salesforce sign-in (code + PKCE exchange) — each token row needs its own refresh token. */
async function signInSalesforce(): Promise<TokenSet> {
  const verifier = createCodeVerifier();
  const code = await authorizeForCode({ ...sfCtx, clientId: CLIENT_ID, redirectUri: REDIRECT, verifier });
  const tokens = await exchangeCode({
    ...sfCtx,
    http: createHttpClient({ env: {}, timeoutMs: 5_000 }),
    redirectUri: REDIRECT,
    code,
    verifier,
  });
  return { ...tokens, username: 'admin@acme.test' };
}

function secretsOf(tokens: TokenSet): string[] {
  return [tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : [])];
}

/** The row's failure: a PilotError with the code, a message naming the cause, a hint, and no secret anywhere. */
async function expectFailure(
  attempt: Promise<unknown>,
  code: PilotErrorCode,
  cause: RegExp,
  leakable: string[] = [],
): Promise<PilotError> {
  const error = await attempt.then(
    () => new Error('expected the call to fail, but it succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PilotError);
  const err = error as PilotError;
  expect({ code: err.code, message: err.message }).toEqual({ code, message: expect.stringMatching(cause) });
  expect(err.hint.length).toBeGreaterThan(10);
  const visible = `${err.message} ${err.hint} ${JSON.stringify(err.details)}`;
  for (const s of leakable) expect(visible).not.toContain(s);
  return err;
}

// ---- token endpoint rows -----------------------------------------------------------------------------

type Expectation = { code: PilotErrorCode; cause: RegExp } | 'succeeds';

/**
 * Signs in, stores the set in the real keychain, injects the fault and refreshes through TokenService.
 * A failure must leave the keychain holding exactly the previous set (never a partial or half-rotated one).
 */
async function tokenRow(fault: Fault | 'dns', expected: Expectation): Promise<void> {
  const alias = `fault-token-${Math.random().toString(36).slice(2, 8)}`;
  const before = await signInSalesforce();
  await secrets.set(alias, 'salesforce', before);
  const ctx = fault === 'dns' ? { ...sfCtx, endpoints: endpointsFor('salesforce', DEAD_HOST) } : sfCtx;
  const service = new TokenService({
    secretStore: secrets,
    refresh: (_a, _p, tokens) => refreshTokens({ ...ctx, tokens }),
  });
  sf.clearFaults();
  if (fault !== 'dns') sf.injectFault('token', fault);
  try {
    if (expected === 'succeeds') {
      const next = await service.refresh(alias, 'salesforce');
      expect(next.refreshToken).not.toBe(before.refreshToken);
      expect(await secrets.get(alias, 'salesforce')).toEqual(next);
      return;
    }
    await expectFailure(
      service.refresh(alias, 'salesforce'),
      expected.code,
      expected.cause,
      secretsOf(before),
    );
    expect(await secrets.get(alias, 'salesforce')).toEqual(before);
  } finally {
    sf.clearFaults();
    await secrets.delete(alias, 'salesforce').catch(() => undefined);
  }
}

// ---- API rows (Salesforce identity URL) --------------------------------------------------------------

let apiTokens: TokenSet | undefined;

async function apiRow(fault: Fault | 'dns', expected: Expectation, times = 1): Promise<void> {
  apiTokens ??= await signInSalesforce();
  const tokens =
    fault === 'dns'
      ? { ...apiTokens, identityUrl: `${DEAD_HOST}/id/00D5g000004PkCeEAK/005000000000000AAA` }
      : apiTokens;
  sf.clearFaults();
  if (fault !== 'dns') sf.injectFault('identity', fault, { times });
  try {
    if (expected === 'succeeds') {
      expect(await fetchSalesforceIdentity(http, tokens)).toMatchObject({ username: 'admin@acme.test' });
      return;
    }
    await expectFailure(
      fetchSalesforceIdentity(http, tokens),
      expected.code,
      expected.cause,
      secretsOf(tokens),
    );
  } finally {
    sf.clearFaults();
  }
}

// ---- Okta API 429 burst ------------------------------------------------------------------------------

async function oktaRateLimitBurst(): Promise<void> {
  const state = createOktaApiState({
    apps: [
      { id: '0oa1', name: 'salesforce', label: 'Salesforce', status: 'ACTIVE' },
      {
        id: '0oa2',
        name: 'salesforce',
        label: 'Salesforce Sandbox',
        status: 'ACTIVE',
        instanceType: 'SANDBOX',
      },
    ],
  });
  const okta: OktaTestServer = await startOktaServer({ autoConsent: true, apiHandler: createOktaApi(state) });
  const alias = 'fault-okta-429';
  try {
    await okta.registerClient({ clientId: CLIENT_ID, redirectUris: [REDIRECT] });
    const ctx: TokenClientContext = {
      provider: 'okta',
      endpoints: endpointsFor('okta', okta.url),
      clientId: CLIENT_ID,
      http,
    };
    const verifier = createCodeVerifier();
    const code = await authorizeForCode({
      ...ctx,
      redirectUri: REDIRECT,
      verifier,
      scope: 'openid offline_access okta.apps.read',
    });
    await secrets.set(alias, 'okta', await exchangeCode({ ...ctx, redirectUri: REDIRECT, code, verifier }));

    okta.injectFault('api', { kind: 'rate-limit', count: 2 });
    const service = new TokenService({
      secretStore: secrets,
      refresh: (_a, _p, tokens) => refreshTokens({ ...ctx, tokens }),
    });
    const api = new OktaApi({ alias, tokenService: service, fetch: http, maxRateLimitWaitMs: 5_000 });
    const result = await api.getAll('/api/v1/apps?filter=name%20eq%20%22salesforce%22', 'okta.apps.read');
    expect(result).toMatchObject({ ok: true, value: [{ id: '0oa1' }, { id: '0oa2' }] });
    // Two 429s (answered by the fault before the API), then the real page: it waited, it did not give up.
    expect(okta.requests.filter((r) => r.path === '/api/v1/apps').length).toBe(3);
    expect(state.calls).toEqual(['apps page after=0']);
    expect(okta.tokenRequestCount('refresh_token')).toBe(0);
  } finally {
    await secrets.delete(alias, 'okta').catch(() => undefined);
    await okta.close();
  }
}

// ---- keychain rows (child processes in their own D-Bus worlds) --------------------------------------

let child = { file: '', folder: '' };
let emptyBusConfig = '';

async function prepareKeychainChild(): Promise<void> {
  if (child.file) return;
  child = await bundleForChild(path.resolve(__dirname, 'keychain-child.ts'));
  // A session bus that knows no .service files, so nothing can provide org.freedesktop.secrets.
  emptyBusConfig = path.join(child.folder, 'session.conf');
  await writeFile(
    emptyBusConfig,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${os.tmpdir()}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>`,
  );
}

async function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const { stdout } = await run(must(command[0]), command.slice(1), { env, timeout: 20_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}

function expectKeychainFailure(
  result: Record<string, unknown>,
  reason: string,
  message: RegExp,
  hint: RegExp,
): void {
  expect(result).toMatchObject({
    ok: false,
    code: 'keychain-unavailable',
    reason,
    message: expect.stringMatching(message),
    hint: expect.stringMatching(hint),
  });
  // The token endpoint was never asked, so no rotated refresh token can have been lost.
  expect(result['refreshCalls']).toBe(0);
  expect(JSON.stringify(result)).not.toContain('child-old-');
}

// ---- loopback row ------------------------------------------------------------------------------------

async function portBusy(): Promise<void> {
  const blocker: Server = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  const now = new Date().toISOString();
  const alias = 'fault-port';
  const org: OrgSettings = {
    alias,
    salesforce: { baseUrl: sf.url, clientId: CLIENT_ID, redirect: 'loopback', port },
    createdAt: now,
    updatedAt: now,
  };
  const service = new SignInService({
    orgs: { get: async () => org },
    secrets,
    http,
    openBrowser: async () => undefined,
  });
  try {
    const err = await expectFailure(
      service.start(alias, 'salesforce'),
      'port-busy',
      new RegExp(`Port ${port} .*already in use`),
    );
    expect(err.hint).toMatch(/--port/);
    expect(await secrets.get(alias, 'salesforce')).toBeUndefined();
  } finally {
    await new Promise((r) => blocker.close(r));
  }
  // The failed start left no pending sign-in behind: once the port is free, a new one starts.
  const started = await service.start(alias, 'salesforce', { openBrowser: false });
  expect(new URL(started.authorizationUrl).searchParams.get('redirect_uri')).toBe(
    `http://127.0.0.1:${port}/oauth/callback/${alias}/salesforce`,
  );
  expect(service.cancel(alias, 'salesforce')).toBe(true);
  await expect(started.done).rejects.toMatchObject({ code: 'signin-cancelled' });
}

// ---- storage rows (tmpfs) ----------------------------------------------------------------------------

const mounts: string[] = [];

/** Why tmpfs rows cannot run here, or undefined when mount works (root on Linux). */
function mountUnavailableReason(): string | undefined {
  if (!isLinux) return 'tmpfs mounts need Linux';
  const probe = spawnSync('sh', [
    '-c',
    'd=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s',
  ]);
  return probe.status === 0
    ? undefined
    : `mount -t tmpfs is not permitted here (${probe.stderr.toString().trim() || 'not root'}); as root, chmod cannot simulate a full or read-only disk`;
}

async function tmpfs(size: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pilot-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

const orgInput = (alias: string): OrgInput => ({
  alias,
  salesforce: {
    baseUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9-consumer-key',
    redirect: 'loopback',
    port: 7717,
  },
});

async function diskFull(): Promise<void> {
  const dir = await tmpfs('64k');
  const progress = new ProgressStore(dir);
  await progress.setDone('acme', 'sf.pkce-required', true);
  const saved = await readFile(progress.path);
  // Fill the disk: one big write, then small appends until the file system says ENOSPC.
  const filler = path.join(dir, 'filler.bin');
  await writeFile(filler, Buffer.alloc(256 * 1024)).catch(() => undefined);
  for (let i = 0; i < 64; i++) {
    const full = await appendFile(filler, Buffer.alloc(1024)).then(
      () => false,
      (e: NodeJS.ErrnoException) => e.code === 'ENOSPC',
    );
    if (full) break;
  }
  await expectFailure(
    progress.setNote('acme', 'sf.pkce-required', 'x'.repeat(1500)),
    'storage',
    /the disk is full/,
  );
  expect(await readFile(progress.path)).toEqual(saved);
  expect((await readdir(dir)).sort()).toEqual(['filler.bin', 'progress.json']);
  expect(await new ProgressStore(dir).getOrg('acme')).toMatchObject({ 'sf.pkce-required': { done: true } });
}

async function readOnlyFolder(): Promise<void> {
  const dir = await tmpfs('256k');
  const orgs = new OrgStore(dir);
  await orgs.add(orgInput('acme'));
  const saved = await readFile(orgs.path);
  await run('mount', ['-o', 'remount,ro', dir]);
  const err = await expectFailure(orgs.add(orgInput('beta')), 'storage', /the folder is read-only/);
  expect(err.hint).toMatch(/PKCE_PILOT_HOME/);
  expect(await readFile(orgs.path)).toEqual(saved);
  expect((await new OrgStore(dir).list()).map((o) => o.alias)).toEqual(['acme']);
}

async function corruptProgress(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pilot-corrupt-'));
  try {
    const orgs = new OrgStore(dir);
    await orgs.add(orgInput('acme'));
    const orgsBytes = await readFile(orgs.path);
    const garbage = '{"schemaVersion":1,"data":{"orgs":{"acme":{"sf.pkce-required":{"done":tru';
    await writeFile(path.join(dir, 'progress.json'), garbage);
    const recoveries: Recovery[] = [];
    const progress = new ProgressStore(dir, { onRecovered: (r) => recoveries.push(r) });

    expect(await progress.getOrg('acme')).toEqual({});
    expect(recoveries).toHaveLength(1);
    const recovery = must(recoveries[0]);
    expect(recovery.reason).toMatch(/not valid JSON/);
    expect(path.basename(recovery.keptAt)).toMatch(/^progress\.corrupt-.+\.json$/);
    expect(await readFile(recovery.keptAt, 'utf8')).toBe(garbage);
    expect(await readFile(orgs.path)).toEqual(orgsBytes);
    // The admin carries on: new progress is saved next to the kept copy.
    await progress.setDone('acme', 'sf.pkce-required', true);
    expect(await new ProgressStore(dir).getOrg('acme')).toMatchObject({ 'sf.pkce-required': { done: true } });
    expect((await readdir(dir)).sort()).toEqual(
      ['orgs.json', path.basename(recovery.keptAt), 'progress.json'].sort(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- the table ---------------------------------------------------------------------------------------

interface FaultRow {
  readonly id: string;
  /** Why the row cannot run here, evaluated at collection time; undefined = runs. */
  readonly skip?: () => string | undefined;
  readonly run: () => Promise<void>;
  readonly timeoutMs?: number;
}

const needsBus = (): string | undefined => (HAS_KEYCHAIN && isLinux ? undefined : NEEDS_KEYCHAIN);
const needsDbusTools = (): string | undefined =>
  isLinux && hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon')
    ? undefined
    : NO_DBUS_TOOLS_REASON;
let mountReason: string | undefined | null = null;
const needsMount = (): string | undefined =>
  mountReason === null ? (mountReason = mountUnavailableReason()) : mountReason;

const json = (status: number, body: object): Fault => ({
  kind: 'status',
  status,
  body: JSON.stringify(body),
});

export const FAULT_ROWS: readonly FaultRow[] = [
  {
    id: 'token.5xx',
    skip: needsBus,
    run: () =>
      tokenRow({ kind: 'status', status: 503 }, { code: 'bad-response', cause: /server error.*HTTP 503/ }),
  },
  {
    id: 'token.4xx-body',
    skip: needsBus,
    run: () =>
      tokenRow(json(400, { error: 'invalid_request', error_description: 'bad request' }), {
        code: 'oauth-error',
        cause: /invalid_request/,
      }),
  },
  {
    id: 'token.4xx-empty',
    skip: needsBus,
    run: () =>
      tokenRow(
        { kind: 'status', status: 400 },
        { code: 'bad-response', cause: /HTTP 400 and no explanation/ },
      ),
  },
  {
    id: 'token.html',
    skip: needsBus,
    run: () => tokenRow({ kind: 'html' }, { code: 'bad-response', cause: /with a web page/ }),
  },
  {
    id: 'token.no-content-type',
    skip: needsBus,
    run: () => tokenRow({ kind: 'no-content-type' }, 'succeeds'),
  },
  {
    id: 'token.truncated-json',
    skip: needsBus,
    run: () =>
      tokenRow({ kind: 'truncated-json' }, { code: 'bad-response', cause: /incomplete \(cut-off\) JSON/ }),
  },
  {
    id: 'token.reset',
    skip: needsBus,
    run: () => tokenRow({ kind: 'reset' }, { code: 'network', cause: /closed unexpectedly/ }),
  },
  {
    id: 'token.dns',
    skip: needsBus,
    run: () => tokenRow('dns', { code: 'network', cause: /pilot-fault\.invalid could not be found \(DNS\)/ }),
  },
  {
    id: 'token.timeout',
    skip: needsBus,
    run: () => tokenRow({ kind: 'hang' }, { code: 'timeout', cause: /did not answer within/ }),
  },
  {
    id: 'token.slow-body',
    skip: needsBus,
    run: () =>
      tokenRow({ kind: 'slow-body', ms: 3_000 }, { code: 'timeout', cause: /stopped sending its answer/ }),
  },
  {
    id: 'token.redirect-loop',
    skip: needsBus,
    run: () =>
      tokenRow(
        { kind: 'redirect-loop' },
        { code: 'bad-response', cause: /redirected the token request \(HTTP 302\)/ },
      ),
  },
  {
    id: 'token.429',
    skip: needsBus,
    run: () =>
      tokenRow(
        { kind: 'rate-limit', count: 1 },
        { code: 'rate-limited', cause: /HTTP 429, too many requests/ },
      ),
  },

  {
    id: 'api.5xx',
    run: () =>
      apiRow(
        { kind: 'status', status: 503 },
        { code: 'bad-response', cause: /identity request with HTTP 503/ },
      ),
  },
  {
    id: 'api.4xx-body',
    run: () =>
      apiRow(json(400, { error: 'invalid_request', message: 'echo-me-not' }), {
        code: 'bad-response',
        cause: /^(?!.*echo-me-not).*HTTP 400/,
      }),
  },
  {
    id: 'api.4xx-empty',
    run: () => apiRow({ kind: 'status', status: 404 }, { code: 'bad-response', cause: /HTTP 404/ }),
  },
  {
    id: 'api.html',
    run: () => apiRow({ kind: 'html' }, { code: 'bad-response', cause: /a web page instead of data/ }),
  },
  { id: 'api.no-content-type', run: () => apiRow({ kind: 'no-content-type' }, 'succeeds') },
  {
    id: 'api.truncated-json',
    run: () =>
      apiRow({ kind: 'truncated-json' }, { code: 'bad-response', cause: /incomplete or not valid JSON/ }),
  },
  {
    id: 'api.reset',
    // Every attempt reset: the GET sent again on a fresh connection (node-fetch) is reset too.
    run: () => apiRow({ kind: 'reset' }, { code: 'network', cause: /closed unexpectedly/ }, Infinity),
  },
  {
    id: 'api.reset-once',
    run: async () => {
      apiTokens ??= await signInSalesforce();
      // One answered call leaves a pooled keep-alive connection; the reset then meets it as it is reused.
      await fetchSalesforceIdentity(http, apiTokens);
      await apiRow({ kind: 'reset' }, 'succeeds');
    },
  },
  {
    id: 'api.dns',
    run: () => apiRow('dns', { code: 'network', cause: /pilot-fault\.invalid could not be found \(DNS\)/ }),
  },
  {
    id: 'api.timeout',
    run: () => apiRow({ kind: 'hang' }, { code: 'timeout', cause: /did not answer within/ }),
  },
  {
    id: 'api.slow-body',
    run: () =>
      apiRow({ kind: 'slow-body', ms: 3_000 }, { code: 'timeout', cause: /stopped sending its answer/ }),
  },
  {
    id: 'api.redirect-loop',
    run: () =>
      apiRow({ kind: 'redirect-loop' }, { code: 'network', cause: /kept redirecting.*redirect loop/ }),
  },
  {
    id: 'api.429',
    run: () =>
      apiRow(
        { kind: 'rate-limit', count: 1 },
        { code: 'rate-limited', cause: /HTTP 429, too many requests/ },
      ),
  },
  { id: 'okta-api.429-burst', skip: needsBus, run: oktaRateLimitBurst, timeoutMs: 20_000 },

  {
    id: 'keychain.absent',
    skip: needsDbusTools,
    run: async () => {
      await prepareKeychainChild();
      const env = childEnv({
        DBUS_SESSION_BUS_ADDRESS: undefined,
        DISPLAY: undefined,
        WAYLAND_DISPLAY: undefined,
        XDG_RUNTIME_DIR: undefined,
      });
      expectKeychainFailure(
        await runChild([process.execPath, child.file], env),
        'no-session-bus',
        /no D-Bus session/,
        /desktop session.*dbus-run-session/,
      );
    },
  },
  {
    id: 'keychain.locked',
    skip: needsDbusTools,
    run: async () => {
      await prepareKeychainChild();
      // Its own private bus + keyring (with-keyring.sh again), so locking it cannot disturb other tests.
      const withKeyring = path.resolve(__dirname, '../../scripts/with-keyring.sh');
      const result = await runChild([withKeyring, process.execPath, child.file, 'lock'], childEnv({}));
      expectKeychainFailure(result, 'locked', /keychain is locked/, /Unlock your keyring/);
    },
  },
  {
    id: 'keychain.denied',
    skip: needsDbusTools,
    run: async () => {
      await prepareKeychainChild();
      const result = await runChild(
        ['dbus-run-session', `--config-file=${emptyBusConfig}`, '--', process.execPath, child.file],
        childEnv({}),
      );
      expectKeychainFailure(result, 'no-provider', /No system keychain service/, /gnome-keyring or KWallet/);
    },
  },

  { id: 'loopback.port-busy', skip: needsBus, run: portBusy },

  { id: 'storage.enospc', skip: needsMount, run: diskFull },
  { id: 'storage.erofs', skip: needsMount, run: readOnlyFolder },
  { id: 'storage.corrupt-progress', run: corruptProgress },
];

// ---- wiring ------------------------------------------------------------------------------------------

beforeAll(async () => {
  sf = await startSalesforceServer({ autoConsent: true });
  await sf.registerClient({ clientId: CLIENT_ID, redirectUris: [REDIRECT] });
  sfCtx = {
    provider: 'salesforce',
    endpoints: endpointsFor('salesforce', sf.url),
    clientId: CLIENT_ID,
    http,
  };
});

afterAll(async () => {
  await sf?.close();
  for (const dir of mounts) {
    await run('umount', ['-l', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  if (child.folder) await rm(child.folder, { recursive: true, force: true });
});

/** Row ids of FAULTS.md: first cell of each table row, skipping the header and separator. */
export function idsInMarkdown(markdown: string): string[] {
  return markdown
    .split('\n')
    .map((line) => /^\|\s*([a-z0-9-]+\.[a-z0-9.-]+)\s*\|/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

describe('FAULTS.md and the code table', () => {
  it('list the same rows, in the same order, each once', () => {
    const ids = idsInMarkdown(readFileSync(path.join(__dirname, 'FAULTS.md'), 'utf8'));
    expect(ids).toEqual(FAULT_ROWS.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(30);
  });
});

describe('fault injection', () => {
  for (const row of FAULT_ROWS) {
    const reason = row.skip?.();
    it.skipIf(reason !== undefined)(
      reason ? `${row.id} (skipped: ${reason})` : row.id,
      { timeout: row.timeoutMs ?? 15_000 },
      row.run,
    );
  }
});
