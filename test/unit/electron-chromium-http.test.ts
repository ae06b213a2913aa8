import { EventEmitter } from 'node:events';
import { createServer, request as nodeRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import { readJsonResponse } from '../../main/core/http';
import { createChromiumFetch } from '../../main/electron/chromium-fetch';
import {
  chromiumNetworkError,
  createChromiumHttpClient,
  type FetchLike,
} from '../../main/electron/chromium-http';

const url = new URL('https://acme.my.salesforce.com/services/oauth2/token?secret=abc');

describe('chromiumNetworkError', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED', 'network', /could not be found/],
    ['net::ERR_CONNECTION_REFUSED', 'network', /refused/],
    ['net::ERR_CERT_AUTHORITY_INVALID', 'network', /not trusted/],
    ['net::ERR_PROXY_CONNECTION_FAILED', 'network', /proxy/],
    ['net::ERR_TUNNEL_CONNECTION_FAILED', 'network', /proxy/],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timeout', /timed out/],
    ['net::ERR_CONNECTION_RESET', 'network', /closed unexpectedly/],
    ['net::ERR_SOMETHING_NEW', 'network', /could not reach/],
    ["Attempted to redirect, but redirect policy was 'error'", 'network', /redirected the request/],
  ])('%s → %s', (message, code, text) => {
    const e = chromiumNetworkError(url, new Error(message));
    expect(e).toBeInstanceOf(PilotError);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(text);
    expect(e.hint).not.toBe('');
  });

  it('names the host only, never the path or query', () => {
    const e = chromiumNetworkError(url, new Error('net::ERR_NAME_NOT_RESOLVED'));
    expect(e.message).toContain('acme.my.salesforce.com');
    expect(`${e.message} ${e.hint}`).not.toMatch(/oauth2|secret=abc/);
  });
});

describe('createChromiumHttpClient (with Node fetch against a real local server)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/stall') {
        // Headers and half a JSON body, then nothing: the body read must hit the time limit.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"access_token":');
        return;
      }
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'https://sso.example/login', 'set-cookie': 'sid=1' });
        return res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes the request through', async () => {
    const http = createChromiumHttpClient(fetch);
    const res = await http(`${base}/x`, { method: 'POST', headers: { authorization: 'Bearer t' } });
    expect(await res.json()).toEqual({ method: 'POST', auth: 'Bearer t' });
  });

  it('turns a silent server into a timeout PilotError', async () => {
    const http = createChromiumHttpClient(fetch, 200);
    await expect(http(`${base}/slow`)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('maps the caller aborting to a cancellation, keeping a PilotError reason', async () => {
    const http = createChromiumHttpClient(fetch);
    const controller = new AbortController();
    const pending = http(`${base}/slow`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'signin-cancelled' });

    const reason = new PilotError('signin-timeout', 'Sign-in took too long.', 'Start again.');
    const c2 = new AbortController();
    const p2 = http(`${base}/slow`, { signal: c2.signal });
    c2.abort(reason);
    await expect(p2).rejects.toBe(reason);
  });

  it('never sends or stores cookies and bypasses the HTTP cache; keeps the caller’s redirect mode', async () => {
    const seen: RequestInit[] = [];
    const recording: FetchLike = (input, init) => {
      seen.push(init ?? {});
      return fetch(input, init);
    };
    const http = createChromiumHttpClient(recording);
    await (await http(`${base}/x`)).text();
    await (await http(`${base}/x`, { redirect: 'manual', credentials: 'include', cache: 'default' })).text();
    expect(seen.map((i) => [i.credentials, i.cache, i.redirect])).toEqual([
      ['omit', 'no-store', 'follow'],
      ['omit', 'no-store', 'manual'],
    ]);
  });

  it('returns a redirect as a 3xx response when the caller asks redirect: manual', async () => {
    const http = createChromiumHttpClient(fetch);
    const res = await http(`${base}/moved`, { method: 'POST', body: 'code=x', redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://sso.example/login');
  });

  it('a body cut short by the time limit reads as a timeout, also when the stack reports an AbortError', async () => {
    // net.fetch hands out the body as Readable.toWeb(IncomingMessage): an abort errors it with an
    // AbortError, not Node fetch's TimeoutError. Same here, on top of Node's fetch.
    const likeNetFetch: FetchLike = async (input, init) => {
      const res = await fetch(input, init);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const chunk = await reader.read();
            if (chunk.done) controller.close();
            else controller.enqueue(chunk.value);
          } catch {
            controller.error(new DOMException('The operation was aborted.', 'AbortError'));
          }
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const http = createChromiumHttpClient(likeNetFetch, 300);
    const res = await http(`${base}/stall`);
    // Response.url is empty on net.fetch's responses (and on this one): the client sets it.
    expect(res.url).toBe(`${base}/stall`);
    await expect(readJsonResponse(res, 'token response')).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining(new URL(base).host) as unknown,
    });
  });

  it('maps a Chromium failure thrown by the fetch implementation', async () => {
    const http = createChromiumHttpClient(async () => {
      throw new Error('net::ERR_NAME_NOT_RESOLVED');
    });
    await expect(http('https://nowhere.example/')).rejects.toMatchObject({
      code: 'network',
      details: { host: 'nowhere.example' },
    });
  });
});

