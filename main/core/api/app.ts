/** app.info and app.start: what the window needs before anything else. */
import type { AppInfo, OrgView } from '../../../preload/contract';
import { deadlineStatus } from '../checklist';
import { defaultScopes } from '../auth/providers';
import { parse, type ApiContext, type HandlersOf } from './context';
import { exampleCallbackUrls } from '../org-input';
import { VERIFY_CONCURRENCY } from '../verify/concurrency';

export function appHandlers(
  ctx: ApiContext,
  orgsList: () => Promise<{ orgs: OrgView[] }>,
): HandlersOf<'app.info' | 'app.start'> {
  const { deps, now, scheme } = ctx;
  const info = async (): Promise<AppInfo> => {
    const notices = deps.dataNotices ? await deps.dataNotices() : [];
    return {
      ...deps.info,
      deadline: deadlineStatus(now()),
      setup: {
        salesforceCallbackUrls: exampleCallbackUrls('salesforce', scheme),
        salesforceScopes: defaultScopes('salesforce'),
        oktaRedirectUris: exampleCallbackUrls('okta', scheme),
        oktaScopes: 'okta.apps.read okta.logs.read',
      },
      features: {
        verify: Boolean(deps.verify),
        reports: deps.exportReport ? [...(deps.reportFormats ?? ['md', 'html', 'json'])] : [],
        fleetReports: deps.exportFleetReport ? ['md', 'html', 'csv', 'json'] : [],
        verifyConcurrency: deps.verifyConcurrency ?? VERIFY_CONCURRENCY,
      },
      notices: notices.slice(0, 20),
    };
  };
  return {
    async 'app.info'(raw) {
      parse('app.info', raw);
      return info();
    },
    async 'app.start'(raw) {
      const { lastOrg } = parse('app.start', raw);
      const [appInfo, { orgs }] = await Promise.all([info(), orgsList()]);
      const first = lastOrg && orgs.some((o) => o.alias === lastOrg) ? lastOrg : orgs[0]?.alias;
      return { info: appInfo, orgs, ...(first ? { checklist: await ctx.checklistView(first) } : {}) };
    },
  };
}
