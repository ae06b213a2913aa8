/**
 * Verification behind a corporate proxy: jsforce's Salesforce reads go through the core's HttpClient
 * (main/core/verify/jsforce-transport.ts), so the CLI's client — createHttpClient with the
 * environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as main/cli/context.ts builds it — carries them
 * through the proxy like every other request. A real local proxy (CONNECT tunnels and absolute-form
 * forwarding) records what passed through it; the Salesforce-shaped server is the shared test server.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeChallengeS256, createCodeVerifier, createState } from '../../main/core/auth/pkce';
import { endpointsFor } from '../../main/core/auth/providers';
import { exchangeCode, refreshTokens } from '../../main/core/auth/token-client';
import { TokenService } from '../../main/core/auth/token-service';
import { createHttpClient } from '../../main/core/http';
import type { OrgSettings } from '../../main/core/model';
import { runVerification } from '../../main/core/verify/run';
import { createSalesforceApi, createSalesforceApiState } from '../servers/salesforce-api';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { MemoryVault } from '../helpers/keychain';

const CLIENT = 'pkce-pilot-sf';
const REDIRECT = 'http://127.0.0.1:7171/oauth/callback';
const ALIAS = 'acme';

/** A forward proxy: CONNECT tunnels and absolute-form HTTP requests; every request is logged. */
async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(String(req.url));
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = String(req.url).split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    async close() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('verify through an HTTP proxy (the CLI’s client)', () => {
  let sf: SalesforceTestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const direct = createHttpClient({ timeoutMs: 10_000, env: {} });

  beforeAll(async () => {
    sf = await startSalesforceServer({
      autoConsent: true,
      apiHandler: (req, res, auth) =>
        createSalesforceApi(createSalesforceApiState({ orgPkceRequired: true }))(req, res, auth),
    });
    await sf.registerClient({ clientId: CLIENT, redirectUris: [REDIRECT] });
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy?.close();
    await sf?.close();
  });

  it('sends the Salesforce API reads through the proxy and still reads the org', async () => {
    // Sign in directly (that path has its own proxy tests); only verification goes through the proxy.
    const endpoints = endpointsFor('salesforce', sf.url);
    const verifier = createCodeVerifier();
    const authorize = new URL(endpoints.authorizationEndpoint);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      scope: 'api refresh_token id',
      state: createState(),
      code_challenge: codeChallengeS256(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const callback = new URL(
      await completeAuthorizationWithFetch(authorize.toString(), { login: 'admin@acme.test' }),
    );
    const tokens = await exchangeCode({
      provider: 'salesforce',
      endpoints,
      clientId: CLIENT,
      http: direct,
      redirectUri: REDIRECT,
      code: String(callback.searchParams.get('code')),
      verifier,
      dpop: false,
    });
    const vault = new MemoryVault();
    await vault.set(ALIAS, 'salesforce', tokens);
    const tokenService = new TokenService({
      secretStore: vault,
      refresh: (_alias, provider, current) =>
        refreshTokens({
          provider,
          endpoints: endpointsFor(provider, sf.url),
          clientId: CLIENT,
          http: direct,
          tokens: current,
        }),
    });

    // What main/cli/context.ts builds from the environment.
    const cliHttp = createHttpClient({
      env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' },
    });
    const org = { alias: ALIAS } as unknown as OrgSettings; // no Okta: only the Salesforce checks run
    const result = await runVerification({
      alias: ALIAS,
      org,
      tokenService,
      http: cliHttp,
      now: () => new Date(),
    });

    const sfHost = new URL(sf.url).host;
    // undici tunnels every proxied request with CONNECT (also for http:// targets).
    expect(proxy.seen.filter((line) => line === `CONNECT ${sfHost}`).length).toBeGreaterThan(0);
    expect(proxy.seen.every((line) => line === `CONNECT ${sfHost}`)).toBe(true);
    const orgCheck = result.checks.find((c) => c.id === 'salesforce.org.pkce-required');
    expect(orgCheck?.status).toBe('pass');
    expect(orgCheck?.evidence.api).not.toBe('none');

    // And the proof that the proxy matters: with the proxy gone, the same reads fail with its name.
    await proxy.close();
    const offline = await runVerification({
      alias: ALIAS,
      org,
      tokenService,
      http: createHttpClient({
        timeoutMs: 3_000,
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' },
      }),
      now: () => new Date(),
    });
    const failed = offline.checks.find((c) => c.id === 'salesforce.org.pkce-required');
    expect(failed?.status).toBe('unknown');
    expect(failed?.summary).toMatch(/proxy/i);
  });
});
