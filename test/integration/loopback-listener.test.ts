import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, type Socket } from 'node:net';
import {
  createNonce,
  MAX_CONNECTIONS,
  startLinkFor,
  startLoopbackListener,
  type CallbackOutcome,
  type LoopbackListener,
} from '../../main/core/auth/loopback-listener';
import type { CallbackParams } from '../../main/core/auth/redirect';

const CB = '/oauth/callback/acme/salesforce';
const opened: LoopbackListener[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

async function listen(
  onCallback = vi.fn(async (_p: CallbackParams): Promise<CallbackOutcome> => ({
    ok: true,
    title: 'Signed in',
    message: 'Signed in as <ada>.',
  })),
  signal?: AbortSignal,
) {
  const listener = await startLoopbackListener({
    port: 0,
    path: CB,
    onCallback,
    ...(signal ? { signal } : {}),
  });
  opened.push(listener);
  return { listener, onCallback, base: `http://127.0.0.1:${listener.port}` };
}

/** Raw request so we can send OPTIONS with arbitrary headers and avoid keep-alive pooling. */
function raw(
  url: string,
  method: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('loopback listener', () => {
  it('completes on GET to the callback path with a safe, self-contained page, then closes', async () => {
    const { listener, onCallback, base } = await listen();
    const res = await raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET');
    expect(res.status).toBe(200);
    expect(onCallback).toHaveBeenCalledWith({ code: 'c', state: 's' }, CB);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('Signed in as &lt;ada&gt;.');
    expect(res.body).toContain('close this tab');
    expect(res.body).not.toMatch(/https?:\/\//); // no remote assets
    await listener.closed;
    await expect(raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('answers favicon and stray paths with 404 without aborting the sign-in', async () => {
    const { onCallback, base } = await listen();
    expect((await raw(`${base}/favicon.ico`, 'GET')).status).toBe(404);
    expect((await raw(`${base}/`, 'GET')).status).toBe(404);
    expect((await raw(`${base}/oauth/callback/acme/salesforce/extra?code=c&state=s`, 'GET')).status).toBe(
      404,
    );
    expect(onCallback).not.toHaveBeenCalled();
    expect((await raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET')).status).toBe(200);
    expect(onCallback).toHaveBeenCalledTimes(1);
  });

  it('answers POST to the callback with 405', async () => {
    const { onCallback, base } = await listen();
    const res = await raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET');
    expect(onCallback).not.toHaveBeenCalled();
  });

  it('answers a Private Network Access preflight with 204', async () => {
    const { base } = await listen();
    const res = await raw(`${base}/oauth/callback/acme/salesforce`, 'OPTIONS', {
      origin: 'https://login.salesforce.com',
      'access-control-request-method': 'GET',
      'access-control-request-private-network': 'true',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-private-network']).toBe('true');
    expect(res.headers['access-control-allow-origin']).toBe('https://login.salesforce.com');
  });

  it('shows an error page for duplicated parameters and keeps waiting', async () => {
    const { onCallback, base } = await listen();
    const res = await raw(`${base}/oauth/callback/acme/salesforce?code=c&code=d&state=s`, 'GET');
    expect(res.status).toBe(400);
    expect(res.body).toContain('more than once');
    expect(res.body).not.toContain('code=d');
    expect(onCallback).not.toHaveBeenCalled();
    expect((await raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET')).status).toBe(200);
  });

  it('keeps listening after a non-final outcome (e.g. a forged state)', async () => {
    const onCallback = vi
      .fn(async (_p: CallbackParams): Promise<CallbackOutcome> => ({
        ok: true,
        title: 'Signed in',
        message: 'ok',
      }))
      .mockResolvedValueOnce({ ok: false, final: false, title: 'Not recognised', message: 'unknown state' });
    const { base } = await listen(onCallback);
    expect((await raw(`${base}/oauth/callback/acme/salesforce?code=x&state=forged`, 'GET')).status).toBe(400);
    expect((await raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET')).status).toBe(200);
    expect(onCallback).toHaveBeenCalledTimes(2);
  });

  it('reports a busy port with the port number and what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const err = await startLoopbackListener({ port, onCallback: vi.fn() }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'port-busy' });
      expect((err as Error).message).toBe(
        `Port ${port} on 127.0.0.1 is already in use (another program or another sign-in is listening there).`,
      );
      expect((err as { hint: string }).hint).toContain(`port ${port}`);
      expect((err as { hint: string }).hint).toContain('--port');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('closes when cancelled through its AbortSignal', async () => {
    const controller = new AbortController();
    const { listener, base } = await listen(undefined, controller.signal);
    expect((await raw(`${base}/favicon.ico`, 'GET')).status).toBe(404);
    controller.abort();
    await listener.closed;
    await expect(raw(`${base}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET')).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('binds to 127.0.0.1 only', async () => {
    const { listener } = await listen();
    await expect(
      raw(`http://[::1]:${listener.port}/oauth/callback/acme/salesforce?code=c&state=s`, 'GET'),
    ).rejects.toBeTruthy();
  });

  it('refuses a request whose Host is not 127.0.0.1:<port> (DNS rebinding)', async () => {
    const { onCallback, base, listener } = await listen();
    const res = await raw(`${base}${CB}?code=c&state=s`, 'GET', { host: `evil.example:${listener.port}` });
    expect(res.status).toBe(421);
    const local = await raw(`${base}${CB}?code=c&state=s`, 'GET', { host: `localhost:${listener.port}` });
    expect(local.status).toBe(421);
    expect(onCallback).not.toHaveBeenCalled();
  });

  it('answers a Private Network Access preflight only on the callback path', async () => {
    const { base } = await listen();
    const preflight = {
      origin: 'https://evil.example',
      'access-control-request-method': 'GET',
      'access-control-request-private-network': 'true',
    };
    const res = await raw(`${base}/start/x`, 'OPTIONS', preflight);
    expect(res.status).toBe(404);
    expect(res.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it("names the per-org change for the old shared path, and passes another org's path on", async () => {
    const { onCallback, base } = await listen();
    const legacy = await raw(`${base}/oauth/callback?code=c&state=s`, 'GET');
    expect(legacy.status).toBe(400);
    expect(legacy.body).toContain('separate callback URL for each org');
    expect(onCallback).not.toHaveBeenCalled();
    await raw(`${base}/oauth/callback/other/okta?code=c&state=s`, 'GET');
    expect(onCallback).toHaveBeenCalledWith({ code: 'c', state: 's' }, '/oauth/callback/other/okta');
  });

  it('serves the start link once, with an HttpOnly cookie the callback then requires', async () => {
    const reused = vi.fn();
    const onCallback = vi.fn(async (): Promise<CallbackOutcome> => ({
      ok: true,
      title: 'ok',
      message: 'ok',
    }));
    const nonce = createNonce();
    const listener = await startLoopbackListener({
      port: 0,
      path: CB,
      onCallback,
      start: {
        nonce,
        location: 'https://login.salesforce.com/services/oauth2/authorize?state=s',
        onReused: reused,
      },
    });
    opened.push(listener);
    const base = `http://127.0.0.1:${listener.port}`;
    expect((await raw(`${base}/start/wrong-nonce`, 'GET')).status).toBe(404);
    const start = await raw(startLinkFor(listener.port, nonce), 'GET');
    expect(start.status).toBe(302);
    expect(start.headers.location).toBe('https://login.salesforce.com/services/oauth2/authorize?state=s');
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toContain(`Path=${CB}`);
    const cookie = setCookie.split(';')[0] ?? '';
    // Without the cookie (another local user who learned the state): refused, and the sign-in goes on.
    const forged = await raw(`${base}${CB}?code=x&state=s`, 'GET');
    expect(forged.status).toBe(400);
    expect(onCallback).not.toHaveBeenCalled();
    expect((await raw(`${base}${CB}?code=c&state=s`, 'GET', { cookie })).status).toBe(200);
    expect(onCallback).toHaveBeenCalledTimes(1);
    expect(reused).not.toHaveBeenCalled();
  });

  it('ends the sign-in when the start link is opened a second time', async () => {
    const reused = vi.fn();
    const nonce = createNonce();
    const listener = await startLoopbackListener({
      port: 0,
      path: CB,
      onCallback: vi.fn(),
      start: { nonce, location: 'https://login.salesforce.com/x', onReused: reused },
    });
    opened.push(listener);
    expect((await raw(startLinkFor(listener.port, nonce), 'GET')).status).toBe(302);
    const again = await raw(startLinkFor(listener.port, nonce), 'GET');
    expect(again.status).toBe(410);
    expect(again.headers.location).toBeUndefined();
    expect(reused).toHaveBeenCalledTimes(1);
  });

  it(`caps concurrent connections at ${MAX_CONNECTIONS}`, async () => {
    const { listener } = await listen();
    const sockets = await Promise.all(
      Array.from(
        { length: MAX_CONNECTIONS + 4 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(listener.port, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const open = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
    const closedByServer = await Promise.all(
      sockets.map(
        (s) =>
          new Promise<boolean>((resolve) => {
            if (s.destroyed || s.readableEnded) return resolve(true);
            s.once('end', () => resolve(true));
            s.once('close', () => resolve(true));
            setTimeout(() => resolve(false), 300);
          }),
      ),
    );
    expect(open).toBeGreaterThan(0);
    expect(closedByServer.filter(Boolean).length).toBeGreaterThanOrEqual(4);
    for (const s of sockets) s.destroy();
  });
});
