/**
 * The CLI's fetch over node:http (main/core/node-fetch.ts) against real local servers: what the core
 * relies on from fetch — final URL, redirect modes and the headers a redirect may carry to another
 * origin, bodies, decoding, cancellation mid-body.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startLocalServer } from '../helpers/local-http';
import { nodeFetch, nodePlainRequest } from '../../main/core/node-fetch';
import { createHttpClient } from '../../main/core/http';
import { MAX_ANSWER_BYTES } from '../../main/core/plain-answer';
import { PilotError } from '../../main/core/errors';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const { origin } = await startLocalServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  return { origin, seen };
}

/** A server speaking raw HTTP over TCP (for answers node:http's server would not send), closed after `use`. */
async function withRawServer(
  onSocket: (socket: Socket) => void,
  use: (origin: string) => Promise<void>,
): Promise<void> {
  const server = createNetServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/** Answers the first request on a connection with `raw`, then closes it. */
const answerOnce = (raw: string) => (socket: Socket) => socket.once('data', () => socket.end(raw));

describe('nodeFetch', () => {
  it('answers with a real Response: status, headers, body and the URL it came from', async () => {
    const target = await serve((_q, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-rate-limit-remaining', '41');
      res.statusCode = 201;
      res.end('{"ok":true}');
    });
    const res = await nodeFetch(`${target.origin}/a?b=1`);
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-rate-limit-remaining')).toBe('41');
    expect(res.url).toBe(`${target.origin}/a?b=1`);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('sends a form body with its content type, and a string body as text', async () => {
    const target = await serve((_q, res) => res.end('ok'));
    await nodeFetch(`${target.origin}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c d' }),
    });
    await nodeFetch(`${target.origin}/soap`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
      body: '<x/>',
    });
    const [form, soap] = target.seen;
    expect(form?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(form?.body).toBe('grant_type=authorization_code&code=c+d');
    expect(soap?.headers['content-type']).toBe('text/xml');
    expect(soap?.headers['content-length']).toBe('4');
    expect(soap?.body).toBe('<x/>');
  });

  it('follows a redirect within the origin with the Authorization header', async () => {
    const target = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' }).end();
      } else res.end('here');
    });
    const res = await nodeFetch(`${target.origin}/old`, { headers: { Authorization: 'Bearer t0k' } });
    expect(await res.text()).toBe('here');
    expect(res.url).toBe(`${target.origin}/new`);
    expect(target.seen.map((s) => s.headers.authorization)).toEqual(['Bearer t0k', 'Bearer t0k']);
  });

  it('never carries the Authorization header or cookies to another origin', async () => {
    const elsewhere = await serve((_q, res) => res.end('elsewhere'));
    const target = await serve((_q, res) => res.writeHead(307, { location: `${elsewhere.origin}/x` }).end());
    const res = await nodeFetch(`${target.origin}/api`, {
      headers: { Authorization: 'Bearer t0k', Cookie: 'sid=1', Accept: 'application/json' },
    });
    expect(await res.text()).toBe('elsewhere');
    const [arrived] = elsewhere.seen;
    expect(arrived?.headers.authorization).toBeUndefined();
    expect(arrived?.headers.cookie).toBeUndefined();
    expect(arrived?.headers.accept).toBe('application/json');
  });

  it('turns a POST answered with 303 into a GET without the body', async () => {
    const target = await serve((req, res) => {
      if (req.method === 'POST') res.writeHead(303, { location: '/done' }).end();
      else res.end('done');
    });
    await nodeFetch(`${target.origin}/form`, { method: 'POST', body: new URLSearchParams({ a: '1' }) });
    const [, second] = target.seen;
    expect(second?.method).toBe('GET');
    expect(second?.body).toBe('');
    expect(second?.headers['content-type']).toBeUndefined();
  });

  it("returns the 3xx itself with redirect: 'manual' and refuses it with redirect: 'error'", async () => {
    const target = await serve((_q, res) =>
      res.writeHead(302, { location: 'https://elsewhere.test/' }).end(),
    );
    const manual = await nodeFetch(`${target.origin}/`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('https://elsewhere.test/');
    await expect(nodeFetch(`${target.origin}/`, { redirect: 'error' })).rejects.toThrow(
      /unexpected redirect/,
    );
    expect(target.seen).toHaveLength(2);
  });

  it('gives up on a redirect loop, which the core reports as one plain sentence', async () => {
    const target = await serve((_q, res) => res.writeHead(302, { location: '/again' }).end());
    const http = createHttpClient({ env: {} });
    const err = await http(`${target.origin}/start`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PilotError);
    expect((err as PilotError).message).toContain('kept redirecting');
    expect(target.seen).toHaveLength(21);
  });

  it('decodes a gzip body even when it was not asked for', async () => {
    const target = await serve((_q, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
      res.end(gzipSync('{"records":[]}'));
    });
    expect(await (await nodeFetch(`${target.origin}/q`)).json()).toEqual({ records: [] });
  });

  it('has no body for 204 and HEAD', async () => {
    const target = await serve((req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 204, {
        'content-length': req.method === 'HEAD' ? '5' : '0',
      });
      res.end();
    });
    expect((await nodeFetch(`${target.origin}/`, { method: 'DELETE' })).body).toBeNull();
    expect((await nodeFetch(`${target.origin}/`, { method: 'HEAD' })).body).toBeNull();
  });

  it("stops a body that is still arriving when the caller's signal fires, with the signal's reason", async () => {
    const target = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const res = await nodeFetch(`${target.origin}/slow`, { signal: AbortSignal.timeout(200) });
    const err = await res.text().catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
  });

  it('sends a GET again on a fresh connection when the pooled one was closed just as it was reused; never a POST', async () => {
    // A server that answers one request per connection with keep-alive, then drops the connection when
    // a second request arrives on it — the race a client pool meets when a server's idle timeout fires.
    const answered: string[] = [];
    const dropSecondRequest = (socket: Socket) => {
      let requests = 0;
      socket.on('data', (chunk: Buffer) => {
        if (!chunk.toString('latin1').includes('\r\n\r\n')) return;
        requests++;
        if (requests > 1) {
          socket.destroy();
          return;
        }
        answered.push(chunk.toString('latin1').split(' ')[0] ?? '');
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
    };
    await withRawServer(dropSecondRequest, async (origin) => {
      expect(await (await nodeFetch(`${origin}/a`)).text()).toBe('ok');
      expect(await (await nodeFetch(`${origin}/b`)).text()).toBe('ok');
      expect(answered).toEqual(['GET', 'GET']);
      await expect(nodeFetch(`${origin}/c`, { method: 'POST', body: 'x' })).rejects.toMatchObject({
        code: 'ECONNRESET',
      });
    });
  });

  it('rejects a status no HTTP answer has, instead of building a broken Response', async () => {
    await withRawServer(answerOnce('HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n'), async (origin) => {
      await expect(nodeFetch(`${origin}/`)).rejects.toThrow(/status 999/);
    });
  });

  it('refuses what it does not support instead of guessing', async () => {
    await expect(nodeFetch('ftp://127.0.0.1/x')).rejects.toThrow(TypeError);
    await expect(
      nodeFetch('http://127.0.0.1:1/x', { method: 'POST', body: new Blob(['x']) }),
    ).rejects.toThrow(/not supported/);
  });
});

describe('nodePlainRequest (the same exchange, answered without a Response)', () => {
  it('gives status, final URL, lower-case headers (repeats joined as fetch joins them) and the text', async () => {
    const target = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { location: '/new' }).end();
        return;
      }
      res.writeHead(200, [
        ['Content-Type', 'application/json'],
        ['Link', '<a>; rel="self"'],
        ['Link', '<b>; rel="next"'],
      ]);
      res.end('\ufeff{"ok":true}');
    });
    const answer = await nodePlainRequest(`${target.origin}/old`, {
      headers: { Authorization: 'Bearer t0k' },
    });
    expect(answer.status).toBe(200);
    expect(answer.url).toBe(`${target.origin}/new`);
    expect(answer.headers['content-type']).toBe('application/json');
    // fetch's Headers.get joins a repeated header the same way.
    const viaFetch = await nodeFetch(`${target.origin}/new`);
    expect(answer.headers['link']).toBe(viaFetch.headers.get('link'));
    await viaFetch.body?.cancel();
    // A leading byte order mark is dropped, as fetch's text() drops it.
    expect(answer.text).toBe('{"ok":true}');
    expect(target.seen[1]?.headers['authorization']).toBe('Bearer t0k');
  });

  it("sends the same headers fetch would: names in lower case, values trimmed, a body's type and length", async () => {
    const target = await serve((_q, res) => res.end('ok'));
    const answer = await nodePlainRequest(`${target.origin}/soap`, {
      method: 'post',
      headers: { SOAPAction: ' "" ', 'X-Twice': 'a', 'x-twice': 'b' },
      body: '<x/>',
    });
    expect(answer.text).toBe('ok');
    const seen = target.seen[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.headers['soapaction']).toBe('""');
    expect(seen?.headers['x-twice']).toBe('a, b');
    expect(seen?.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(seen?.headers['content-length']).toBe('4');
    expect(seen?.headers['accept']).toBe('*/*');
  });

  it("returns a 3xx itself with redirect: 'manual', decodes gzip, and has no body for 204", async () => {
    const target = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(301, { location: 'https://elsewhere.test/' }).end();
      else if (req.url === '/gz') {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync('<soapenv:Envelope/>'));
      } else res.writeHead(204).end();
    });
    const moved = await nodePlainRequest(`${target.origin}/moved`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers['location']).toBe('https://elsewhere.test/');
    expect((await nodePlainRequest(`${target.origin}/gz`)).text).toBe('<soapenv:Envelope/>');
    expect((await nodePlainRequest(`${target.origin}/none`)).text).toBe('');
  });

  it("stops a body that is still arriving when the signal fires, with the signal's reason", async () => {
    const target = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<partial');
    });
    const err = await nodePlainRequest(`${target.origin}/slow`, { signal: AbortSignal.timeout(200) }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('TimeoutError');
  });

  it('rejects a body cut off by the server, naming the host', async () => {
    const cut = answerOnce('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<cut');
    await withRawServer(cut, async (origin) => {
      await expect(nodePlainRequest(`${origin}/`)).rejects.toThrow();
      // Through the client: a plain sentence naming the host.
      const plain = createHttpClient({ env: {} }).plain;
      await expect(plain?.(`${origin}/`)).rejects.toMatchObject({
        code: 'network',
        message: expect.stringContaining(new URL(origin).host),
      });
    });
  });

  it('refuses a body larger than the cap, declared or streamed, instead of holding it', async () => {
    const big = MAX_ANSWER_BYTES + 1;
    const target = await serve((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': String(big) });
        res.end();
        return;
      }
      // Chunked, no length: the cap is met while reading.
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= big && res.write(chunk)) sent += chunk.byteLength;
        if (sent <= big) res.once('drain', pump);
        else res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    const tooLarge = { code: 'bad-response', message: expect.stringMatching(/larger than 32 MB/) };
    await expect(nodePlainRequest(`${target.origin}/declared`)).rejects.toMatchObject(tooLarge);
    await expect(nodePlainRequest(`${target.origin}/streamed`)).rejects.toMatchObject(tooLarge);
  });
});

describe("createHttpClient's plain path", () => {
  it('is there without a proxy and answers like the fetch path, failures included', async () => {
    const target = await serve((_q, res) => res.end('ok'));
    const http = createHttpClient({ env: {}, timeoutMs: 300 });
    if (!http.plain) throw new Error('expected a plain path without a proxy');
    expect((await http.plain(`${target.origin}/x`)).text).toBe('ok');
    // Nothing listens on port 1: the same PilotError as the fetch path.
    const viaPlain = await http.plain('http://127.0.0.1:1/x').catch((e: unknown) => e);
    const viaFetch = await http('http://127.0.0.1:1/x').catch((e: unknown) => e);
    expect(viaPlain).toBeInstanceOf(PilotError);
    expect((viaPlain as PilotError).message).toBe((viaFetch as PilotError).message);
    const silent = await serve(() => undefined);
    await expect(http.plain(`${silent.origin}/never`)).rejects.toMatchObject({
      code: 'timeout',
      message: `${new URL(silent.origin).host} did not answer within 0.3 seconds.`,
    });
  });

  it('says when the answer began but its body stopped before the time limit', async () => {
    // Status and headers at once, then one chunk of the body and nothing more.
    const stalled = await serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const http = createHttpClient({ env: {}, timeoutMs: 300 });
    await expect(http.plain?.(`${stalled.origin}/slow`)).rejects.toMatchObject({
      code: 'timeout',
      message: `${new URL(stalled.origin).host} stopped sending its answer before the time limit (0.3 seconds).`,
    });
  });

  it('is not there behind a proxy: the proxy-aware fetch carries every request', () => {
    expect(createHttpClient({ env: { HTTPS_PROXY: 'http://127.0.0.1:9' } }).plain).toBeUndefined();
  });
});
