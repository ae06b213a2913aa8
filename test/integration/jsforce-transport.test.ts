/**
 * jsforce's requests over the core's HttpClient (main/core/verify/jsforce-transport.ts), against real
 * local servers: a redirect is never followed with the token, bodies and headers arrive as sent, and
 * a silent server becomes our timeout — through jsforce's own HttpApi (a real Connection).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/http';
import { HttpClientTransport } from '../../main/core/verify/jsforce-transport';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(
  handler: (req: IncomingMessage, body: string, res: import('node:http').ServerResponse) => void,
) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    seen,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('HttpClientTransport', () => {
  let other: Awaited<ReturnType<typeof listen>>;
  let api: Awaited<ReturnType<typeof listen>>;
  const http = createHttpClient({ timeoutMs: 5_000, env: {} });

  beforeAll(async () => {
    other = await listen((_req, _body, res) => res.end('{}'));
    api = await listen((req, body, res) => {
      if (req.url?.startsWith('/services/data/v60.0/moved')) {
        res.writeHead(302, { location: `${other.url}/steal` });
        return res.end();
      }
      if (req.url === '/services/data/v60.0/silent') return;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ echoed: body, type: req.headers['content-type'] ?? null }));
    });
  });
  afterAll(async () => {
    await api.close();
    await other.close();
  });

  it('a jsforce Connection reads through it: method, headers and body arrive as jsforce sent them', async () => {
    const { Connection } = await import('jsforce');
    const conn = new Connection({
      instanceUrl: api.url,
      accessToken: 'access-token-123456',
      version: '60.0',
    });
    (conn as unknown as { _transport: unknown })._transport = new HttpClientTransport(http);
    const answer = (await conn.request({
      method: 'POST',
      url: '/services/data/v60.0/echo',
      body: '{"q":"é"}',
      headers: { 'content-type': 'application/json' },
    })) as { echoed: string; type: string };
    expect(answer).toEqual({ echoed: '{"q":"é"}', type: 'application/json' });
    const sent = api.seen.at(-1);
    expect(sent?.headers.authorization).toBe('Bearer access-token-123456');
    // jsforce computes a content-length itself; the fetch implementation sets the real one.
    expect(Number(sent?.headers['content-length'])).toBe(Buffer.byteLength('{"q":"é"}'));
  });

  it('never follows a redirect: the token does not reach the other host, and the read fails plainly', async () => {
    const { Connection } = await import('jsforce');
    const conn = new Connection({
      instanceUrl: api.url,
      accessToken: 'access-token-123456',
      version: '60.0',
    });
    (conn as unknown as { _transport: unknown })._transport = new HttpClientTransport(http);
    await expect(conn.request('/services/data/v60.0/moved')).rejects.toMatchObject({
      code: 'bad-response',
      message: expect.stringMatching(/redirected the Salesforce API request \(HTTP 302\)/) as unknown,
    });
    expect(other.seen).toEqual([]);
  });

  it('a server that never answers becomes our timeout, not jsforce’s 30 minutes', async () => {
    const transport = new HttpClientTransport(http, { timeoutMs: 300 });
    const started = Date.now();
    await expect(
      transport.httpRequest({ method: 'GET', url: `${api.url}/services/data/v60.0/silent` }),
    ).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports every answer (for the content-type check) and offers the stream jsforce pipes', async () => {
    const answers: string[] = [];
    const transport = new HttpClientTransport(http, {
      onResponse: (url, res) =>
        answers.push(`${new URL(url).pathname} ${res.statusCode} ${res.headers['content-type']}`),
    });
    const pending = transport.httpRequest({ method: 'GET', url: `${api.url}/services/data/v60.0/x` });
    expect(typeof pending.stream().pipe).toBe('function');
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(answers).toEqual(['/services/data/v60.0/x 200 application/json']);
  });
});
