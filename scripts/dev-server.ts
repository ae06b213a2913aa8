/**
 * The trial server: a Salesforce-shaped org AND its Okta org on 127.0.0.1, answering the APIs
 * verification reads in a named situation, for trying PKCE Pilot by hand:
 *   npx tsx scripts/dev-server.ts [--situation done|step1-missing|…] [--port <n>] [--okta-port <n>] [--auto]
 * It prints the exact commands to paste (CLI) and the values to type (app). Ctrl+C stops it.
 */
import { parseCommandArgs } from '../main/cli/args';
import { isPilotError, PilotError } from '../main/core/errors';
import { didYouMean } from '../main/cli/suggest';
import { SITUATIONS, findSituation } from './trial/situations';
import { startTrialOrg, TRIAL_OKTA_CLIENT_ID, TRIAL_SALESFORCE_CLIENT_ID } from './trial/trial-org';

const USAGE =
  'npx tsx scripts/dev-server.ts [--situation <name>] [--port <n>] [--okta-port <n>] [--auto] [--help]';

function help(): string {
  return [
    `Usage: ${USAGE}`,
    '',
    'Starts a Salesforce-shaped org and an Okta-shaped org on 127.0.0.1 (with the Metadata API, SOQL',
    'OauthToken, Okta /api/v1/apps and /api/v1/logs) and prints the commands to try PKCE Pilot against them.',
    '',
    'Situations (--situation, default done):',
    ...SITUATIONS.map((s) => `  ${s.name.padEnd(15)} ${s.summary}`),
    '',
    'Options:',
    '  --port <n>       port of the Salesforce-shaped org (default: any free port)',
    '  --okta-port <n>  port of the Okta-shaped org (default: any free port)',
    '  --auto           sign in without the login and consent pages',
    '',
    "Any login and password are accepted. The trial apps accept the CLI's callback on any loopback",
    'port (`org add --port <n>`); real Salesforce and Okta require the exact port you registered.',
  ].join('\n');
}

function usageError(message: string): PilotError {
  return new PilotError('usage', message, `Usage: ${USAGE}`);
}

/** A port to listen on: 0 (any free port) to 65535; one message for every bad shape. */
function parseListenPort(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n > 65535)
    throw usageError(
      `${flag} "${value}" is not a usable port: give a whole number from 0 (any free port) to 65535.`,
    );
  return n;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      situation: { type: 'string' },
      port: { type: 'string' },
      'okta-port': { type: 'string' },
      auto: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (args.values.help === true) {
    console.log(help());
    return 0;
  }
  if (args.positionals.length > 0) throw usageError(`Unexpected argument "${args.positionals[0]}".`);
  const name = typeof args.values.situation === 'string' ? args.values.situation : 'done';
  const situation = findSituation(name);
  if (!situation) {
    const names = SITUATIONS.map((s) => s.name);
    throw usageError(
      `Unknown situation "${name}".${didYouMean(name, names)} Choose one of: ${names.join(', ')}.`,
    );
  }
  const trial = await startTrialOrg({
    situation,
    salesforcePort: parseListenPort(args.values.port as string | undefined, '--port'),
    oktaPort: parseListenPort(args.values['okta-port'] as string | undefined, '--okta-port'),
    autoConsent: args.values.auto === true,
  });
  const expectLine = Object.entries(situation.expect)
    .map(([id, outcome]) => `${id} ${outcome}`)
    .join(', ');
  console.log(
    [
      `PKCE Pilot trial server, situation "${situation.name}": ${situation.summary}`,
      `  Salesforce-shaped org  ${trial.salesforce.url}  (Consumer Key ${TRIAL_SALESFORCE_CLIENT_ID})`,
      `  Okta-shaped org        ${trial.okta.url}  (client id ${TRIAL_OKTA_CLIENT_ID})`,
      args.values.auto === true
        ? 'Sign-ins complete at once (--auto).'
        : 'Sign in with any login and password, then click Allow.',
      '',
      'Try the CLI: paste this line (a browser opens for each sign-in):',
      `  ${trial.cliCommand()}`,
      `  then: npx pkce-pilot report ${trial.alias} --format html --out ${trial.alias}.html`,
      `  (alias taken from an earlier run? npx pkce-pilot org remove ${trial.alias})`,
      '',
      'Try the app (npm start, or npm run preview without Electron): add an org with',
      `  Salesforce login URL ${trial.salesforce.url}, Consumer Key ${TRIAL_SALESFORCE_CLIENT_ID},`,
      `  Okta org URL ${trial.okta.url}, Okta client id ${TRIAL_OKTA_CLIENT_ID};`,
      '  sign in to Salesforce and Okta, run Verify, then export a report.',
      '',
      `verify should show: ${expectLine}.`,
      'Ctrl+C stops both servers.',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await trial.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const text = isPilotError(e) ? `${e.message} ${e.hint}` : e instanceof Error ? e.message : String(e);
    console.error(`Error: ${text}`);
    process.exit(isPilotError(e) && e.code === 'usage' ? 2 : 1);
  },
);
