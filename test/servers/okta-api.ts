/**
 * Okta-shaped Management API for the Okta test server (its `apiHandler`): GET /api/v1/apps and
 * GET /api/v1/logs with `filter` (SCIM eq / sw / co with and / or / parentheses), `since`, `limit` and cursor
 * paging through `Link: <…>; rel="next"`. 429 with X-Rate-Limit-* and 403 (missing scope or role) on
 * demand; a token without the needed scope gets 403 + `WWW-Authenticate: … insufficient_scope`.
 */
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerValidator } from './oauth-test-server';

export interface TestOktaApp {
  id: string;
  name: string; // app key, 'salesforce'
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  instanceType?: 'PRODUCTION' | 'SANDBOX' | 'GOVERNMENT';
  /** settings.app.loginUrl (Okta's Salesforce app: the org's login URL / My Domain); default login.salesforce.com. */
  loginUrl?: string | null;
  features?: string[];
}

export interface TestLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  displayMessage?: string;
  outcome?: { result: string; reason?: string };
  targetIds: string[];
}

export interface OktaApiState {
  apps: TestOktaApp[];
  logs: TestLogEvent[];
  /** Largest page the server returns, whatever `limit` says (forces paging in tests). */
  maxPageSize: number;
  /** Enforce okta.apps.read / okta.logs.read in the token's scope (default true). */
  enforceScopes: boolean;
  faults: {
    /** The next `times` API calls answer 429 with this X-Rate-Limit-Reset (epoch seconds). */
    rateLimit?: { times: number; resetEpochSeconds: number };
    /** 403 "no permission" (admin role missing) for apps or logs. */
    forbidden?: { apps?: boolean; logs?: boolean };
  };
  /** Answered calls: `apps page N`, `logs page N`, `429`, `403 apps`, `dpop ok` … */
  calls: string[];
}

function b64urlJson(part: string | undefined): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Checks a resource request's DPoP proof (RFC 9449 §4.3, §7.1): a dpop+jwt signed by the embedded
 * ES256 key, for this method and URL (no query), with `ath` = hash of the access token. Returns why
 * it is not acceptable, or undefined when it is.
 */
export function dpopProofProblem(
  proof: string | undefined,
  accessToken: string,
  method: string,
  htu: string,
): string | undefined {
  if (!proof) return 'missing DPoP proof';
  const [h, p, sig] = proof.split('.');
  const header = b64urlJson(h);
  const payload = b64urlJson(p);
  if (!header || !payload || !sig) return 'malformed DPoP proof';
  if (header['typ'] !== 'dpop+jwt' || header['alg'] !== 'ES256') return 'wrong DPoP proof type or alg';
  try {
    const key = createPublicKey({ key: header['jwk'] as import('node:crypto').JsonWebKey, format: 'jwk' });
    const ok = verifySignature(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(sig, 'base64url'),
    );
    if (!ok) return 'bad DPoP proof signature';
  } catch {
    return 'unusable DPoP proof key';
  }
  if (payload['htm'] !== method) return 'DPoP htm mismatch';
  if (payload['htu'] !== htu) return 'DPoP htu mismatch';
  if (payload['ath'] !== createHash('sha256').update(accessToken).digest('base64url'))
    return 'DPoP ath mismatch';
  return undefined;
}

export function createOktaApiState(partial: Partial<OktaApiState> = {}): OktaApiState {
  return { apps: [], logs: [], maxPageSize: 200, enforceScopes: true, faults: {}, calls: [], ...partial };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function oktaError(code: string, summary: string): Record<string, unknown> {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: 'oaeTestError',
    errorCauses: [],
  };
}

/** A parsed System Log / apps filter: SCIM operators eq, sw, co, and, or, parentheses (Okta API "Filter"). */
export type OktaFilter =
  | { op: 'eq' | 'sw' | 'co'; path: string; value: string }
  | { op: 'and' | 'or'; left: OktaFilter; right: OktaFilter };

