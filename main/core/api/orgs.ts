/** orgs.list / add / update / remove. */
import { buildOrgSettings } from '../org-input';
import { parse, type ApiContext, type HandlersOf } from './context';

export function orgHandlers(
  ctx: ApiContext,
): HandlersOf<'orgs.list' | 'orgs.add' | 'orgs.update' | 'orgs.remove'> {
  const { deps, now } = ctx;
  return {
    async 'orgs.list'(raw) {
      parse('orgs.list', raw);
      return { orgs: (await deps.orgs.list()).map(ctx.orgView) };
    },

    async 'orgs.add'(raw) {
      const input = parse('orgs.add', raw);
      const settings = buildOrgSettings(input, now());
      const org = await deps.orgs.add({
        alias: settings.alias,
        salesforce: settings.salesforce,
        ...(settings.okta ? { okta: settings.okta } : {}),
      });
      deps.emit({ type: 'orgs-changed' });
      return ctx.orgView(org);
    },

    async 'orgs.update'(raw) {
      const input = parse('orgs.update', raw);
      const current = await deps.orgs.get(input.alias);
      // Rebuild from the merged form so the same validation as "add" names any bad field.
      const merged = buildOrgSettings(
        {
          alias: current.alias,
          salesforceLoginUrl: input.salesforceLoginUrl ?? current.salesforce.baseUrl,
          clientId: input.clientId ?? current.salesforce.clientId,
          redirect: input.redirect ?? current.salesforce.redirect,
          port: input.port ?? current.salesforce.port,
          oktaOrgUrl: input.oktaOrgUrl ?? current.okta?.baseUrl,
          oktaClientId: input.oktaClientId ?? current.okta?.clientId,
        },
        now(),
      );
      const org = deps.updateOrg
        ? await deps.updateOrg(current.alias, merged)
        : await deps.orgs.update(current.alias, {
            salesforce: merged.salesforce,
            okta: merged.okta ?? null,
          });
      deps.emit({ type: 'orgs-changed' });
      return ctx.orgView(org);
    },

    async 'orgs.remove'(raw) {
      const { alias } = parse('orgs.remove', raw);
      await deps.removeOrg(alias);
      deps.emit({ type: 'orgs-changed' });
      return { removed: true };
    },
  };
}
