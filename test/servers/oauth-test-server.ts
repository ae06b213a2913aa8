/**
 * The shared machinery behind the Salesforce- and Okta-shaped test servers: a real oidc-provider 9
 * behind a plain Node HTTP server that adds what tests need (runtime client registration, fault
 * injection, latency, a request log, leak detection, automatic consent, an API mount). Each
 * vendor module supplies a ServerProfile with its paths, scopes and response/error shapes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { type ClientMetadata, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Middleware } from 'koa';
import { createInMemoryStore } from './in-memory-adapter';
import { FaultRegistry, applyFault, type Fault, type FaultOptions, type FaultRoute } from './faults';
import { findSecretsInUrl, redactHeaders, type LeakRecord, type RecordedRequest } from './request-log';

export interface ClientRegistration {
  clientId: string;
  redirectUris: string[];
  /** Default true. When false, authorization requests without code_challenge are accepted. */
  pkceRequired?: boolean;
  /** Okta only: the client must use DPoP-bound tokens (dpop_bound_access_tokens). */
  dpopRequired?: boolean;
}

export interface AccessTokenInfo {
  accountId: string;
  clientId: string;
  scope: string;
}

export interface BearerValidator {
  /** Validates an Authorization header value ("Bearer …" or "DPoP …"); undefined when not acceptable. */
  validateBearer(header: string | undefined): Promise<AccessTokenInfo | undefined>;
}

/** Mount point for other engineers' fake APIs (/services/data/…, /api/v1/…). Return true when handled. */
export type ApiHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  auth: BearerValidator,
) => Promise<boolean>;

export interface OAuthTestServerOptions {
  /** Port on 127.0.0.1; default 0 = a random free port. */
  port?: number;
  apiHandler?: ApiHandler;
  /** Complete authorization immediately with `autoLogin` (no pages). Default false. */
  autoConsent?: boolean;
  /** Login used by automatic consent. Default 'admin@acme.test'. */
  autoLogin?: string;
}

export interface OAuthTestServer extends BearerValidator {
  readonly url: string;
  /** The underlying oidc-provider instance (for advanced tests). */
  readonly provider: Provider;
  /** Log of every request, oldest first. */
  readonly requests: RecordedRequest[];
  /** Secrets seen in URLs (query or path): each one is a bug in the client under test. */
  readonly leaks: LeakRecord[];
  close(): Promise<void>;
  registerClient(registration: ClientRegistration): Promise<void>;
  /** Every access token, refresh token and authorization code ever issued. */
  issuedTokens(): string[];
  tokenRequestCount(grantType?: string): number;
  injectFault(route: FaultRoute, fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;
  /** Delay added before answering every request (for benchmarks). */
  setLatency(ms: number): void;
  setAutoConsent(on: boolean): void;
  /** Refresh-token rotation (default on): each refresh returns a new refresh token. */
  setRotation(on: boolean): void;
  isRotationEnabled(): boolean;
  setAccessTokenTtl(seconds: number): void;
  validateAccessToken(token: string): Promise<AccessTokenInfo | undefined>;
  /** Revokes every token of the grant the given token belongs to (as an admin would). */
  revokeTokenFamily(token: string): Promise<boolean>;
  /** Username shown for an account id: the login if it is an email, else `${login}@acme.test`. */
  usernameOf(accountId: string): string;
}

/** Everything a vendor module decides. */
export interface ServerProfile {
  routes: {
    authorization: string;
    token: string;
    userinfo: string;
    jwks: string;
    revocation?: string; // when set, oidc-provider's RFC 7009 endpoint is mounted there
  };
  scopes: string[];
  defaultAccessTokenTtl: number;
  /** Adds internal scopes (e.g. Salesforce refresh_token -> offline_access) to an authorization request. */
  mapRequestedScope(scope: string): string;
  /** Which fault route a path belongs to, beyond the OAuth routes (identity, api). */
  faultRouteOf?(path: string): FaultRoute | undefined;
  /** Answers vendor-specific requests before oidc-provider; return true when handled. */
  handleRaw?(request: RawRequest, server: OAuthTestServer): Promise<boolean>;
  /** Koa middleware around oidc-provider's handling (reshape token responses, rename errors). */
  middleware?(
    server: OAuthTestServer,
    lastGrantError: (ctx: KoaContextWithOIDC) => GrantErrorInfo | undefined,
  ): Middleware;
  /** Page for authorization errors that cannot be redirected (unknown client, bad redirect_uri). */
  renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): void;
}

