/**
 * Recognising Okta's provisioning app in Salesforce by its callback URL
 * `https://system-admin.<okta domain>/admin/app/generic/oauth20redirect` (Okta's Salesforce provisioning
 * guide, "Configure OAuth and REST integration"). Okta runs orgs on several cells, each under its own
 * domain — okta.com, okta-emea.com, oktapreview.com (preview orgs), okta-gov.com and okta.mil (Okta for
 * Government High/Moderate; Okta's help page "Okta IP addresses / cells" lists the domains) — and the
 * app carries the host of the cell the Okta org lives on. White-labelled orgs show the same path on their
 * own domain, so the host derived from the org's configured Okta URL is accepted too.
 *
 * Matching is exact on the host (case-insensitive), https only, default port, the path with or without a
 * trailing slash; a callback field holds several URLs, one per line. Never a substring match: a URL
 * such as `https://evil.example/system-admin.okta.com/admin/...` is not Okta's.
 */
export const OKTA_CALLBACK_PATH = '/admin/app/generic/oauth20redirect';

export const OKTA_CELL_DOMAINS: readonly string[] = [
  'okta.com',
  'okta-emea.com',
  'oktapreview.com',
  'okta-gov.com',
  'okta.mil',
];

/** The callback URL on the okta.com cell, for messages. */
export const OKTA_CALLBACK_EXAMPLE = `https://system-admin.okta.com${OKTA_CALLBACK_PATH}`;

function isIpOrLocal(host: string): boolean {
  return host === 'localhost' || /^[\d.]+$/.test(host) || host.includes(':');
}

/**
 * `system-admin.<domain>` for an Okta org URL: `https://acme.okta-emea.com` → `system-admin.okta-emea.com`,
 * `https://acme-admin.oktapreview.com` → `system-admin.oktapreview.com`, `https://login.acme.com` →
 * `system-admin.acme.com`. Undefined for IPs, localhost and two-label hosts.
 */
export function callbackHostForOktaUrl(oktaUrl: string | undefined): string | undefined {
  if (!oktaUrl) return undefined;
  let host: string;
  try {
    host = new URL(oktaUrl).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
  if (isIpOrLocal(host)) return undefined;
  const labels = host.split('.');
  if (labels.length < 3) return undefined;
  return `system-admin.${labels.slice(1).join('.')}`;
}

/** The hosts Okta's callback may carry for this org. */
export function oktaCallbackHosts(oktaUrl?: string): Set<string> {
  const hosts = new Set(OKTA_CELL_DOMAINS.map((d) => `system-admin.${d}`));
  const own = callbackHostForOktaUrl(oktaUrl);
  if (own) hosts.add(own);
  return hosts;
}

/** True when `url` is Okta's provisioning callback on one of `hosts`. */
export function isOktaCallbackUrl(url: string, hosts: ReadonlySet<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.port !== '' || parsed.username || parsed.password) return false;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  const path = parsed.pathname.replace(/\/+$/, '').toLowerCase();
  return hosts.has(host) && path === OKTA_CALLBACK_PATH;
}

/** Splits a callback field (one URL per line; commas and spaces tolerated) into URLs. */
export function callbackLines(field: string): string[] {
  return field
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
