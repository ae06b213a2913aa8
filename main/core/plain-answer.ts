/**
 * A plain answer: status, final URL, headers and the body read whole as text — all that verify's API
 * reads use. A WHATWG Response costs a ReadableStream, two Headers objects and their bookkeeping on every
 * request (on Node 20 about a quarter of `verify --all`'s CPU in HTTP, measured over 1,800 requests), so
 * the CLI's direct transport (node-fetch.ts) gives this shape straight from node:http. Any other client
 * (Electron's net.fetch, undici behind a proxy, a test's fetch) is adapted from its Response.
 */

export interface PlainAnswer {
  readonly status: number;
  /** The URL that answered (after redirects). */
  readonly url: string;
  /** Lower-case names; a repeated header's values joined with ", " (what fetch's Headers.get gives). */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as UTF-8 text, a leading BOM dropped (as fetch's text()); rejects when cut off or aborted. */
  text(): Promise<string>;
  /** Drops the body unread, so the connection is freed. */
  discard(): Promise<void>;
}

export type PlainRequest = (url: string, init?: RequestInit) => Promise<PlainAnswer>;

/** A fetch-shaped client that may also answer plainly (createHttpClient's does, without a proxy). */
export interface MaybePlain {
  (url: string, init?: RequestInit): Promise<Response>;
  readonly plain?: PlainRequest;
}

export function answerFromResponse(res: Response): PlainAnswer {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    status: res.status,
    url: res.url,
    headers,
    text: () => res.text(),
    discard: async () => {
      await res.body?.cancel();
    },
  };
}

/** The client's own plain path, or its fetch with the Response adapted. */
export function plainRequestOf(http: MaybePlain): PlainRequest {
  return http.plain ?? (async (url, init) => answerFromResponse(await http(url, init)));
}

export function isOk(answer: PlainAnswer): boolean {
  return answer.status >= 200 && answer.status <= 299;
}

export function headerOf(answer: PlainAnswer, name: string): string | null {
  return answer.headers[name.toLowerCase()] ?? null;
}
