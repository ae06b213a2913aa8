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

/** The whole core (sign-in, tokens, verification, reports) over Node's fetch with the proxy env. */
export async function loadServices(io: CliIo, openBrowser: (url: string) => Promise<void>) {
  const [{ resolveDataFolder }, { createHttpClient }, { createCoreServices }] = await Promise.all([
    import('../core/storage/data-folder'),
    import('../core/http'),
    import('../core/services'),
  ]);
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
