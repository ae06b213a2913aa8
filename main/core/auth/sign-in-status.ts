/**
 * What a stored sign-in says about itself (who, since when), without any secret. Its own module, free of
 * the sign-in engine's imports, so `pkce-pilot status` starts without loading the engine.
 */
import type { ProviderId, SignInStatus, TokenSet } from '../model';

export function statusFrom(alias: string, provider: ProviderId, tokens: TokenSet | undefined): SignInStatus {
  if (!tokens) return { alias, provider, signedIn: false };
  return {
    alias,
    provider,
    signedIn: true,
    ...(tokens.username ? { username: tokens.username } : {}),
    ...(tokens.userId ? { userId: tokens.userId } : {}),
    ...(tokens.orgId ? { orgId: tokens.orgId } : {}),
    instanceUrl: tokens.instanceUrl,
    since: new Date(tokens.issuedAt).toISOString(),
  };
}
