import type { CliCommand } from '../command';
import { flag, optionalString, rejectExtraPositionals, requirePositional } from '../args';
import { PilotError } from '../../core/errors';
import { loadServices, loadStores } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json, plain, table } from '../format';
import type { CliIo } from '../io';
import type { OrgSettings } from '../../core/model';

const ADD_USAGE =
  'pkce-pilot org add <alias> --login-url <url|production|sandbox> --client-id <key> [--redirect loopback|scheme] [--port <n>] [--okta-url <url> --okta-client-id <id>] [--allow-unknown-host]';

/** The options `org add` and `org update` share: every setting of an org. */
const ORG_SETTING_OPTIONS = {
  'login-url': { type: 'string' },
  'client-id': { type: 'string' },
  redirect: { type: 'string' },
  port: { type: 'string' },
  'okta-url': { type: 'string' },
  'okta-client-id': { type: 'string' },
  'allow-unknown-host': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/**
 * A login URL off the known Salesforce domains may be a hostile server posing as one (mix-up attack):
 * say so, and go on only when the admin confirmed with --allow-unknown-host.
 */
async function confirmLoginHost(baseUrl: string, allowed: boolean, io: CliIo, usage: string): Promise<void> {
  const { unknownSalesforceHostWarning } = await import('../../core/auth/login-url');
  const warning = unknownSalesforceHostWarning(baseUrl);
  if (!warning) return;
  if (!allowed) {
    throw new PilotError(
      'invalid-input',
      plain(warning),
      `If it is, run the command again with --allow-unknown-host. Usage: ${usage}`,
    );
  }
  io.err(`Warning: ${plain(warning)}`);
}

/** The exact callback URLs to register, per provider: each org has its own (mix-up defence). */
async function printCallbackUrls(org: OrgSettings, io: CliIo): Promise<void> {
  const { callbackUrlsByProvider } = await import('../../core/org-input');
  const urls = callbackUrlsByProvider(org);
  io.out(`Register exactly these callback URLs for "${org.alias}" (each org has its own):`);
  io.out("  on the Salesforce External Client App's callback URLs:");
  for (const url of urls.salesforce) io.out(`    ${url}`);
  if (urls.okta) {
    io.out("  on the Okta app's sign-in redirect URIs:");
    for (const url of urls.okta) io.out(`    ${url}`);
  }
  io.out('Older versions used one shared URL (…/oauth/callback) for every org: replace it with these.');
}

export const orgAdd: CliCommand = {
  path: ['org', 'add'],
  usage: ADD_USAGE,
  summary: 'Add an org: its Salesforce login host and PKCE Pilot client (and optionally its Okta org).',
  details: [
    'Examples:',
    '  pkce-pilot org add acme --login-url https://acme.my.salesforce.com --client-id 3MVG9...',
    '  pkce-pilot org add acme-uat --login-url sandbox --client-id 3MVG9... --port 7172',
    '  pkce-pilot org add acme --login-url production --client-id 3MVG9... \\',
    '      --okta-url https://acme.okta.com --okta-client-id 0oa1b2c3...',
    '',
    "The org's own callback URLs to register on the External Client App (and the Okta app) are printed",
    'after the org is added; `org list --json` lists them too (callbackUrls).',
    'A login URL outside the known Salesforce domains is refused unless --allow-unknown-host is given.',
  ].join('\n'),
  options: ORG_SETTING_OPTIONS,
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', ADD_USAGE);
    rejectExtraPositionals(args, 1, ADD_USAGE);
    const loginUrl = optionalString(args, 'login-url');
    const clientId = optionalString(args, 'client-id');
    if (!loginUrl) throw new PilotError('usage', 'Missing --login-url.', `Usage: ${ADD_USAGE}`);
    if (!clientId) throw new PilotError('usage', 'Missing --client-id.', `Usage: ${ADD_USAGE}`);
    const oktaUrl = optionalString(args, 'okta-url');
    const oktaClientId = optionalString(args, 'okta-client-id');
    if (Boolean(oktaUrl) !== Boolean(oktaClientId)) {
      throw new PilotError('usage', '--okta-url and --okta-client-id go together.', `Usage: ${ADD_USAGE}`);
    }
    const { buildOrgSettings } = await import('../../core/org-input');
    const settings = buildOrgSettings({
      alias,
      salesforceLoginUrl: loginUrl,
      clientId,
      redirect: optionalString(args, 'redirect'),
      port: optionalString(args, 'port'),
      oktaOrgUrl: oktaUrl,
      oktaClientId,
    });
    await confirmLoginHost(settings.salesforce.baseUrl, flag(args, 'allow-unknown-host'), io, ADD_USAGE);
    const { orgs } = await loadStores(io);
    const saved = await orgs.add(settings);
    const { callbackUrlsByProvider } = await import('../../core/org-input');
    if (flag(args, 'json')) {
      io.out(json({ org: saved, callbackUrls: callbackUrlsByProvider(saved) }));
      return 0;
    }
    io.out(`Added org "${saved.alias}" (${saved.salesforce.baseUrl}).`);
    await printCallbackUrls(saved, io);
    return 0;
  },
};

