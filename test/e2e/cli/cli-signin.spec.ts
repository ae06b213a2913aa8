/**
 * The real CLI (bin/pkce-pilot.js, built) signs in through its loopback redirect while Debian Chromium
 * plays the admin's system browser; then status, verify, reports and logout — and afterwards not one
 * token or code the server issued may appear in the CLI's output, the data folder, the reports or a
 * request URL. The custom-scheme path is driven through the core SignInService exactly as the Electron
 * shell hands it an OS redirect. Run inside scripts/with-keyring.sh (real gnome-keyring).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { createHttpClient } from '../../../main/core/http';
import { buildOrgSettings } from '../../../main/core/org-input';
import { DEFAULT_SCHEME, schemeRedirectUri } from '../../../main/core/auth/redirect';
import { createCoreServices } from '../../../main/core/services';
import { runCliProcess, startCli, type CliRun } from '../../helpers/cli-process';
import {
  describeHits,
  filesIn,
  requestUrlHaystacks,
  scanFolder,
  scanForSecrets,
  type Haystack,
} from '../../helpers/leak-scan';
import { completeLoginInBrowser, launchSystemBrowser, type SystemBrowser } from '../../servers/browser';
import { createSalesforceApi, createSalesforceApiState } from '../../servers/salesforce-api';
import { startSalesforceServer, type SalesforceTestServer } from '../../servers/salesforce-server';

const CLIENT_ID = '3MVG9PkcePilotCliE2E';
const PORT = 7281; // not the default 7171, so the CLI must honour `org add --port`
const BUSY_PORT = 7282;
// Each org has its own callback URL (RFC 9700 §4.4.2 mix-up defence): register exactly those.
const SCHEME_URI = schemeRedirectUri(DEFAULT_SCHEME, 'acme-app', 'salesforce');
const LOOPBACK_URI = `http://127.0.0.1:${PORT}/oauth/callback/acme/salesforce`;
const USER = 'admin@acme.test';

test.describe.configure({ mode: 'serial' });
test.skip(
  !process.env['DBUS_SESSION_BUS_ADDRESS'],
  'needs a Secret Service: run inside scripts/with-keyring.sh',
);

let sf: SalesforceTestServer;
let browser: SystemBrowser;
let home: string;
let reportsDir: string;
const outputs: Haystack[] = [];

async function cli(...args: string[]): Promise<CliRun> {
  const run = await runCliProcess(args, { PKCE_PILOT_HOME: home });
  record(args, run);
  return run;
}

function record(args: string[], run: { stdout: string; stderr: string }): void {
  outputs.push({ label: `cli ${args.join(' ')}: stdout`, text: run.stdout });
  outputs.push({ label: `cli ${args.join(' ')}: stderr`, text: run.stderr });
}

async function keychainItems(): Promise<string> {
  // secret-tool exits 1 when nothing matches; its output is what matters.
  const { stdout } = await promisify(execFile)('secret-tool', [
    'search',
    '--all',
    '--unlock',
    'service',
    'pkce-pilot',
  ]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  return stdout;
}

test.beforeAll(async () => {
  sf = await startSalesforceServer({ apiHandler: createSalesforceApi(createSalesforceApiState()) });
  await sf.registerClient({
    clientId: CLIENT_ID,
    redirectUris: [LOOPBACK_URI, `http://127.0.0.1:${BUSY_PORT}/oauth/callback/busy/salesforce`, SCHEME_URI],
  });
  browser = await launchSystemBrowser();
  home = mkdtempSync(path.join(tmpdir(), 'pkce-cli-e2e-'));
  reportsDir = mkdtempSync(path.join(tmpdir(), 'pkce-cli-reports-'));
});

test.afterAll(async () => {
  await browser?.close();
  await sf?.close();
  for (const dir of [home, reportsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the CLI signs in through the loopback redirect in the system browser, works, signs out, and leaks nothing', async () => {
  const added = await cli(
    'org',
    'add',
    'acme',
    '--login-url',
    sf.url,
    '--client-id',
    CLIENT_ID,
    '--port',
    String(PORT),
  );
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).toContain(LOOPBACK_URI);
  expect(added.stdout).toContain(schemeRedirectUri(DEFAULT_SCHEME, 'acme', 'salesforce'));
  const listed = await cli('org', 'list', '--json');
  expect(JSON.parse(listed.stdout)).toEqual([
    expect.objectContaining({
      alias: 'acme',
      callbackUrls: { salesforce: [schemeRedirectUri(DEFAULT_SCHEME, 'acme', 'salesforce'), LOOPBACK_URI] },
    }),
  ]);

  const login = startCli(['login', 'acme', '--no-open'], { PKCE_PILOT_HOME: home });
  const authorizationUrl = await login.firstLine();
  const authorization = new URL(authorizationUrl);
  expect(authorization.origin).toBe(sf.url);
  expect(authorization.searchParams.get('redirect_uri')).toBe(LOOPBACK_URI);
  expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');

  const page = await browser.newPage();
  const { finalUrl } = await completeLoginInBrowser(page, authorizationUrl, { login: USER });
  expect(finalUrl.startsWith(`${LOOPBACK_URI}?`)).toBe(true);
  const loginRun = await login.done;
  record(['login', 'acme', '--no-open'], loginRun);
  expect(loginRun.code, loginRun.stderr).toBe(0);
  expect(loginRun.stderr).toMatch(
    new RegExp(`Signed in to acme \\(salesforce\\) as ${USER.replace('.', '\\.')}`),
  );
  // The browser shows the listener's answer page; it must name the user, not echo the code.
  await expect(page.locator('body')).toContainText(`as ${USER}`);
  outputs.push({ label: 'system browser: callback page', text: await page.content() });
  await page.close();

  const status = await cli('status', 'acme', '--json');
  expect(status.code, status.stderr).toBe(0);
  expect(JSON.parse(status.stdout)).toEqual([
    expect.objectContaining({ alias: 'acme', provider: 'salesforce', signedIn: true, username: USER }),
  ]);

  const verify = await cli('verify', 'acme', '--json');
  expect([0, 1], verify.stderr).toContain(verify.code); // 1 = some check failed; the org has no Okta app yet
  const result = JSON.parse(verify.stdout) as { org: string; checks: { id: string; status: string }[] };
  expect(result.org).toBe('acme');
  expect(result.checks.find((c) => c.id === 'salesforce.signin.pkce')?.status).toBe('pass');

  for (const format of ['md', 'html', 'json']) {
    const out = path.join(reportsDir, `acme.${format}`);
    const report = await cli('report', 'acme', '--format', format, '--out', out);
    expect(report.code, report.stderr).toBe(0);
    expect((await readFile(out, 'utf8')).length).toBeGreaterThan(100);
  }

  // Positive control: the keychain holds the tokens, and the scan finds them there.
  const items = await keychainItems();
  expect(scanForSecrets([{ label: 'keychain', text: items }], sf.issuedTokens()).length).toBeGreaterThan(0);

  const revokesBefore = sf.requests.filter((r) => r.path === '/services/oauth2/revoke').length;
  const logout = await cli('logout', 'acme');
  expect(logout.code, logout.stderr).toBe(0);
  expect(logout.stdout).toContain('revoked at the server');
  expect(sf.requests.filter((r) => r.path === '/services/oauth2/revoke' && r.method === 'POST').length).toBe(
    revokesBefore + 1,
  );
  expect(await keychainItems()).toBe('');
  const after = await cli('status', 'acme', '--json');
  expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ signedIn: false })]);
  // Nothing stored: says so, exits 0, claims no sign-out. A mistyped alias: exit 1.
  const again = await cli('logout', 'acme');
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('was not signed in; nothing to sign out');
  expect(again.stdout).not.toContain('Signed out');
  const typo = await cli('logout', 'acme-typo');
  expect(typo.code).toBe(1);
  expect(typo.stderr).toContain('No org has the alias "acme-typo"');

  const secrets = sf.issuedTokens();
  expect(secrets.length).toBeGreaterThanOrEqual(3); // code, access token, refresh token
  const folder = await scanFolder(home);
  expect(filesIn(folder)).toContain('orgs.json');
  const haystacks = [
    ...outputs,
    ...folder,
    ...(await scanFolder(reportsDir)),
    ...requestUrlHaystacks('salesforce', sf.requests),
  ];
  const hits = scanForSecrets(haystacks, secrets);
  expect(hits, describeHits(hits)).toEqual([]);
  expect(sf.leaks).toEqual([]);
});

test('custom-scheme redirect: Chromium captures it, the core takes it as the OS would hand it; forged and replayed ones are refused', async () => {
  const schemeHome = mkdtempSync(path.join(tmpdir(), 'pkce-scheme-e2e-'));
  const errors: Haystack[] = [];
  try {
    const services = await createCoreServices({
      dataFolder: schemeHome,
      http: createHttpClient({ env: {} }),
      openBrowser: async () => undefined,
      scheme: DEFAULT_SCHEME,
    });
    await services.orgs.add(
      buildOrgSettings({
        alias: 'acme-app',
        salesforceLoginUrl: sf.url,
        clientId: CLIENT_ID,
        redirect: 'scheme',
      }),
    );
    const started = await services.signIn.start('acme-app', 'salesforce', { openBrowser: false });
    expect(new URL(started.authorizationUrl).searchParams.get('redirect_uri')).toBe(SCHEME_URI);

    const page = await browser.newPage();
    const { finalUrl } = await completeLoginInBrowser(page, started.authorizationUrl, { login: USER });
    await page.close();
    expect(finalUrl.startsWith(`${SCHEME_URI}?`)).toBe(true);

    const exchanges = () => sf.tokenRequestCount('authorization_code');
    const before = exchanges();
    const forged = new URL(finalUrl);
    forged.searchParams.set('state', 'forged-state-0123456789abcdef');
    const forgedError = await services.signIn.handleOsRedirect(forged.toString()).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; hint: string },
    );
    expect(forgedError?.code).toBe('state-mismatch');
    expect(exchanges()).toBe(before);

    const status = await services.signIn.handleOsRedirect(finalUrl);
    expect(status).toMatchObject({ alias: 'acme-app', signedIn: true, username: USER });
    expect((await started.done).signedIn).toBe(true);
    expect(exchanges()).toBe(before + 1);

    const replayError = await services.signIn.handleOsRedirect(finalUrl).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; hint: string },
    );
    expect(replayError?.code).toBe('state-mismatch');
    expect(exchanges()).toBe(before + 1);
    for (const [label, e] of [
      ['forged', forgedError],
      ['replayed', replayError],
    ] as const) {
      errors.push({ label: `${label} redirect error`, text: `${e?.message} ${e?.hint}` });
    }

    await services.signIn.signOut('acme-app', 'salesforce');
    const hits = scanForSecrets([...errors, ...(await scanFolder(schemeHome))], sf.issuedTokens());
    expect(hits, describeHits(hits)).toEqual([]);
    expect(sf.leaks).toEqual([]);
  } finally {
    rmSync(schemeHome, { recursive: true, force: true });
  }
});

test('login fails with the port named when the loopback port is taken', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(BUSY_PORT, '127.0.0.1', resolve));
  try {
    const added = await cli(
      'org',
      'add',
      'busy',
      '--login-url',
      sf.url,
      '--client-id',
      CLIENT_ID,
      '--port',
      String(BUSY_PORT),
    );
    expect(added.code, added.stderr).toBe(0);
    const login = await cli('login', 'busy', '--no-open');
    expect(login.code).toBe(1);
    expect(login.stderr).toContain(String(BUSY_PORT));
    expect(login.stdout).toBe(''); // no authorization URL for a sign-in that cannot finish
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
