import type { ProviderId } from '../core/model';
import type { CliIo } from './io';

/**
 * Services a command needs, loaded on first use: `--help` and `checklist` must start fast, so nothing
 * heavy (keytar, undici, oauth4webapi, jsforce) is loaded until a command asks for it.
 */
export async function loadStores(io: CliIo) {
  const [{ resolveDataFolder, ensureDataFolder }, { OrgStore }, { ProgressStore }] = await Promise.all([
    import('../core/storage/data-folder'),
    import('../core/storage/org-store'),
    import('../core/storage/progress-store'),
  ]);
  const dataFolder = resolveDataFolder({ env: io.env });
  await ensureDataFolder(dataFolder, { onNotice: (m) => io.err(`Note: ${m}`) });
  const recovered = reportRecovery(io);
  return {
    dataFolder,
    orgs: new OrgStore(dataFolder, { onRecovered: recovered }),
    progress: new ProgressStore(dataFolder, { onRecovered: recovered }),
  };
}

/**
 * The stores plus read-only sign-in status from the keychain, for `status`: the same answer as
 * SignInService.status, without loading the sign-in engine, verification and reports (cold start).
 */
export async function loadSignInStatus(io: CliIo) {
  const [stores, { secretStoreIn }, { statusFrom }] = await Promise.all([
    loadStores(io),
    import('../core/storage/secret-store'),
    import('../core/auth/sign-in-status'),
  ]);
  const secrets = secretStoreIn(stores.dataFolder);
  return {
    orgs: stores.orgs,
    status: async (alias: string, provider: ProviderId) =>
      statusFrom(alias, provider, await secrets.get(alias, provider)),
  };
}

/** The whole core (sign-in, tokens, verification, reports) over node:http, or the proxy from the env. */
export async function loadServices(io: CliIo, openBrowser: (url: string) => Promise<void>) {
  const [{ resolveDataFolder }, { createHttpClient }, { createCoreServices }, v8] = await Promise.all([
    import('../core/storage/data-folder'),
    import('../core/http'),
    import('../core/services'),
    import('node:v8'),
  ]);
  // undici's fetch (used when a proxy is configured; without one, requests go over node:http) parses
  // HTTP with llhttp compiled to WebAssembly. After the first request V8 optimises that module on a
  // background thread, and a process cannot end (not even through process.exit) before the job is done:
  // measured here it kept a finished sign-in alive 70–500 ms after printing its result. A command sends a
  // handful of requests, for which the baseline compiler is plenty, so the optimising tier is off before
  // anything is fetched. (Loaded here, not at start-up: node:v8 costs cold starts.)
  v8.setFlagsFromString('--liftoff-only');
  return createCoreServices({
    dataFolder: resolveDataFolder({ env: io.env }),
    http: createHttpClient({ env: io.env }),
    openBrowser,
    onRecovered: reportRecovery(io),
    onNotice: (m) => io.err(`Note: ${m}`),
  });
}

/** A data file that could not be read was kept aside: say so on stderr, never reset silently. */
function reportRecovery(io: CliIo) {
  return (r: { reason: string; keptAt: string }) =>
    io.err(`Warning: ${r.reason} The unreadable file was kept at ${r.keptAt}.`);
}