const LIST_USAGE = 'pkce-pilot org list [--json]';
export const orgList: CliCommand = {
  path: ['org', 'list'],
  usage: LIST_USAGE,
  summary: 'List the configured orgs.',
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    rejectExtraPositionals(args, 0, LIST_USAGE);
    const { orgs } = await loadStores(io);
    const list = await orgs.list();
    if (flag(args, 'json')) {
      const { callbackUrlsByProvider } = await import('../../core/org-input');
      io.out(json(list.map((o) => ({ ...o, callbackUrls: callbackUrlsByProvider(o) }))));
      return 0;
    }
    if (list.length === 0) {
      io.out('No orgs yet. Add one with: pkce-pilot org add <alias> --login-url <url> --client-id <key>');
      return 0;
    }
    const rows = [['ALIAS', 'SALESFORCE', 'REDIRECT', 'OKTA']];
    for (const o of list) {
      const redirect = o.salesforce.redirect === 'loopback' ? `loopback:${o.salesforce.port}` : 'scheme';
      rows.push([o.alias, o.salesforce.baseUrl, redirect, o.okta?.baseUrl ?? '-']);
    }
    for (const line of table(rows)) io.out(line);
    return 0;
  },
};

const REMOVE_USAGE = 'pkce-pilot org remove <alias>';
export const orgRemove: CliCommand = {
  path: ['org', 'remove'],
  usage: REMOVE_USAGE,
  summary: 'Remove an org, its checklist progress and its keychain items.',
  options: {},
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', REMOVE_USAGE);
    rejectExtraPositionals(args, 1, REMOVE_USAGE);
    const services = await loadServices(io, openInSystemBrowser);
    await services.removeOrg(alias);
    io.out(`Removed org "${alias}" and its keychain items.`);
    return 0;
  },
};

const UPDATE_USAGE =
  'pkce-pilot org update <alias> [--login-url <url|production|sandbox>] [--client-id <key>] [--redirect loopback|scheme] [--port <n>] [--okta-url <url> --okta-client-id <id>] [--no-okta] [--allow-unknown-host] [--json]';

export const orgUpdate: CliCommand = {
  path: ['org', 'update'],
  usage: UPDATE_USAGE,
  summary: "Change an org's settings; its checklist progress and notes are kept.",
  details: [
    'Takes the same options as `org add`; what you leave out stays as it is. --no-okta removes the Okta org.',
    'While PKCE Pilot is signed in to a provider, its login URL (Okta org URL) and client id cannot change:',
    'the saved tokens belong to the server that issued them. Sign out first with `pkce-pilot logout <alias>`',
    '(add --okta for Okta): that revokes them there. Redirect and port can change at any time; the new',
    'callback URLs are printed.',
    'Examples:',
    '  pkce-pilot org update acme --port 7172',
    '  pkce-pilot logout acme && pkce-pilot org update acme --login-url https://acme.my.salesforce.com',
  ].join('\n'),
  options: { ...ORG_SETTING_OPTIONS, 'no-okta': { type: 'boolean' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', UPDATE_USAGE);
    rejectExtraPositionals(args, 1, UPDATE_USAGE);
    const oktaUrl = optionalString(args, 'okta-url');
    const oktaClientId = optionalString(args, 'okta-client-id');
    const noOkta = flag(args, 'no-okta');
    if (noOkta && (oktaUrl || oktaClientId)) {
      throw new PilotError(
        'usage',
        '--no-okta cannot go with --okta-url or --okta-client-id.',
        `Usage: ${UPDATE_USAGE}`,
      );
    }
    const services = await loadServices(io, openInSystemBrowser);
    const current = await services.orgs.get(alias);
    if (!current.okta && Boolean(oktaUrl) !== Boolean(oktaClientId)) {
      throw new PilotError(
        'usage',
        '--okta-url and --okta-client-id go together when adding Okta.',
        `Usage: ${UPDATE_USAGE}`,
      );
    }
    const { buildOrgSettings } = await import('../../core/org-input');
    const next = buildOrgSettings({
      alias: current.alias,
      salesforceLoginUrl: optionalString(args, 'login-url') ?? current.salesforce.baseUrl,
      clientId: optionalString(args, 'client-id') ?? current.salesforce.clientId,
      redirect: optionalString(args, 'redirect') ?? current.salesforce.redirect,
      port: optionalString(args, 'port') ?? current.salesforce.port,
      oktaOrgUrl: noOkta ? undefined : (oktaUrl ?? current.okta?.baseUrl),
      oktaClientId: noOkta ? undefined : (oktaClientId ?? current.okta?.clientId),
    });
    if (next.salesforce.baseUrl !== current.salesforce.baseUrl) {
      await confirmLoginHost(next.salesforce.baseUrl, flag(args, 'allow-unknown-host'), io, UPDATE_USAGE);
    }
    const saved = await services.updateOrg(current.alias, next);
    const { callbackUrlsByProvider } = await import('../../core/org-input');
    if (flag(args, 'json')) {
      io.out(json({ org: saved, callbackUrls: callbackUrlsByProvider(saved) }));
      return 0;
    }
    io.out(
      `Updated org "${saved.alias}" (${saved.salesforce.baseUrl}); checklist progress and notes are kept.`,
    );
    await printCallbackUrls(saved, io);
    return 0;
  },
};
