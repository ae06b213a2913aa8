import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import { chromiumNetworkError, createChromiumHttpClient } from '../../main/electron/chromium-http';

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
