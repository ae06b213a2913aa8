import { describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import {
  answerFromResponse,
  headerOf,
  isOk,
  MAX_ANSWER_BYTES,
  plainRequestOf,
} from '../../main/core/plain-answer';

/** A Response whose body sends `parts`, then ends, or fails with `error`. */
function responseOf(parts: string[], options: { error?: unknown; url?: string; headers?: HeadersInit } = {}) {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[i++];
      if (part !== undefined) controller.enqueue(new TextEncoder().encode(part));
      else if (options.error !== undefined) controller.error(options.error);
      else controller.close();
    },
  });
  const res = new Response(body, { status: 200, headers: options.headers ?? {} });
  Object.defineProperty(res, 'url', { value: options.url ?? 'https://acme.okta.com/api/v1/apps' });
  return res;
}

describe('answerFromResponse (any client adapted to a plain answer)', () => {
  it('reads status, URL, lower-case headers and the text (BOM dropped, as text() does)', async () => {
    const answer = await answerFromResponse(
      responseOf(['\ufeff[', ']'], { headers: { 'X-Rate-Limit-Remaining': '7', Link: '<a>; rel="next"' } }),
    );
    expect(answer).toMatchObject({ status: 200, url: 'https://acme.okta.com/api/v1/apps', text: '[]' });
    expect(headerOf(answer, 'X-Rate-Limit-Remaining')).toBe('7');
    expect(headerOf(answer, 'link')).toBe('<a>; rel="next"');
    expect(headerOf(answer, 'www-authenticate')).toBeNull();
    expect(isOk(answer)).toBe(true);
    expect(isOk({ ...answer, status: 302 })).toBe(false);
  });

  it('names the host of a body cut off, and keeps the reason of a caller that stopped it', async () => {
    await expect(
      answerFromResponse(responseOf(['[{'], { error: new TypeError('terminated') })),
    ).rejects.toMatchObject({
      code: 'network',
      message: 'The answer from acme.okta.com was cut off.',
    });
    const timedOut = new DOMException('late', 'TimeoutError');
    await expect(answerFromResponse(responseOf(['[{'], { error: timedOut }))).rejects.toMatchObject({
      code: 'timeout',
      message: 'acme.okta.com stopped sending its answer before the time limit.',
    });
    const ours = new PilotError(
      'timeout',
      'acme.my.salesforce.com did not answer the Salesforce API request within 30 seconds.',
      '',
    );
    const stop = new AbortController();
    stop.abort(ours);
    await expect(
      answerFromResponse(responseOf(['<x'], { error: new Error('aborted') }), stop.signal),
    ).rejects.toBe(ours);
  });

  it('refuses a body past the cap, declared or streamed', async () => {
    const declared = responseOf(['x'], { headers: { 'content-length': String(MAX_ANSWER_BYTES + 1) } });
    await expect(answerFromResponse(declared)).rejects.toMatchObject({ code: 'bad-response' });
    const mib = 'x'.repeat(1024 * 1024);
    const streamed = responseOf(Array.from({ length: MAX_ANSWER_BYTES / mib.length + 1 }, () => mib));
    await expect(answerFromResponse(streamed)).rejects.toThrow(/larger than 32 MB/);
  });

  it("uses a client's own plain path when it has one, else reads its fetch's Response whole", async () => {
    const fetchOnly = async () => responseOf(['ok']);
    expect((await plainRequestOf(fetchOnly)('https://acme.okta.com/x')).text).toBe('ok');
    const own = { status: 204, url: 'u', headers: {}, text: '' };
    const both = Object.assign(async () => responseOf(['via fetch']), { plain: async () => own });
    expect(await plainRequestOf(both)('https://acme.okta.com/x')).toBe(own);
  });
});