/** Parses a filter expression; undefined when it uses anything else (Okta answers 400 E0000031). */
export function parseOktaFilter(filter: string): OktaFilter | undefined {
  const tokens = filter.match(/\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const primary = (): OktaFilter | undefined => {
    if (peek() === '(') {
      i++;
      const inner = orExpr();
      if (peek() !== ')') return undefined;
      i++;
      return inner;
    }
    const path = tokens[i++];
    const op = tokens[i++]?.toLowerCase();
    const raw = tokens[i++];
    if (!path || !raw || !/^"/.test(raw) || (op !== 'eq' && op !== 'sw' && op !== 'co')) return undefined;
    return { op, path, value: raw.slice(1, -1).replace(/\\(.)/g, '$1') };
  };
  const andExpr = (): OktaFilter | undefined => {
    let left = primary();
    while (left && peek()?.toLowerCase() === 'and') {
      i++;
      const right = primary();
      left = right ? { op: 'and', left, right } : undefined;
    }
    return left;
  };
  const orExpr = (): OktaFilter | undefined => {
    let left = andExpr();
    while (left && peek()?.toLowerCase() === 'or') {
      i++;
      const right = andExpr();
      left = right ? { op: 'or', left, right } : undefined;
    }
    return left;
  };
  const result = orExpr();
  return result && i === tokens.length ? result : undefined;
}

/** Evaluates a filter; `valuesOf(path)` gives the attribute's values (several for target.id). */
export function matchesFilter(f: OktaFilter, valuesOf: (path: string) => readonly string[]): boolean {
  if ('left' in f)
    return f.op === 'and'
      ? matchesFilter(f.left, valuesOf) && matchesFilter(f.right, valuesOf)
      : matchesFilter(f.left, valuesOf) || matchesFilter(f.right, valuesOf);
  const { op, value, path } = f;
  return valuesOf(path).some((v) =>
    op === 'eq' ? v === value : op === 'sw' ? v.startsWith(value) : v.includes(value),
  );
}

function appJson(app: TestOktaApp): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    label: app.label,
    status: app.status,
    signOnMode: 'SAML_2_0',
    features: app.features ?? [],
    settings: {
      app: {
        instanceType: app.instanceType ?? 'PRODUCTION',
        integrationType: 'STANDARD',
        ...(app.loginUrl === null ? {} : { loginUrl: app.loginUrl ?? 'https://login.salesforce.com' }),
      },
    },
    _links: {},
  };
}

function eventJson(e: TestLogEvent): Record<string, unknown> {
  return {
    uuid: e.uuid,
    published: e.published,
    eventType: e.eventType,
    displayMessage: e.displayMessage ?? null,
    severity: 'WARN',
    outcome: e.outcome ?? { result: 'FAILURE', reason: null },
    // Provisioning events also name the app user and the Okta user (System Log: LogTarget); only the
    // AppInstance target says which app instance the event is about.
    target: [
      ...e.targetIds.map((id) => ({
        id,
        type: 'AppInstance',
        alternateId: 'Salesforce',
        displayName: 'Salesforce.com',
      })),
      ...(e.eventType.startsWith('application.provision.user.')
        ? [
            { id: `0ua${e.uuid}`, type: 'AppUser', alternateId: 'jane@acme.test', displayName: 'Jane Doe' },
            { id: `00u${e.uuid}`, type: 'User', alternateId: 'jane@acme.test', displayName: 'Jane Doe' },
          ]
        : []),
    ],
    actor: { id: '0oaSystem', type: 'SystemPrincipal', displayName: 'Okta System' },
  };
}

function page<T>(all: T[], url: URL, maxPageSize: number, baseUrl: string): { items: T[]; link: string } {
  const limit = Math.min(Number(url.searchParams.get('limit') ?? maxPageSize) || maxPageSize, maxPageSize);
  const after = Number(url.searchParams.get('after') ?? '0') || 0;
  const items = all.slice(after, after + limit);
  const self = `<${baseUrl}${url.pathname}${url.search}>; rel="self"`;
  if (after + limit >= all.length) return { items, link: self };
  const next = new URL(url.toString());
  next.searchParams.set('after', String(after + limit));
  return { items, link: `${self}, <${baseUrl}${next.pathname}${next.search}>; rel="next"` };
}