export interface GrantErrorInfo {
  error: string;
  detail?: string;
}

export interface RawRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Parsed url-encoded body (only for non-API requests). */
  form?: URLSearchParams;
}

const AUTO_LOGIN_DEFAULT = 'admin@acme.test';

export async function startOAuthTestServer(
  profile: ServerProfile,
  opts: OAuthTestServerOptions = {},
): Promise<OAuthTestServer> {
  const store = createInMemoryStore();
  const faults = new FaultRegistry();
  const hanging = new Set<ServerResponse>();
  const requests: RecordedRequest[] = [];
  const leaks: LeakRecord[] = [];
  const pkceRequiredByClient = new Map<string, boolean>();
  const grantErrors = new WeakMap<object, GrantErrorInfo>();
  const settings = {
    latencyMs: 0,
    autoConsent: opts.autoConsent ?? false,
    rotation: true,
    accessTokenTtl: profile.defaultAccessTokenTtl,
  };
  const autoLogin = opts.autoLogin ?? AUTO_LOGIN_DEFAULT;

  const httpServer = createServer();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const provider = new Provider(url, buildConfiguration());
  // Salesforce and Okta match redirect URIs exactly, port included; oidc-provider would accept any
  // loopback port for native clients (RFC 8252 §7.3). Tests need the stricter vendor behaviour.
  provider.Client.prototype.redirectUriAllowed = function exactMatch(
    this: { redirectUris: string[] },
    value: string,
  ) {
    return this.redirectUris.includes(value);
  };
  provider.on('grant.error', (ctx: KoaContextWithOIDC, err: { error?: string; error_detail?: string }) => {
    grantErrors.set(ctx, { error: err.error ?? 'unknown', detail: err.error_detail });
  });
  provider.use(autoConsentMiddleware());
  const server: OAuthTestServer = {
    url,
    provider,
    requests,
    leaks,
    async close() {
      for (const res of hanging) res.destroy();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
    async registerClient(registration) {
      const metadata: ClientMetadata = {
        client_id: registration.clientId,
        redirect_uris: registration.redirectUris,
        token_endpoint_auth_method: 'none',
        application_type: 'native',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        ...(registration.dpopRequired ? { dpop_bound_access_tokens: true } : {}),
      };
      await provider.Client.validate(metadata);
      pkceRequiredByClient.set(registration.clientId, registration.pkceRequired ?? true);
      store.putClient({ ...metadata, client_id: registration.clientId });
    },
    issuedTokens: () => store.issuedSecrets(),
    tokenRequestCount(grantType) {
      return requests.filter(
        (r) =>
          r.path === profile.routes.token &&
          r.method === 'POST' &&
          (grantType === undefined || r.grantType === grantType),
      ).length;
    },
    injectFault: (route, fault, options) => faults.inject(route, fault, options),
    clearFaults: () => faults.clear(),
    setLatency(ms) {
      settings.latencyMs = ms;
    },
    setAutoConsent(on) {
      settings.autoConsent = on;
    },
    setRotation(on) {
      settings.rotation = on;
    },
    isRotationEnabled: () => settings.rotation,
    setAccessTokenTtl(seconds) {
      settings.accessTokenTtl = seconds;
    },
    async validateAccessToken(token) {
      const accessToken = await provider.AccessToken.find(token);
      if (!accessToken || accessToken.isExpired) return undefined;
      return describeAccessToken(accessToken);
    },
    async validateBearer(header) {
      const match = /^(Bearer|DPoP) +(\S+)$/i.exec(header ?? '');
      if (!match?.[2]) return undefined;
      const accessToken = await provider.AccessToken.find(match[2]);
      if (!accessToken || accessToken.isExpired) return undefined;
      // A DPoP-bound token (RFC 9449 §7.1) must arrive with the DPoP scheme, never as a bearer token.
      const isDpopScheme = match[1]?.toLowerCase() === 'dpop';
      if (Boolean(accessToken.jkt) !== isDpopScheme) return undefined;
      return describeAccessToken(accessToken);
    },
    async revokeTokenFamily(token) {
      const found = (await provider.RefreshToken.find(token)) ?? (await provider.AccessToken.find(token));
      if (!found?.grantId) return false;
      await store.adapterFactory('Grant').revokeByGrantId(found.grantId);
      return true;
    },
    usernameOf,
  };

  const vendorMiddleware = profile.middleware?.(server, (ctx) => grantErrors.get(ctx));
  if (vendorMiddleware) provider.use(vendorMiddleware);
  const providerCallback = provider.callback();

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'server_error',
          error_description: `test server failure: ${(err as Error).message}`,
        }),
      );
    });
  });

  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    const faultRoute = faultRouteOf(path);
    const isApi = faultRoute === 'api';
    const form = isApi ? undefined : await readForm(req);
    requests.push({
      method: req.method ?? 'GET',
      path,
      query: requestUrl.search.replace(/^\?/, ''),
      headers: redactHeaders(req.headers),
      formFieldNames: form ? [...form.keys()] : [],
      grantType: path === profile.routes.token ? (form?.get('grant_type') ?? undefined) : undefined,
      at: Date.now(),
    });
    for (const where of findSecretsInUrl(requestUrl, store.isIssuedSecret))
      leaks.push({ path, where, at: Date.now() });

    if (settings.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, settings.latencyMs));

    const fault = faultRoute ? faults.take(faultRoute) : undefined;
    if (fault && applyFault(fault, req, res, hanging) === 'handled') return;

    if (await profile.handleRaw?.({ req, res, url: requestUrl, form }, server)) return;

    if (isApi) {
      const handled = opts.apiHandler ? await opts.apiHandler(req, res, server) : false;
      if (!handled)
        res
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'not_found' }));
      return;
    }

    if (path === profile.routes.authorization) rewriteAuthorizationQuery(req, requestUrl);
    // The provider's pages import remote web fonts; the tests run without a network.
    res.setHeader(
      'content-security-policy',
      "style-src 'self' 'unsafe-inline'; font-src 'self'; img-src 'self' data:",
    );
    providerCallback(req, res);
  }

  function faultRouteOf(path: string): FaultRoute | undefined {
    const { routes } = profile;
    if (path === routes.token) return 'token';
    if (path === routes.authorization) return 'authorize';
    if (routes.revocation !== undefined && path === routes.revocation) return 'revoke';
    if (path === routes.userinfo) return 'identity';
    const vendor = profile.faultRouteOf?.(path);
    if (vendor) return vendor;
    return isProviderPath(path) ? undefined : 'api';
  }

  function isProviderPath(path: string): boolean {
    const { routes } = profile;
    return (
      Object.values(routes).includes(path) ||
      path.startsWith(`${routes.authorization}/`) || // resume after the sign-in pages
      path.startsWith('/interaction/') ||
      path.startsWith('/.well-known/') ||
      path.startsWith('/session/end')
    );
  }

  /**
   * oidc-provider drops offline_access unless prompt=consent (OIDC Core §11). Salesforce and Okta
   * issue refresh tokens whenever the scope asks, so the request is adjusted before the provider sees it.
   */
  function rewriteAuthorizationQuery(req: IncomingMessage, requestUrl: URL): void {
    const scope = requestUrl.searchParams.get('scope');
    if (scope === null) return;
    const mapped = profile.mapRequestedScope(scope);
    requestUrl.searchParams.set('scope', mapped);
    if (mapped.split(' ').includes('offline_access')) {
      const prompts = new Set((requestUrl.searchParams.get('prompt') ?? '').split(' ').filter(Boolean));
      if (!prompts.has('none')) {
        prompts.add('consent');
        requestUrl.searchParams.set('prompt', [...prompts].join(' '));
      }
    }
    req.url = `${requestUrl.pathname}${requestUrl.search}`;
  }

  async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    // The stream is consumed; oidc-provider reads an already-parsed body from req.body instead.
    (req as IncomingMessage & { body?: string }).body = text;
    return new URLSearchParams(text);
  }

  function autoConsentMiddleware(): Middleware {
    return async (ctx, next) => {
      if (!settings.autoConsent || !ctx.path.startsWith('/interaction/') || ctx.method !== 'GET')
        return next();
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const clientId = String(details.params.client_id);
      const grant = new provider.Grant({ accountId: autoLogin, clientId });
      const scope = typeof details.params.scope === 'string' ? details.params.scope : '';
      if (scope) grant.addOIDCScope(scope);
      const grantId = await grant.save();
      const returnTo = await provider.interactionResult(ctx.req, ctx.res, {
        login: { accountId: autoLogin },
        consent: { grantId },
      });
      ctx.status = 303;
      ctx.redirect(returnTo);
    };
  }

  function buildConfiguration(): Configuration {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
    const routes: Record<string, string> = {
      authorization: profile.routes.authorization,
      token: profile.routes.token,
      userinfo: profile.routes.userinfo,
      jwks: profile.routes.jwks,
    };
    if (profile.routes.revocation) routes.revocation = profile.routes.revocation;
    return {
      adapter: store.adapterFactory,
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      routes,
      scopes: profile.scopes,
      claims: { openid: ['sub'], email: ['email'], profile: ['name', 'preferred_username'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({
          sub,
          email: usernameOf(sub),
          preferred_username: usernameOf(sub),
          name: displayNameOf(sub),
        }),
      }),
      features: {
        devInteractions: { enabled: true },
        revocation: { enabled: profile.routes.revocation !== undefined },
        userinfo: { enabled: true },
        dPoP: {
          enabled: true,
          nonceSecret: randomBytes(32),
          // RFC 9449 §8: clients that must use DPoP get a server nonce challenge on their first proof.
          requireNonce: (ctx) => ctx.oidc.client?.dpopBoundAccessTokens === true,
        },
      },
      pkce: {
        required: (_ctx, client) => pkceRequiredByClient.get(client.clientId) ?? true,
      },
      rotateRefreshToken: () => settings.rotation,
      issueRefreshToken: async (_ctx, client, code) =>
        client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
      ttl: {
        AccessToken: () => settings.accessTokenTtl,
        AuthorizationCode: 60,
        IdToken: 3600,
        RefreshToken: 30 * 24 * 3600,
        Interaction: 600,
        Session: 24 * 3600,
        Grant: 30 * 24 * 3600,
      },
      renderError: (ctx, out) =>
        profile.renderError(ctx, out as { error: string; error_description?: string }),
    };
  }
}

function describeAccessToken(token: {
  accountId: string;
  clientId?: string;
  scope?: string;
}): AccessTokenInfo {
  return { accountId: token.accountId, clientId: token.clientId ?? '', scope: token.scope ?? '' };
}

export function usernameOf(accountId: string): string {
  return accountId.includes('@') ? accountId : `${accountId}@acme.test`;
}

function displayNameOf(accountId: string): string {
  const local = usernameOf(accountId).split('@')[0] ?? accountId;
  return local.replace(/[._-]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}
