import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeLoginInBrowser, launchSystemBrowser, type SystemBrowser } from '../servers/browser';
import { startSalesforceServer, type SalesforceTestServer } from '../servers/salesforce-server';

const CLIENT_ID = 'pkce-pilot-browser';
const LOOPBACK = 'http://127.0.0.1:7199/oauth/callback';
const CUSTOM = 'com.pkcepilot.app:/oauth/callback';

let server: SalesforceTestServer;
let browser: SystemBrowser;

beforeAll(async () => {
  server = await startSalesforceServer();
  await server.registerClient({ clientId: CLIENT_ID, redirectUris: [CUSTOM, LOOPBACK] });
  browser = await launchSystemBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function authorizeUrl(redirectUri: string): { url: string; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/services/oauth2/authorize', server.url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'api refresh_token id',
    state: 'browser-state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.toString(), verifier };
}

describe('system browser against the Salesforce test server', () => {
  it('signs in through the pages and captures a custom-scheme callback that Chromium aborts', async () => {
    const page = await browser.newPage();
    const { url, verifier } = authorizeUrl(CUSTOM);
    const { finalUrl } = await completeLoginInBrowser(page, url, { login: 'browser.admin' });
    const callback = new URL(finalUrl);
    expect(finalUrl.startsWith(`${CUSTOM}?`)).toBe(true);
    expect(callback.searchParams.get('state')).toBe('browser-state');
    const token = await fetch(new URL('/services/oauth2/token', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') ?? '',
        client_id: CLIENT_ID,
        redirect_uri: CUSTOM,
        code_verifier: verifier,
      }),
    });
    expect(await token.json()).toMatchObject({
      id: server.identityUrlOf('browser.admin'),
      token_type: 'Bearer',
    });
    await page.close();
  });

  it('reports access_denied on a loopback callback when the user cancels consent', async () => {
    const page = await browser.newPage();
    const { finalUrl } = await completeLoginInBrowser(page, authorizeUrl(LOOPBACK).url, {
      login: 'browser.admin',
      deny: true,
    });
    expect(finalUrl.startsWith(`${LOOPBACK}?`)).toBe(true);
    expect(new URL(finalUrl).searchParams.get('error')).toBe('access_denied');
    await page.close();
  });

  it('blocks requests to anything but loopback', async () => {
    const page = await browser.newPage();
    await expect(page.goto('http://example.com/')).rejects.toThrow(/ERR_BLOCKED_BY_CLIENT/);
    await page.close();
  });
});