export function createOktaApi(state: OktaApiState) {
  return async (req: IncomingMessage, res: ServerResponse, auth: BearerValidator): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const kind =
      url.pathname === '/api/v1/apps' ? 'apps' : url.pathname === '/api/v1/logs' ? 'logs' : undefined;
    if (!kind || req.method !== 'GET') return false;
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;

    const token = await auth.validateBearer(req.headers.authorization);
    const dpopToken = /^DPoP\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token && dpopToken) {
      const problem = dpopProofProblem(
        String(req.headers['dpop'] ?? '') || undefined,
        dpopToken,
        req.method ?? 'GET',
        `${baseUrl}${url.pathname}`,
      );
      if (problem) {
        state.calls.push(`401 dpop ${problem}`);
        sendJson(res, 401, oktaError('E0000011', 'Invalid token provided'), {
          'www-authenticate': `DPoP algs="ES256", error="invalid_dpop_proof", error_description="${problem}"`,
        });
        return true;
      }
      state.calls.push('dpop ok');
    }
    if (!token) {
      state.calls.push(`401 ${kind}`);
      sendJson(res, 401, oktaError('E0000011', 'Invalid token provided'), {
        'www-authenticate':
          'Bearer authorization_uri="", realm="", scope="", error="invalid_token", error_description="The token has expired.", resource=""',
      });
      return true;
    }
    const rl = state.faults.rateLimit;
    if (rl && rl.times > 0) {
      rl.times--;
      state.calls.push('429');
      sendJson(res, 429, oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'), {
        'x-rate-limit-limit': '100',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(rl.resetEpochSeconds),
      });
      return true;
    }
    const scope = kind === 'apps' ? 'okta.apps.read' : 'okta.logs.read';
    if (state.enforceScopes && !token.scope.split(' ').includes(scope)) {
      state.calls.push(`403 scope ${kind}`);
      sendJson(
        res,
        403,
        oktaError('E0000006', 'You do not have permission to perform the requested action'),
        {
          'www-authenticate': `Bearer authorization_uri="", realm="", scope="${scope}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${url.pathname}"`,
        },
      );
      return true;
    }
    if (state.faults.forbidden?.[kind]) {
      state.calls.push(`403 ${kind}`);
      sendJson(res, 403, oktaError('E0000006', 'You do not have permission to perform the requested action'));
      return true;
    }

    const filterText = url.searchParams.get('filter');
    const filter = filterText ? parseOktaFilter(filterText) : undefined;
    if (filterText && !filter) {
      sendJson(res, 400, oktaError('E0000031', 'Invalid search criteria.'));
      return true;
    }
    if (kind === 'apps') {
      const matches = state.apps.filter(
        (a) =>
          !filter ||
          matchesFilter(filter, (k) => (k === 'name' ? [a.name] : k === 'status' ? [a.status] : [])),
      );
      const { items, link } = page(matches, url, state.maxPageSize, baseUrl);
      state.calls.push(`apps page after=${url.searchParams.get('after') ?? 0}`);
      sendJson(res, 200, items.map(appJson), { link });
      return true;
    }
    const since = url.searchParams.get('since');
    const sinceMs = since ? Date.parse(since) : -Infinity;
    const matches = state.logs
      .filter((e) => Date.parse(e.published) >= sinceMs)
      .filter(
        (e) =>
          !filter ||
          matchesFilter(filter, (k) =>
            k === 'eventType'
              ? [e.eventType]
              : k === 'target.id'
                ? e.targetIds
                : k === 'outcome.result'
                  ? [e.outcome?.result ?? 'FAILURE']
                  : [],
          ),
      )
      .sort((a, b) =>
        url.searchParams.get('sortOrder') === 'DESCENDING'
          ? Date.parse(b.published) - Date.parse(a.published)
          : Date.parse(a.published) - Date.parse(b.published),
      );
    const { items, link } = page(matches, url, state.maxPageSize, baseUrl);
    state.calls.push(`logs page after=${url.searchParams.get('after') ?? 0}`);
    sendJson(res, 200, items.map(eventJson), { link });
    return true;
  };
}
