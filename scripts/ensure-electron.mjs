// `npm start` / `npm run dev` run this first: is the Electron binary there? Electron ≥ 42 no longer
// downloads it at `npm install`; its package fetches it on first use (or through `install-electron`),
// and when that download fails, Electron's own loader prints two stack traces and nothing useful.
// Here: try the one-time download once, quietly; if the binary is still missing, say in plain words
// what happened, how to fix it, and that the CLI works without it. Exit 0 when Electron is ready.
//
// Reads nothing outside the repository; never requires the `electron` package itself (that require
// is what starts the noisy download).
//
// --quiet: no explanation, only the exit code (scripts/test.sh decides whether the Electron
// Playwright project can run and prints its own one line).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Same platform → executable mapping as the electron package's install.js. */
function platformExecutable() {
  switch (process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || process.platform) {
    case 'darwin':
    case 'mas':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
}

/** Where the electron package would start the binary from; `missing` says why it cannot. */
function locateElectron() {
  let packageDir;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : platformExecutable();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, relative) : path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? { packageDir, binary } : { packageDir, missing: binary };
}

/** Runs the package's installer (what `npx install-electron` runs); its output is kept, not shown. */
const quiet = process.argv.includes('--quiet');

function download(packageDir) {
  if (!quiet) console.log('Electron is not downloaded yet; fetching it once (about 100 MB)…');
  const result = spawnSync(process.execPath, [path.join(packageDir, 'install.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The installer prints a stack; its first line is the reason in a few words.
  const firstLine = `${result.stderr ?? ''}${result.error ? String(result.error) : ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return { ok: result.status === 0, reason: firstLine };
}

function explain(reason) {
  if (quiet) return;
  const lines = [
    '',
    'PKCE Pilot: the desktop app cannot start, because the Electron program is not on this computer.',
    `The one-time Electron download ${reason ? `failed (${reason})` : 'failed or was skipped'}.`,
    '',
    'To fix it:',
    '  • Check the network. Behind a proxy: ELECTRON_GET_USE_PROXY=true HTTPS_PROXY=http://proxy:port',
    "    (Electron's downloader uses the proxy variables only with ELECTRON_GET_USE_PROXY set).",
    '  • Or download from a mirror your network allows: ELECTRON_MIRROR=<mirror URL> npx install-electron',
    '  • Then run `npx install-electron` again (Electron 42 and later download only this way),',
    '    or reinstall the package: rm -rf node_modules/electron && npm install && npx install-electron',
    '',
    'The command-line tool does not need Electron and works now: npx pkce-pilot --help',
    '',
  ];
  console.error(lines.join('\n'));
}

function main() {
  const found = locateElectron();
  if (found.binary) return 0;
  if (!found.packageDir) {
    explain(found.missing);
    return 1;
  }
  const attempt = download(found.packageDir);
  if (attempt.ok && locateElectron().binary) {
    if (!quiet) console.log('Electron is ready.');
    return 0;
  }
  explain(attempt.reason);
  return 1;
}

process.exit(main());
