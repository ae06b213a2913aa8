/** links.open: Salesforce and Okta admin pages of this org, in the system browser. */
import { buildLink, type LinkOrg } from '../deep-links';
import type { OrgSettings } from '../model';
import { parse, type ApiContext, type HandlersOf } from './context';

export function linkHandlers(ctx: ApiContext): HandlersOf<'links.open'> {
  const { deps } = ctx;
  function linkOrg(org: OrgSettings): LinkOrg {
    const appId = deps.oktaAppIdFor?.(org.alias);
    return {
      salesforceBaseUrl: org.salesforce.baseUrl,
      ...(org.okta ? { oktaBaseUrl: org.okta.baseUrl } : {}),
      ...(appId ? { oktaSalesforceAppId: appId } : {}),
    };
  }
  return {
    async 'links.open'(raw) {
      const { alias, target } = parse('links.open', raw);
      const org = await deps.orgs.get(alias);
      const url = buildLink(linkOrg(org), target);
      // electron-security-exception OPEN_EXTERNAL_JS_CHECK: deps.openExternal is the shell's allow-listed opener (main/electron/external-links.ts)
      await deps.openExternal(url);
      return { opened: true, url };
    },
  };
}
