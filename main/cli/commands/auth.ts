import type { CliCommand } from '../command';
import { flag, optionalString, rejectExtraPositionals, requirePositional } from '../args';
import { PilotError } from '../../core/errors';
import type { ProviderId, SignInStatus } from '../../core/model';
import { loadServices, loadSignInStatus } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json, plain } from '../format';

function providerOf(okta: boolean): ProviderId {
  return okta ? 'okta' : 'salesforce';
}

function describe(status: SignInStatus): string {
  const who = plain(status.username ?? status.userId ?? 'unknown user');
  const org = status.orgId ? ` (org ${plain(status.orgId)})` : '';
  return `${who}${org}`;
}

const LOGIN_USAGE = 'pkce-pilot login <alias> [--okta] [--no-open] [--prompt login|consent]';
export const login: CliCommand = {
  path: ['login'],
  usage: LOGIN_USAGE,
  summary: 'Sign in with PKCE in the system browser and keep the tokens in the OS keychain.',
  details: [
    "The CLI receives the redirect on the org's own loopback callback",
    'http://127.0.0.1:<port>/oauth/callback/<alias>/<salesforce|okta> (port from `org add --port`,',
    'default 7171); `org list --json` shows the exact URLs to register on the client app.',
    'The browser is opened on a one-time local link that carries no secret; when no browser can be',
    'opened the full sign-in URL is printed on stderr instead.',
    '--no-open prints the authorization URL alone on one line of stdout instead of opening a browser.',
    "--okta signs in to the org's Okta admin org (for the Okta checks) instead of Salesforce.",
    'Ctrl+C or SIGTERM cancels the sign-in.',
  ].join('\n'),
  options: { okta: { type: 'boolean' }, 'no-open': { type: 'boolean' }, prompt: { type: 'string' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', LOGIN_USAGE);
    rejectExtraPositionals(args, 1, LOGIN_USAGE);
    const prompt = optionalString(args, 'prompt');
    if (prompt !== undefined && prompt !== 'login' && prompt !== 'consent') {
      throw new PilotError(
        'usage',
        `Unknown --prompt value "${plain(prompt)}".`,
        'Use --prompt login or --prompt consent.',
      );
    }
    const noOpen = flag(args, 'no-open');
    const provider = providerOf(flag(args, 'okta'));
    const { signIn } = await loadServices(io, (url) => openInSystemBrowser(url, process.platform, io.env));
    // Listen before the browser round trip starts, so an early Ctrl+C / SIGTERM is never lost.
    const cancel = () => void signIn.cancel(alias, provider);
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    try {
      const started = await signIn.start(alias, provider, {
        openBrowser: !noOpen,
        redirect: 'loopback',
        onOpenFailure: 'report',
        ...(prompt ? { prompt } : {}),
      });
      if (noOpen) io.out(started.authorizationUrl);
      else if (started.openError) {
        // The admin's own terminal: the full URL (with state) is fine here, unlike another process's argv.
        io.err(`${started.openError.message} Open this URL in a browser on this computer:`);
        io.err(started.authorizationUrl);
      }
      io.err(`Callback URL for this sign-in (must be registered on the app): ${started.redirectUri}`);
      io.err('Waiting for the browser… (Ctrl+C to cancel)');
      const status = await started.done;
      (noOpen ? io.err : io.out)(`Signed in to ${alias} (${provider}) as ${describe(status)}.`);
      return 0;
    } finally {
      process.removeListener('SIGINT', cancel);
      process.removeListener('SIGTERM', cancel);
    }
  },
};

const STATUS_USAGE = 'pkce-pilot status <alias> [--json]';
export const status: CliCommand = {
  path: ['status'],
  usage: STATUS_USAGE,
  summary: 'Show whether PKCE Pilot holds a sign-in for the org, as whom and since when.',
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', STATUS_USAGE);
    rejectExtraPositionals(args, 1, STATUS_USAGE);
    const signIn = await loadSignInStatus(io);
    const org = await signIn.orgs.get(alias);
    const providers: ProviderId[] = org.okta ? ['salesforce', 'okta'] : ['salesforce'];
    const statuses = await Promise.all(providers.map((p) => signIn.status(alias, p)));
    if (flag(args, 'json')) {
      io.out(json(statuses));
      return 0;
    }
    for (const s of statuses) {
      io.out(
        s.signedIn
          ? `${alias} (${s.provider}): signed in as ${describe(s)} since ${plain(s.since ?? 'unknown')}`
          : `${alias} (${s.provider}): not signed in — run: pkce-pilot login ${alias}${s.provider === 'okta' ? ' --okta' : ''}`,
      );
    }
    return 0;
  },
};

const LOGOUT_USAGE = 'pkce-pilot logout <alias> [--okta]';
export const logout: CliCommand = {
  path: ['logout'],
  usage: LOGOUT_USAGE,
  summary: 'Revoke the refresh token at the server that issued it and delete the keychain item.',
  options: { okta: { type: 'boolean' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', LOGOUT_USAGE);
    rejectExtraPositionals(args, 1, LOGOUT_USAGE);
    const provider = providerOf(flag(args, 'okta'));
    const { signIn, orgs } = await loadServices(io, openInSystemBrowser);
    await orgs.get(alias); // an unknown (mistyped) alias is an error, never a claimed sign-out
    const result = await signIn.signOut(alias, provider);
    if (!result.wasSignedIn) {
      io.out(`${alias} (${provider}) was not signed in; nothing to sign out.`);
      return 0;
    }
    if (result.revokeError) {
      io.err(`Warning: ${plain(result.revokeError.toDisplayString())}`);
      io.out(
        `Deleted the keychain item for ${alias} (${provider}); the server did not confirm the revocation.`,
      );
    } else {
      io.out(`Signed out of ${alias} (${provider}): revoked at the server and deleted from the keychain.`);
    }
    return 0;
  },
};
