/**
 * A plain answer: status, final URL, headers and the body, read whole as text — all that verify's API
 * reads use. A WHATWG Response costs a ReadableStream, two Headers objects, a combined AbortSignal and
 * their bookkeeping on every request (on Node 20 about a quarter of `verify --all`'s CPU in HTTP, measured
 * over 1,800 requests), so the CLI's direct transport (node-fetch.ts) gives this shape straight from
 * node:http. Any other client (Electron's net.fetch, undici behind a proxy, a test's fetch) is adapted
 * from its Response. Because the body is read within the request, one time limit covers the whole
 * exchange and ends with it, and a body larger than MAX_ANSWER_BYTES is refused instead of held.
 */
import { PilotError } from './errors';

export interface PlainAnswer {
  readonly status: number;
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** Lower-case names; a repeated header's values joined with ", " (what fetch's Headers.get gives). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text, a leading BOM dropped (as fetch's text() does). */
  readonly text: string;
}

export type PlainRequest = (url: string, init?: RequestInit) => Promise<PlainAnswer>;

/** A fetch-shaped client that may also answer plainly (createHttpClient's does, without a proxy). */
export interface MaybePlain {
  (url: string, init?: RequestInit): Promise<Response>;
  readonly plain?: PlainRequest;
}

/**
 * The largest body a read accepts: far above any answer verify reads (a System Log page of 1,000 events
 * is ~2 MB), far below what would hurt. A server sending more is refused, not buffered.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

export function answerTooLarge(host: string): PilotError {
  return new PilotError(
    'bad-response',
    `${host} sent an answer larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB; reading stopped.`,
    'Check the URL (a proxy or another server may be answering), then try again.',
    { host },
  );
}

/** Reads a Response whole; a body cut off or stopped by the time limit becomes a PilotError naming the host. */
export async function answerFromResponse(res: Response, signal?: AbortSignal): Promise<PlainAnswer> {
  const host = hostOf(res.url);
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_ANSWER_BYTES) {
    await res.body?.cancel();
    throw answerTooLarge(host);
  }
  let text: string;
  try {
    text = await readCapped(res, host);
  } catch (e) {
    if (e instanceof PilotError) throw e;
    if (signal?.reason instanceof PilotError) throw signal.reason;
    const timedOut = (e as { name?: unknown } | null)?.name === 'TimeoutError';
    throw new PilotError(
      timedOut ? 'timeout' : 'network',
      timedOut
        ? `${host} stopped sending its answer before the time limit.`
        : `The answer from ${host} was cut off.`,
      'Try again; if it keeps happening, check your network or proxy.',
      { host },
      { cause: e },
    );
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, url: res.url, headers, text };
}

/** The client's own plain path, or its fetch with the Response read whole. */
export function plainRequestOf(http: MaybePlain): PlainRequest {
  return (
    http.plain ?? (async (url, init) => answerFromResponse(await http(url, init), init?.signal ?? undefined))
  );
}

export function isOk(answer: PlainAnswer): boolean {
  return answer.status >= 200 && answer.status <= 299;
}

export function headerOf(answer: PlainAnswer, name: string): string | null {
  return answer.headers[name.toLowerCase()] ?? null;
}

/** The body as text (BOM dropped, as text() does), refusing more than MAX_ANSWER_BYTES. */
async function readCapped(res: Response, host: string): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw answerTooLarge(host);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}
