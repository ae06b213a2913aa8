/**
 * Fault injection for the test servers: a route can be told to misbehave the way real networks,
 * proxies and overloaded servers do, for a number of requests. Pure bookkeeping lives in
 * FaultRegistry; `applyFault` does the raw socket/HTTP work.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type FaultRoute = 'token' | 'authorize' | 'revoke' | 'identity' | 'api';

export type Fault =
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'html' }
  | { kind: 'truncated-json' }
  | { kind: 'no-content-type' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'slow-body'; ms: number }
  | { kind: 'redirect-loop' }
  | { kind: 'rate-limit'; count: number };

export interface FaultOptions {
  /** How many requests the fault affects; default 1 (rate-limit: its `count`). Infinity is allowed. */
  times?: number;
}

interface ArmedFault {
  fault: Fault;
  remaining: number;
}

export class FaultRegistry {
  private readonly armed = new Map<FaultRoute, ArmedFault[]>();

  inject(route: FaultRoute, fault: Fault, options: FaultOptions = {}): void {
    const defaultTimes = fault.kind === 'rate-limit' ? fault.count : 1;
    const remaining = options.times ?? defaultTimes;
    if (!(remaining > 0)) throw new Error(`fault "times" must be positive, got ${remaining}`);
    const list = this.armed.get(route) ?? [];
    list.push({ fault, remaining });
    this.armed.set(route, list);
  }

  /** Returns the fault to apply to this request (consuming one use), or undefined. */
  take(route: FaultRoute): Fault | undefined {
    const list = this.armed.get(route);
    const head = list?.[0];
    if (!list || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) list.shift();
    return head.fault;
  }

  clear(): void {
    this.armed.clear();
  }
}

/**
 * What the caller must do after applyFault: 'handled' = the response is done (or deliberately never
 * will be); 'pass-through' = let the real handler answer (the fault has wrapped `res` to alter it).
 */
export type FaultOutcome = 'handled' | 'pass-through';

const HTML_PAGE =
  '<!DOCTYPE html><html><head><title>Service Unavailable</title></head>' +
  '<body><h1>Down for maintenance</h1><p>Please try again later.</p></body></html>';

export function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  hanging: Set<ServerResponse>,
): FaultOutcome {
  switch (fault.kind) {
    case 'status': {
      const headers: Record<string, string> = {};
      if (fault.contentType !== undefined) headers['content-type'] = fault.contentType;
      else if (fault.body !== undefined) headers['content-type'] = 'application/json';
      res.writeHead(fault.status, headers).end(fault.body ?? '');
      return 'handled';
    }
    case 'html':
      // A captive portal or maintenance page: 200 with HTML where JSON was expected.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
      return 'handled';
    case 'truncated-json': {
      // Content-Length is honest about the bytes sent, so the client sees a complete but cut body.
      const body = '{"token_type":"Bearer","instance_url":"https://exa';
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        .end(body);
      return 'handled';
    }
    case 'no-content-type':
      stripContentType(res);
      return 'pass-through';
    case 'reset':
      req.socket.destroy();
      return 'handled';
    case 'hang':
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return 'handled';
    case 'slow-body':
      delayBody(res, fault.ms);
      return 'pass-through';
    case 'redirect-loop':
      res.writeHead(302, { location: req.url ?? '/' }).end();
      return 'handled';
    case 'rate-limit': {
      const resetAt = Math.ceil(Date.now() / 1000) + 1;
      res
        .writeHead(429, {
          'content-type': 'application/json',
          'retry-after': '1',
          'x-rate-limit-limit': '100',
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(resetAt),
        })
        .end(
          JSON.stringify({
            errorCode: 'E0000047',
            errorSummary: 'API call exceeded rate limit due to too many requests.',
          }),
        );
      return 'handled';
    }
  }
}

/** Drops any Content-Type the real handler sets (Salesforce error bodies sometimes arrive without one). */
function stripContentType(res: ServerResponse): void {
  const originalSetHeader = res.setHeader.bind(res);
  res.setHeader = ((name: string, value: number | string | readonly string[]) =>
    name.toLowerCase() === 'content-type'
      ? res
      : originalSetHeader(name, value)) as ServerResponse['setHeader'];
  const originalWriteHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    res.removeHeader('content-type');
    const kept = rest.map((arg) =>
      typeof arg === 'object' && arg !== null && !Array.isArray(arg)
        ? Object.fromEntries(Object.entries(arg).filter(([name]) => name.toLowerCase() !== 'content-type'))
        : arg,
    );
    return originalWriteHead(status, ...kept);
  }) as ServerResponse['writeHead'];
}

/** Sends the real response's first bytes at once and the rest after `ms` (a slow or stalled body). */
function delayBody(res: ServerResponse, ms: number): void {
  const originalEnd = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  res.end = ((chunk?: unknown) => {
    const body = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? Buffer.from(chunk) : Buffer.alloc(0);
    const split = Math.floor(body.length / 2);
    if (!res.headersSent) res.setHeader('content-length', body.length);
    res.write(body.subarray(0, split));
    const timer = setTimeout(() => originalEnd(body.subarray(split)), ms);
    res.on('close', () => clearTimeout(timer));
    return res;
  }) as ServerResponse['end'];
}
