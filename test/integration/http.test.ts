import { freePort } from '../helpers/free-port';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../helpers/local-http';
import { createHttpClient, readJsonAnswer, readJsonResponse, secondsText } from '../../main/core/http';
import { PilotError } from '../../main/core/errors';
import type { PlainAnswer } from '../../main/core/plain-answer';
import { fetchSalesforceIdentity } from '../../main/core/auth/identity';
import type { TokenSet } from '../../main/core/model';

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; port: number; seen: string[] }> {
  const seen: string[] = [];
  const { origin, port } = await startLocalServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  return { url: origin, port, seen };
}

async function failure(p: Promise<unknown>): Promise<PilotError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PilotError);
  return e as PilotError;
}

describe('createHttpClient', () => {
  it('fetches directly when no proxy is configured', async () => {
    const target = await serve((_q, r) => r.end('hello'));
    const http = createHttpClient({ env: {} });
    const res = await http(`${target.url}/x`);
    expect(await res.text()).toBe('hello');
  });

  it('maps a server that never answers to a timeout naming the host', async () => {
    const target = await serve(() => undefined);
    const err = await failure(createHttpClient({ env: {}, timeoutMs: 300 })(`${target.url}/slow`));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain(`127.0.0.1:${target.port}`);
    expect(err.message).not.toContain('/slow');
  });

  it('maps a refused connection to a network error', async () => {
    const port = await freePort();
    const err = await failure(createHttpClient({ env: {} })(`http://127.0.0.1:${port}/token`));
    expect(err.code).toBe('network');
    expect(err.message).toContain('refused');
  });

  it('maps a reset connection to a network error', async () => {
    const target = await serve((req) => req.socket.destroy());
    const err = await failure(createHttpClient({ env: {} })(`${target.url}/`));
    expect(err.code).toBe('network');
  });

  it("passes the caller's cancellation through", async () => {
    const target = await serve(() => undefined);
    const controller = new AbortController();
    const p = createHttpClient({ env: {} })(`${target.url}/`, { signal: controller.signal });
    controller.abort();
    expect((await failure(p)).code).toBe('signin-cancelled');
  });

  it('tunnels through HTTP_PROXY and honours NO_PROXY', async () => {
    const target = await serve((_q, r) => r.end('hello'));
    // A real CONNECT proxy (undici tunnels through proxies) that records what it was asked for.
    const tunnels: string[] = [];
    const { server: proxy, origin: proxyUrl } = await startLocalServer();
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });

    const viaProxy = createHttpClient({ env: { HTTP_PROXY: proxyUrl } });
    expect(await (await viaProxy(`${target.url}/a`)).text()).toBe('hello');
    expect(tunnels).toEqual([`127.0.0.1:${target.port}`]);

    const bypass = createHttpClient({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    expect(await (await bypass(`${target.url}/b`)).text()).toBe('hello');
    expect(tunnels).toHaveLength(1);
    expect(target.seen).toEqual(['GET /a', 'GET /b']);
  });

  it('explains a proxy refusing an https tunnel with 407', async () => {
    const { server: proxy, origin: proxyUrl } = await startLocalServer();
    proxy.on('connect', (_req, socket) => {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n',
      );
    });
    const err = await failure(
      createHttpClient({ env: { HTTPS_PROXY: proxyUrl } })(
        'https://login.salesforce.example/services/oauth2/token',
      ),
    );
    expect(err.message).toContain('407');
  });
});

describe('readJsonResponse', () => {
  const res = (body: string, type?: string, status = 200) => {
    const r = new Response(body, { status, headers: type ? { 'content-type': type } : {} });
    Object.defineProperty(r, 'url', { value: 'https://acme.my.salesforce.com/id/00D/005' });
    return r;
  };

  it('parses JSON even without a Content-Type', async () => {
    expect(await readJsonResponse(res('{"a":1}'), 'identity response')).toEqual({ a: 1 });
  });

  it('refuses HTML, truncated JSON and non-objects with bad-response naming the host, not the body', async () => {
    for (const [body, type] of [
      ['<html><body>Login</body></html>', 'text/html'],
      ['{"access_token":"SECRET123","x', 'application/json'],
      ['[1,2]', 'application/json'],
    ] as const) {
      const err = await failure(readJsonResponse(res(body, type), 'identity response'));
      expect(err.code).toBe('bad-response');
      expect(err.message).toContain('acme.my.salesforce.com');
      expect(err.message).not.toContain('SECRET123');
    }
  });
});

describe('readJsonAnswer (a plain answer, already read)', () => {
  const answer = (text: string, type?: string): PlainAnswer => ({
    status: 200,
    url: 'https://acme.my.salesforce.com/id/00D/005',
    headers: type ? { 'content-type': type } : {},
    text,
  });

  it('gives the same object and the same refusals as readJsonResponse', async () => {
    expect(readJsonAnswer(answer('{"a":1}'), 'identity response')).toEqual({ a: 1 });
    for (const [body, type] of [
      ['<html><body>Login</body></html>', 'text/html'],
      ['{"access_token":"SECRET123","x', 'application/json'],
      ['[1,2]', 'application/json'],
    ] as const) {
      const viaAnswer = await failure(
        Promise.resolve().then(() => readJsonAnswer(answer(body, type), 'identity response')),
      );
      const r = new Response(body, { headers: { 'content-type': type } });
      Object.defineProperty(r, 'url', { value: 'https://acme.my.salesforce.com/id/00D/005' });
      const viaResponse = await failure(readJsonResponse(r, 'identity response'));
      expect(viaAnswer.code).toBe('bad-response');
      expect(viaAnswer.message).toBe(viaResponse.message);
      expect(viaAnswer.message).not.toContain('SECRET123');
    }
  });
});

describe('secondsText', () => {
  it('names a time limit in words that read right', () => {
    expect(secondsText(15_000)).toBe('15 seconds');
    expect(secondsText(1_000)).toBe('1 second');
    expect(secondsText(600)).toBe('0.6 seconds');
    expect(secondsText(1_400)).toBe('1 second');
  });
});

describe('the Salesforce identity call over either kind of client', () => {
  it('answers the same through the plain path and through a fetch-only client (as the desktop app has)', async () => {
    const server = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer good') {
        res.writeHead(401, { 'content-type': 'application/json' }).end('[{"errorCode":"Bad_OAuth_Token"}]');
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          '{"username":"admin@acme.test","user_id":"005000000000001AAA","organization_id":"00D000000000001EAA"}',
        );
    });
    const tokens = (accessToken: string): TokenSet => ({
      accessToken,
      tokenType: 'Bearer',
      instanceUrl: server.url,
      identityUrl: `${server.url}/id/00D000000000001EAA/005000000000001AAA`,
      issuedAt: 0,
      pkce: 'S256',
    });
    const plainClient = createHttpClient({ env: {} });
    const fetchOnly = (url: string, init?: RequestInit) => fetch(url, init);
    expect(plainClient.plain).toBeDefined();
    for (const http of [plainClient, fetchOnly]) {
      expect(await fetchSalesforceIdentity(http, tokens('good'))).toEqual({
        username: 'admin@acme.test',
        userId: '005000000000001AAA',
        orgId: '00D000000000001EAA',
      });
      await expect(fetchSalesforceIdentity(http, tokens('revoked'))).rejects.toMatchObject({
        code: 'not-signed-in',
        message: `${new URL(server.url).host} no longer accepts PKCE Pilot's sign-in.`,
      });
    }
  });
});