/**
 * A stand-in for Electron's `net` over Node's http client, doing what Electron documents for
 * net.request: with `redirect: 'manual'` a 3xx emits 'redirect' (statusCode, method, url, headers)
 * and the request dies unless followRedirect() is called; otherwise 'response' with an
 * IncomingMessage. Its `fetch` rejects a manual redirect the way net.fetch does.
 */
function nodeBackedNet(log: { options: Record<string, unknown>; headers: Record<string, string> }[]) {
  return {
    fetch: () => Promise.reject(new Error('Redirect was cancelled')),
    request(options: Record<string, unknown>) {
      const emitter = new EventEmitter();
      const headers: Record<string, string> = {};
      log.push({ options, headers });
      let req: ReturnType<typeof nodeRequest> | undefined;
      return Object.assign(emitter, {
        setHeader: (name: string, value: string) => (headers[name] = value),
        abort: () => req?.destroy(),
        end(body?: string | Buffer) {
          req = nodeRequest(String(options['url']), { method: String(options['method']), headers }, (res) => {
            if (
              options['redirect'] === 'manual' &&
              res.statusCode &&
              res.statusCode >= 300 &&
              res.statusCode < 400
            ) {
              res.resume();
              emitter.emit('redirect', res.statusCode, 'GET', res.headers.location, res.headers);
              return;
            }
            emitter.emit('response', res);
          });
          req.on('error', (e) => emitter.emit('error', e));
          req.end(body);
        },
      });
    },
  };
}

describe('createChromiumFetch (manual redirects through net.request)', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(307, { location: 'https://elsewhere.example/token' });
        return res.end();
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ type: req.headers['content-type'] ?? null, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers a redirect with its status and Location instead of an error, and never follows it', async () => {
    const log: { options: Record<string, unknown>; headers: Record<string, string> }[] = [];
    const net = nodeBackedNet(log);
    const http = createChromiumHttpClient(createChromiumFetch(net as never));
    const res = await http(`${base}/moved`, {
      method: 'POST',
      body: new URLSearchParams({ code: 'c', code_verifier: 'v' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('https://elsewhere.example/token');
    expect(log).toHaveLength(1);
    expect(log[0]?.options).toMatchObject({
      redirect: 'manual',
      credentials: 'omit',
      useSessionCookies: false,
      cache: 'no-store',
    });
  });

  it('sends a form body with its content type and returns a normal answer whole', async () => {
    const net = nodeBackedNet([]);
    const http = createChromiumHttpClient(createChromiumFetch(net as never));
    const res = await http(`${base}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await readJsonResponse(res, 'token response')).toEqual({
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'grant_type=authorization_code',
    });
  });
});
