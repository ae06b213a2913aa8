/**
 * A local Salesforce-shaped OAuth server (the one the tests use) for trying PKCE Pilot by hand:
 *   npx tsx scripts/dev-server.ts [--port 8443] [--auto]
 * It registers the client id `pkce-pilot-local` with PKCE Pilot's callback URLs and prints the
 * `org add` command to run. Any login and password are accepted; --auto skips the pages.
 */
import { parseArgs } from 'node:util';
import { startSalesforceServer } from '../test/servers/salesforce-server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, auto: { type: 'boolean' } } });
  const server = await startSalesforceServer({
    ...(values.port ? { port: Number(values.port) } : {}),
    autoConsent: values.auto === true,
  });
  await server.registerClient({
    clientId: 'pkce-pilot-local',
    redirectUris: [
      // The callback URLs of the org `local` (each org has its own): what `org add local` prints.
      'com.pkcepilot.app:/oauth/callback/local/salesforce',
      'com.pkcepilot.app.dev:/oauth/callback/local/salesforce',
      'http://127.0.0.1:7171/oauth/callback/local/salesforce',
    ],
    pkceRequired: true,
  });
  console.log(`Salesforce-shaped server on ${server.url} (Ctrl+C to stop)`);
  console.log(`  npx pkce-pilot org add local --login-url ${server.url} --client-id pkce-pilot-local`);
  console.log('  npx pkce-pilot login local');
  process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
}

void main();
