/**
 * Validation of what the admin types for an org: Salesforce login URL, Okta org URL, alias, port.
 * Every value is parsed once here; the rest of the core trusts the normalised result.
 */
import { PilotError } from '../errors';

const MAX_URL_LENGTH = 2048;
/** RFC 8252 §8.3 recommends the IP literal; `localhost` is accepted for test servers only over http. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** True when `text` holds whitespace or an ASCII control character (never valid in what we parse). */
export function hasSpaceOrControl(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c <= 0x20 || c === 0x7f || /\s/u.test(ch)) return true;
  }
  return false;
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

function invalid(what: string, problem: string, hint: string): PilotError {
  return new PilotError('invalid-input', `The ${what} ${problem}.`, hint);
}

/**
 * Parses `input` as an https URL (http only for loopback hosts) and returns its origin: lowercase host,
 * no credentials, path, query, fragment or trailing slash. A bare host name gets `https://`.
 */
function normalizeOrigin(input: string, what: string, example: string): URL {
  const hint = `Enter the address as it appears in your browser, for example ${example}.`;
  const text = input.trim();
  if (!text) throw invalid(what, 'is empty', hint);
  if (text.length > MAX_URL_LENGTH) throw invalid(what, `is longer than ${MAX_URL_LENGTH} characters`, hint);
  if (hasSpaceOrControl(text)) throw invalid(what, 'contains spaces or control characters', hint);
  const withScheme = text.includes('://') ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(what, 'is not a valid web address', hint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(what, `must start with https:// (not ${url.protocol}//)`, hint);
  }
  if (url.username || url.password) {
    // user:pass@host is a classic phishing disguise and never part of a login URL.
    throw invalid(what, 'must not contain a user name or password', hint);
  }
  if (!url.hostname) throw invalid(what, 'has no host name', hint);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    // Plain http would expose the authorization code and tokens on the network.
    throw invalid(
      what,
      'must use https://',
      `${hint} Plain http is allowed only for 127.0.0.1 or localhost test servers.`,
    );
  }
  return url;
}

/**
 * 'production'/'prod' → https://login.salesforce.com, 'sandbox' → https://test.salesforce.com, or any https
 * origin (My Domain, *.sandbox.my.salesforce.com, *.my.salesforce.mil, Experience Cloud site). Orgs may block
 * login.salesforce.com, so any My Domain must be accepted.
 */
export function normalizeSalesforceLoginUrl(input: string): string {
  const keyword = input.trim().toLowerCase();
  if (keyword === 'production' || keyword === 'prod') return 'https://login.salesforce.com';
  if (keyword === 'sandbox') return 'https://test.salesforce.com';
  return normalizeOrigin(
    input,
    'Salesforce login URL',
    'https://acme.my.salesforce.com, "production" or "sandbox"',
  ).origin;
}

/**
 * Okta org URL (https://acme.okta.com or a custom domain). The Admin Console host `acme-admin.okta.com`
 * is mapped to `acme.okta.com`: the org authorization server (/oauth2/v1) lives on the non-admin host,
 * and admins often copy the URL from the Admin Console.
 */
export function normalizeOktaOrgUrl(input: string): string {
  const url = normalizeOrigin(input, 'Okta org URL', 'https://acme.okta.com');
  const labels = url.hostname.split('.');
  let first = labels[0] ?? '';
  // Strip every "-admin" so that normalising twice gives the same origin (the result must be a fixed point).
  while (labels.length > 2 && first.endsWith('-admin') && first.length > '-admin'.length) {
    first = first.slice(0, -'-admin'.length);
  }
  if (first !== labels[0]) {
    labels[0] = first;
    url.hostname = labels.join('.');
  }
  return url.origin;
}

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** An org alias: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'. */
export function validateAlias(alias: string): string {
  if (!ALIAS.test(alias)) {
    throw new PilotError(
      'invalid-input',
      `"${alias.slice(0, 64)}" is not a valid org alias.`,
      'Use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit (for example acme-prod).',
    );
  }
  return alias;
}

/** A loopback port: an integer 1024–65535 (below 1024 needs root on most systems). */
export function validatePort(port: number): number {
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new PilotError(
      'invalid-input',
      `${String(port)} is not a usable port.`,
      'Choose a whole number from 1024 to 65535 (the default is 7171) and register the matching callback URL.',
    );
  }
  return port;
}

/**
 * Domains Salesforce logs in on. Sources: @salesforce/core `SfdcUrl.isSalesforceDomain` (which cites
 * Salesforce help article 000003652 "Allowlist Salesforce domains": cloudforce.com, force.com,
 * salesforce.com, content/secure.force.com), its government hosts (`*.my.salesforce.mil`, crmforce.mil),
 * and Salesforce's My Domain URL formats (Help: "My Domain URL Formats": *.my.salesforce.com,
 * *.sandbox.my.salesforce.com, *.scratch.my.salesforce.com, *.develop.my.salesforce.com,
 * Experience Cloud *.my.site.com and *.my.salesforce-sites.com, Government Cloud Plus *.salesforce.mil /
 * *.force.mil / *.cloudforce.mil). Matching is on whole labels: evilsalesforce.com is not salesforce.com.
 */
export const SALESFORCE_DOMAINS: readonly string[] = [
  'salesforce.com',
  'force.com',
  'cloudforce.com',
  'site.com',
  'salesforce-sites.com',
  'database.com',
  'salesforce.mil',
  'force.mil',
  'cloudforce.mil',
  'crmforce.mil',
];

/** True when `hostname` is a Salesforce domain or a subdomain of one. */
export function isSalesforceHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return SALESFORCE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));
}

/**
 * Why a Salesforce login URL deserves a second look before tokens are trusted to it, or undefined
 * when it is on a known Salesforce domain (or a loopback test server). An unknown host may be an
 * Experience Cloud custom domain — or a hostile server posing as one (the mix-up attack).
 */
export function unknownSalesforceHostWarning(baseUrl: string): string | undefined {
  const host = new URL(baseUrl).hostname;
  if (isSalesforceHost(host) || isLoopbackHost(host)) return undefined;
  return `${host} is not on a known Salesforce domain (${SALESFORCE_DOMAINS.join(', ')}). PKCE Pilot will send the sign-in there; make sure it really is your org's login page (for example an Experience Cloud custom domain).`;
}
