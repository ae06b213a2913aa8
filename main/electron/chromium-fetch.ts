/**
 * The fetch function handed to ./chromium-http.ts: Electron's `net.fetch`, except for requests that
 * ask `redirect: 'manual'` (oauth4webapi's token and revocation requests). net.fetch turns a redirect
 * in that mode into an error ("Redirect was cancelled", Electron's net-client-request.ts), so the
 * core could never say "the token endpoint redirected". Those requests go through `net.request`,
 * whose 'redirect' event carries the status and Location: answered as a body-less 3xx response,
 * like Node's fetch does, and never followed (the body holds a code or a token).
 */
import type { ClientRequest, IncomingMessage, net as ElectronNet } from 'electron';
import type { FetchLike } from './chromium-http';

type Net = Pick<typeof ElectronNet, 'fetch' | 'request'>;

function requestBody(body: RequestInit['body']): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('Unsupported request body for a manual-redirect request.');
}

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function fetchWithManualRedirects(net: Net, url: string, init: RequestInit): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const request: ClientRequest = net.request({
      url,
      method: init.method ?? 'GET',
      redirect: 'manual',
      credentials: 'omit',
      useSessionCookies: false,
      cache: 'no-store',
    });
    const signal = init.signal;
    const onAbort = () => {
      request.abort();
      reject(signal?.reason ?? new DOMException('The request was aborted.', 'AbortError'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const headers = new Headers(init.headers);
    if (init.body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    headers.forEach((value, name) => request.setHeader(name, value));

    request.on('redirect', (status, _method, location) => {
      resolve(new Response(null, { status, headers: { location } }));
      request.abort();
    });
    request.on('response', (message) => {
      const chunks: Buffer[] = [];
      message.on('data', (chunk: Buffer) => chunks.push(chunk));
      message.on('error', reject);
      message.on('end', () => {
        const empty = [204, 205, 304].includes(message.statusCode) || init.method === 'HEAD';
        resolve(
          new Response(empty ? null : Buffer.concat(chunks), {
            status: message.statusCode,
            statusText: message.statusMessage,
            headers: responseHeaders(message),
          }),
        );
      });
    });
    request.on('error', reject);
    request.end(requestBody(init.body));
  });
}

export function createChromiumFetch(net: Net): FetchLike {
  return (input, init = {}) =>
    init.redirect === 'manual' ? fetchWithManualRedirects(net, input, init) : net.fetch(input, init);
}
