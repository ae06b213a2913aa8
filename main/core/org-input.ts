import { isPilotError, PilotError } from './errors';
import type { OrgSettings, ProviderId, ProviderSettings, RedirectKind } from './model';
import {
  normalizeOktaOrgUrl,
  normalizeSalesforceLoginUrl,
  validateAlias,
  validatePort,
} from './auth/login-url';
import { DEFAULT_SCHEME, loopbackRedirectUri, schemeRedirectUri } from './auth/redirect';

/** The org form as the admin types it (CLI flags or the app's form): strings, possibly empty. */
export interface OrgInput {
  readonly alias: string;
  readonly salesforceLoginUrl: string;
  readonly clientId: string;
  readonly redirect?: string | undefined;
  readonly port?: string | number | undefined;
  readonly oktaOrgUrl?: string | undefined;
  readonly oktaClientId?: string | undefined;
}

export const DEFAULT_LOOPBACK_PORT = 7171;

/**
 * Turns what the admin typed into validated OrgSettings, or a PilotError naming the field at fault.
 * One place for both shells, so the CLI and the app accept and refuse exactly the same input.
 */
export function buildOrgSettings(input: OrgInput, now: Date = new Date()): OrgSettings {
  const alias = validateAlias(input.alias.trim());
  const redirect = parseRedirectKind(input.redirect);
  const port = parsePort(input.port);
  const salesforce: ProviderSettings = {
    baseUrl: normalizeSalesforceLoginUrl(input.salesforceLoginUrl),
    clientId: validateClientId(input.clientId, 'Salesforce consumer key (--client-id)'),
    redirect,
    port,
  };
  const oktaUrl = input.oktaOrgUrl?.trim();
  const oktaClientId = input.oktaClientId?.trim();
  let okta: ProviderSettings | undefined;
  if (oktaUrl || oktaClientId) {
    if (!oktaUrl || !oktaClientId) {
      throw new PilotError(
        'invalid-input',
        'The Okta org URL and the Okta client id go together.',
        'Enter both, or leave both empty to skip the Okta checks.',
      );
    }
    okta = {
      baseUrl: normalizeOktaOrgUrl(oktaUrl),
      clientId: validateClientId(oktaClientId, 'Okta client id'),
      redirect,
      port,
    };
  }
  const stamp = now.toISOString();
  return { alias, salesforce, ...(okta ? { okta } : {}), createdAt: stamp, updatedAt: stamp };
}

function parseRedirectKind(value: string | undefined): RedirectKind {
  const v = (value ?? 'loopback').trim().toLowerCase();
  if (v === 'loopback' || v === 'scheme') return v;
  throw new PilotError('invalid-input', `Unknown redirect kind "${value}".`, 'Use "loopback" or "scheme".');
}

/** One plain message for every bad shape ("abc", "-1", "70000", "1.5"), quoting what was typed. */
function parsePort(value: string | number | undefined): number {
  if (value === undefined || value === '') return DEFAULT_LOOPBACK_PORT;
  const text = String(value).trim();
  try {
    return validatePort(/^\d+$/.test(text) ? Number(text) : Number.NaN);
  } catch (e) {
    if (!isPilotError(e)) throw e;
    throw new PilotError(e.code, `The port "${text.slice(0, 20)}" is not usable.`, e.hint);
  }
}

/** Consumer keys and Okta client ids are printable ASCII without spaces; length caps stop pasted junk. */
function validateClientId(value: string, label: string): string {
  const v = value.trim();
  if (!/^[\x21-\x7e]{1,256}$/.test(v)) {
    throw new PilotError(
      'invalid-input',
      `The ${label} is empty or contains spaces or unusual characters.`,
      "Copy it again from the app's settings page (Consumer Key / Client ID).",
    );
  }
  return v;
}

/** The exact callback URLs to register, per provider (scripts that create the apps read these). */
export interface CallbackUrls {
  readonly salesforce: string[];
  readonly okta?: string[];
}

function urlsFor(
  org: OrgSettings,
  provider: ProviderId,
  settings: ProviderSettings,
  scheme: string,
): string[] {
  // Both: the desktop app signs in through the scheme (or loopback), the CLI always through loopback.
  return [
    schemeRedirectUri(scheme, org.alias, provider),
    loopbackRedirectUri(settings.port, org.alias, provider),
  ];
}

/**
 * Callback URLs the admin must register for this org, per provider: each org and provider has its
 * own (RFC 9700 §4.4.2 mix-up defence), so register exactly these on that org's app.
 */
export function callbackUrlsByProvider(org: OrgSettings, scheme: string = DEFAULT_SCHEME): CallbackUrls {
  return {
    salesforce: urlsFor(org, 'salesforce', org.salesforce, scheme),
    ...(org.okta ? { okta: urlsFor(org, 'okta', org.okta, scheme) } : {}),
  };
}

/** All of the org's callback URLs in one list (Salesforce first, then Okta), for the app's org view. */
export function callbackUrlsFor(org: OrgSettings, scheme: string = DEFAULT_SCHEME): string[] {
  const byProvider = callbackUrlsByProvider(org, scheme);
  return [...byProvider.salesforce, ...(byProvider.okta ?? [])];
}

/** The setup guide names the URLs before an org exists: the alias is a placeholder there. */
export function exampleCallbackUrls(provider: ProviderId, scheme: string = DEFAULT_SCHEME): string[] {
  return [
    `${scheme}:/oauth/callback/<alias>/${provider}`,
    `http://127.0.0.1:${DEFAULT_LOOPBACK_PORT}/oauth/callback/<alias>/${provider}`,
  ];
}
