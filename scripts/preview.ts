/**
 * `npm run preview`: the app's window in your browser, for contributors without an Electron binary.
 * Serves the built renderer (out/renderer; `npm run preview` builds it first) and the REAL core — data
 * folder (PKCE_PILOT_HOME or the app's own), keychain, sign-in, verification, reports — through the web
 * bridge, on 127.0.0.1 at a random port behind a random one-time token, with a Host check. It is not
 * the product: the desktop app (`npm start`) has the hardening a browser tab cannot have.
 *   npx tsx scripts/preview.ts [--no-open]
 * stdout carries one line, the URL to open (for scripts and headless machines); the rest goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import { parseCommandArgs } from '../main/cli/args';
import { openInSystemBrowser } from '../main/cli/open-browser';
import { isPilotError, toPilotError } from '../main/core/errors';
import { ensureDataFolder, resolveDataFolder } from '../main/core/storage/data-folder';
import { startBridgeServer } from '../main/dev/web-bridge';
import pkg from '../package.json';

const USAGE = 'npm run preview [-- --no-open]';

async function main(argv: string[]): Promise<number> {
  const args = parseCommandArgs(
    argv,
    { 'no-open': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (args.values.help === true) {
    console.log(
      `Usage: ${USAGE}\n\nServes the app's window and the real core on 127.0.0.1 for contributors (not the product).`,
    );
    return 0;
  }
  const home = resolveDataFolder({ env: process.env });
  await ensureDataFolder(home);
  const server = await startBridgeServer({
    home,
    env: process.env,
    appVersion: `${pkg.version}-preview`,
    accessToken: randomBytes(24).toString('base64url'),
    openBrowser: openInSystemBrowser,
    openExternal: openInSystemBrowser,
  });
  process.stderr.write(
    [
      "PKCE Pilot contributor preview: the app's window in a browser tab, backed by the real core.",
      'Not the product: use the desktop app (npm start) for real work. Anyone who can open the link below',
      'can use your orgs and keychain items while the preview runs, and the link works once.',
      `Data folder: ${home}`,
      'Open:',
      '',
    ].join('\n'),
  );
  process.stdout.write(`${server.url}\n`);
  if (args.values['no-open'] !== true) {
    await openInSystemBrowser(server.url).catch(() =>
      process.stderr.write('Could not open a browser: open the URL above yourself.\n'),
    );
  }
  process.stderr.write('Ctrl+C stops the preview.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = toPilotError(e);
    process.stderr.write(`Error: ${err.message} ${err.hint}\n`);
    process.exit(isPilotError(e) && e.code === 'usage' ? 2 : 1);
  },
);
