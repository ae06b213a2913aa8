/** signIn.start / cancel / signOut / status: the PKCE sign-in, as the window sees it (never a token). */
import type { AppEvent, SignInPhase } from '../../../preload/contract';
import { PilotError } from '../errors';
import type { ProviderId } from '../model';
import { parse, type ApiContext, type HandlersOf } from './context';

/** SignInService's onEvent → the IPC event (copying only declared, secret-free fields). */
export function signInEventToAppEvent(e: {
  alias: string;
  provider: ProviderId;
  phase: SignInPhase;
  message?: string;
}): AppEvent {
  return {
    type: 'sign-in',
    alias: e.alias,
    provider: e.provider,
    phase: e.phase,
    ...(e.message ? { message: e.message.slice(0, 1000) } : {}),
  };
}

export function signInHandlers(
  ctx: ApiContext,
): HandlersOf<'signIn.start' | 'signIn.cancel' | 'signIn.signOut' | 'signIn.status'> {
  const { deps } = ctx;
  return {
    async 'signIn.start'(raw) {
      const { alias, provider } = parse('signIn.start', raw);
      const org = await deps.orgs.get(alias);
      if (provider === 'okta' && !org.okta) {
        throw new PilotError(
          'invalid-input',
          'This org has no Okta settings.',
          'Edit the org and add the Okta org URL and client id first.',
        );
      }
      const { done } = await deps.signIn.start(alias, provider);
      // The outcome reaches the window through the service's events; nobody awaits `done` here.
      done.catch(() => undefined);
      return { alias, provider, phase: 'waiting-for-browser' as const };
    },

    async 'signIn.cancel'(raw) {
      const { alias, provider } = parse('signIn.cancel', raw);
      return { cancelled: deps.signIn.cancel(alias, provider) };
    },

    async 'signIn.signOut'(raw) {
      const { alias, provider } = parse('signIn.signOut', raw);
      await deps.orgs.get(alias);
      await deps.signIn.signOut(alias, provider);
      return { signedOut: true };
    },

    async 'signIn.status'(raw) {
      const { alias } = parse('signIn.status', raw);
      const org = await deps.orgs.get(alias);
      const providers: ProviderId[] = org.okta ? ['salesforce', 'okta'] : ['salesforce'];
      const statuses = await Promise.all(providers.map((p) => deps.signIn.status(alias, p)));
      // Copy only display fields: whatever else the engine returns stays in main.
      return {
        statuses: statuses.map((s) => ({
          alias: s.alias,
          provider: s.provider,
          signedIn: s.signedIn,
          ...(s.username ? { username: s.username } : {}),
          ...(s.userId ? { userId: s.userId } : {}),
          ...(s.orgId ? { orgId: s.orgId } : {}),
          ...(s.instanceUrl ? { instanceUrl: s.instanceUrl } : {}),
          ...(s.since ? { since: s.since } : {}),
        })),
      };
    },
  };
}
