import type { CliCommand } from '../command';
import { flag, optionalString, rejectExtraPositionals, requirePositional } from '../args';
import { PilotError } from '../../core/errors';
import type { ProviderId, SignInStatus } from '../../core/model';
import { loadServices, loadSignInStatus } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json } from '../format';

function providerOf(okta: boolean): ProviderId {
  return okta ? 'okta' : 'salesforce';
}

function describe(status: SignInStatus): string {
  const who = status.username ?? status.userId ?? 'unknown user';
  const org = status.orgId ? ` (org ${status.orgId})` : '';
  return `${who}${org}`;
}

const LOGIN_USAGE = 'pkce-pilot login <alias> [--okta] [--no-open] [--prompt login|consent]';
export const login: CliCommand = {
  path: ['login'],
  usage: LOGIN_USAGE,
  summary: 'Sign in with PKCE in the system browser and keep the tokens in the OS keychain.',
  details: [
    'The CLI receives the redirect on the loopback callback http://127.0.0.1:<port>/oauth/callback',
    '(port from `org add --port`, default 7171); register that URL on the client app.',
    '--no-open prints the authorization URL alone on one line of stdout instead of opening a browser.',
    "--okta signs in to the org's Okta admin org (for the Okta checks) instead of Salesforce.",
  ].join('\n'),
  options: { okta: { type: 'boolean' }, 'no-open': { type: 'boolean' }, prompt: { type: 'string' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', LOGIN_USAGE);
    rejectExtraPositionals(args, 1, LOGIN_USAGE);
    const prompt = optionalString(args, 'prompt');
    if (prompt !== undefined && prompt !== 'login' && prompt !== 'consent') {
      throw new PilotError(
        'usage',
        `Unknown --prompt value "${prompt}".`,
        'Use --prompt login or --prompt consent.',
      );
    }
    const noOpen = flag(args, 'no-open');
    const provider = providerOf(flag(args, 'okta'));
    const { signIn } = await loadServices(io, openInSystemBrowser);
    const started = await signIn.start(alias, provider, {
      openBrowser: !noOpen,
      redirect: 'loopback',
      ...(prompt ? { prompt } : {}),
    });
    if (noOpen) io.out(started.authorizationUrl);
    else
      io.err(
        'Opened the system browser. Sign in and click Allow; waiting for the redirect… (Ctrl+C to cancel)',
      );
    const cancel = () => void signIn.cancel(alias, provider);
    process.once('SIGINT', cancel);
    try {
      const status = await started.done;
      (noOpen ? io.err : io.out)(`Signed in to ${alias} (${provider}) as ${describe(status)}.`);
      return 0;
    } finally {
      process.removeListener('SIGINT', cancel);
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
          ? `${alias} (${s.provider}): signed in as ${describe(s)} since ${s.since ?? 'unknown'}`
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
  summary: 'Revoke the refresh token at the server and delete the keychain item.',
  options: { okta: { type: 'boolean' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', LOGOUT_USAGE);
    rejectExtraPositionals(args, 1, LOGOUT_USAGE);
    const provider = providerOf(flag(args, 'okta'));
    const { signIn } = await loadServices(io, openInSystemBrowser);
    const result = await signIn.signOut(alias, provider);
    if (result.revokeError) io.err(`Warning: ${result.revokeError.toDisplayString()}`);
    io.out(`Signed out of ${alias} (${provider}); the keychain item is deleted.`);
    return 0;
  },
};
