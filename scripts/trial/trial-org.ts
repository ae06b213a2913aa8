/**
 * A trial Salesforce org and its Okta org on 127.0.0.1, for trying PKCE Pilot by hand (and for the test
 * that proves `verify` shows each situation): the Salesforce- and Okta-shaped OAuth servers the tests
 * use, with the data APIs verification reads (Metadata API SOAP, SOQL OauthToken, Okta /api/v1/apps and
 * /api/v1/logs) answering as the chosen situation.
 */
import { createOktaApi, createOktaApiState } from '../../test/servers/okta-api';
import { startOktaServer, type OktaTestServer } from '../../test/servers/okta-server';
import { createSalesforceApi, createSalesforceApiState } from '../../test/servers/salesforce-api';
import { startSalesforceServer, type SalesforceTestServer } from '../../test/servers/salesforce-server';
import type { OAuthTestServer } from '../../test/servers/oauth-test-server';
import {
  DEFAULT_SCHEME,
  DEV_SCHEME,
  isCallbackPath,
  loopbackRedirectUri,
  schemeRedirectUri,
} from '../../main/core/auth/redirect';
import type { ProviderId } from '../../main/core/model';
import type { Situation } from './situations';

export const TRIAL_SALESFORCE_CLIENT_ID = 'pkce-pilot-trial';
export const TRIAL_OKTA_CLIENT_ID = 'pkce-pilot-trial-okta';

/** The exact callback URLs PKCE Pilot uses for this org and provider (one per org: mix-up defence). */
function callbacksFor(alias: string, provider: ProviderId): string[] {
  return [
    schemeRedirectUri(DEFAULT_SCHEME, alias, provider),
    schemeRedirectUri(DEV_SCHEME, alias, provider),
    loopbackRedirectUri(7171, alias, provider),
  ];
}

/** The loopback callback on any port: the port and the path as PKCE Pilot builds them. */
function loopbackPort(value: string): number {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || !isCallbackPath(url.pathname))
      return Number.NaN;
    return Number(url.port || 80);
  } catch {
    return Number.NaN;
  }
}

export interface TrialOrgOptions {
  readonly situation: Situation;
  /** Port of the Salesforce-shaped server; 0 or absent = any free port. */
  readonly salesforcePort?: number;
  readonly oktaPort?: number;
  /** Sign in without the login and consent pages. */
  readonly autoConsent?: boolean;
  readonly now?: () => number;
}

export interface TrialOrg {
  readonly salesforce: SalesforceTestServer;
  readonly okta: OktaTestServer;
  /** The alias the printed commands use. */
  readonly alias: string;
  /** `org add … && login … && login --okta … && verify …`, one line to paste. */
  cliCommand(options?: { cli?: string; port?: number }): string;
  close(): Promise<void>;
}

/**
 * The trial client accepts PKCE Pilot's callbacks on ANY loopback port (RFC 8252 §7.3), so `org add
 * --port` can be anything. Real Salesforce and Okta match the port exactly: there, register the one you use.
 */
function acceptAnyLoopbackPort(server: OAuthTestServer): void {
  const exact = server.provider.Client.prototype.redirectUriAllowed;
  server.provider.Client.prototype.redirectUriAllowed = function anyLoopbackPort(
    this: { redirectUris: string[] },
    value: string,
  ) {
    const port = loopbackPort(value);
    if (port >= 1 && port <= 65535) {
      // Any port, but only this client's own path (alias and provider) — as registered on port 7171.
      const onRegisteredPort = new URL(value);
      onRegisteredPort.port = '7171';
      return exact.call(this, onRegisteredPort.href);
    }
    return exact.call(this, value);
  };
}

export async function startTrialOrg(options: TrialOrgOptions): Promise<TrialOrg> {
  const now = options.now ?? Date.now;
  const salesforceState = createSalesforceApiState(options.situation.salesforce(now()));
  const oktaState = createOktaApiState(options.situation.okta(now()));
  const salesforce = await startSalesforceServer({
    port: options.salesforcePort ?? 0,
    autoConsent: options.autoConsent === true,
    apiHandler: createSalesforceApi(salesforceState),
  });
  let okta: OktaTestServer;
  try {
    okta = await startOktaServer({
      port: options.oktaPort ?? 0,
      autoConsent: options.autoConsent === true,
      apiHandler: createOktaApi(oktaState),
    });
  } catch (e) {
    await salesforce.close();
    throw e;
  }
  for (const server of [salesforce, okta]) acceptAnyLoopbackPort(server);
  const alias = `trial-${options.situation.name}`;
  await salesforce.registerClient({
    clientId: TRIAL_SALESFORCE_CLIENT_ID,
    redirectUris: callbacksFor(alias, 'salesforce'),
  });
  await okta.registerClient({
    clientId: TRIAL_OKTA_CLIENT_ID,
    redirectUris: callbacksFor(alias, 'okta'),
  });

  return {
    salesforce,
    okta,
    alias,
    cliCommand({ cli = 'npx pkce-pilot', port } = {}) {
      const add = [
        `${cli} org add ${alias}`,
        `--login-url ${salesforce.url} --client-id ${TRIAL_SALESFORCE_CLIENT_ID}`,
        `--okta-url ${okta.url} --okta-client-id ${TRIAL_OKTA_CLIENT_ID}`,
        ...(port ? [`--port ${port}`] : []),
      ].join(' ');
      return [add, `${cli} login ${alias}`, `${cli} login ${alias} --okta`, `${cli} verify ${alias}`].join(
        ' && ',
      );
    },
    async close() {
      await Promise.all([salesforce.close(), okta.close()]);
    },
  };
}
