import type { CliCommand } from '../command';
import { flag, optionalString, rejectExtraPositionals, requirePositional } from '../args';
import { PilotError } from '../../core/errors';
import { loadServices, loadStores } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json, table } from '../format';

const ADD_USAGE =
  'pkce-pilot org add <alias> --login-url <url|production|sandbox> --client-id <key> [--redirect loopback|scheme] [--port <n>] [--okta-url <url> --okta-client-id <id>]';

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
    'The callback URL to register on the External Client App is printed after the org is added.',
  ].join('\n'),
  options: {
    'login-url': { type: 'string' },
    'client-id': { type: 'string' },
    redirect: { type: 'string' },
    port: { type: 'string' },
    'okta-url': { type: 'string' },
    'okta-client-id': { type: 'string' },
    json: { type: 'boolean' },
  },
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
    const { orgs } = await loadStores(io);
    const saved = await orgs.add(settings);
    const { callbackUrlsFor } = await import('../../core/org-input');
    if (flag(args, 'json')) {
      io.out(json({ org: saved, callbackUrls: callbackUrlsFor(saved) }));
      return 0;
    }
    io.out(`Added org "${saved.alias}" (${saved.salesforce.baseUrl}).`);
    io.out("Register these callback URLs on PKCE Pilot's External Client App (and Okta app, if used):");
    for (const url of callbackUrlsFor(saved)) io.out(`  ${url}`);
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
      io.out(json(list));
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
