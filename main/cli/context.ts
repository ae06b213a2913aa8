import type { CliIo } from './io';

/**
 * The core services a command needs, built on first use: `--help` and `checklist` must start fast,
 * so nothing heavy (keytar, undici, oauth4webapi) is loaded until a command asks for it.
 */
export async function loadCoreServices(io: CliIo) {
  const [{ resolveDataFolder, ensureDataFolder }, { OrgStore }, { ProgressStore }] = await Promise.all([
    import('../core/data-folder'),
    import('../core/org-store'),
    import('../core/progress-store'),
  ]);
  const dataFolder = resolveDataFolder({ env: io.env });
  await ensureDataFolder(dataFolder);
  return { dataFolder, orgs: new OrgStore(dataFolder), progress: new ProgressStore(dataFolder) };
}

export async function loadAuthServices(io: CliIo, openBrowser: (url: string) => Promise<void>) {
  const core = await loadCoreServices(io);
  const [{ SecretStore }, { createHttpClient }, { SignInService }, { TokenService }, tokenClient, providers] =
    await Promise.all([
      import('../core/secret-store'),
      import('../core/http'),
      import('../core/sign-in'),
      import('../core/token-service'),
      import('../core/token-client'),
      import('../core/providers'),
    ]);
  const secrets = new SecretStore();
  const http = createHttpClient({ env: io.env });
  const signIn = new SignInService({ orgs: core.orgs, secrets, http, openBrowser });
  const tokens = new TokenService({
    secretStore: secrets,
    refresh: async (alias, provider, current) => {
      const org = await core.orgs.get(alias);
      const settings = provider === 'okta' ? org.okta : org.salesforce;
      if (!settings) throw new Error(`no ${provider} settings`);
      return tokenClient.refreshTokens({
        http,
        endpoints: providers.endpointsFor(provider, settings.baseUrl),
        clientId: settings.clientId,
        tokens: current,
      });
    },
  });
  return { ...core, secrets, http, signIn, tokens };
}
