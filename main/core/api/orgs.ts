/** orgs.list / add / update / remove. */
import { toPilotError } from '../errors';
import { buildOrgSettings } from '../org-input';
import { parse, type ApiContext, type HandlersOf, type Input } from './context';

type FormField = 'alias' | 'salesforceLoginUrl' | 'clientId' | 'port' | 'oktaOrgUrl' | 'oktaClientId';

/**
 * Every field's problem at once, by the core's own rules: each field is checked on its own against
 * values known to be valid for the others (the rules stop at the first problem otherwise).
 */
export function formErrors(input: Input<'orgs.check'>): { field: FormField; message: string }[] {
  const valid = {
    alias: 'check',
    salesforceLoginUrl: 'production',
    clientId: 'check',
    redirect: input.redirect,
    port: 7171,
  };
  const out: { field: FormField; message: string }[] = [];
  const attempt = (field: FormField, patch: Partial<Parameters<typeof buildOrgSettings>[0]>) => {
    try {
      buildOrgSettings({ ...valid, ...patch });
    } catch (e) {
      const err = toPilotError(e);
      out.push({ field, message: `${err.message} ${err.hint}`.trim().slice(0, 1000) });
    }
  };
  attempt('alias', { alias: input.alias });
  attempt('salesforceLoginUrl', { salesforceLoginUrl: input.salesforceLoginUrl });
  attempt('clientId', { clientId: input.clientId });
  if (input.port !== undefined) attempt('port', { port: input.port });
  const oktaUrl = input.oktaOrgUrl?.trim() ?? '';
  const oktaId = input.oktaClientId?.trim() ?? '';
  if (oktaUrl || oktaId) {
    if (!oktaUrl || !oktaId)
      attempt(oktaUrl ? 'oktaClientId' : 'oktaOrgUrl', { oktaOrgUrl: oktaUrl, oktaClientId: oktaId });
    else {
      attempt('oktaOrgUrl', { oktaOrgUrl: oktaUrl, oktaClientId: 'check' });
      attempt('oktaClientId', { oktaOrgUrl: 'https://check.okta.com', oktaClientId: oktaId });
    }
  }
  return out;
}

export function orgHandlers(
  ctx: ApiContext,
): HandlersOf<'orgs.list' | 'orgs.add' | 'orgs.check' | 'orgs.update' | 'orgs.remove'> {
  const { deps, now } = ctx;
  return {
    async 'orgs.check'(raw) {
      const input = parse('orgs.check', raw);
      const errors = formErrors(input);
      const alias = input.alias.trim();
      if (!input.editing && !errors.some((e) => e.field === 'alias')) {
        if ((await deps.orgs.list()).some((o) => o.alias.toLowerCase() === alias.toLowerCase()))
          errors.push({
            field: 'alias',
            message: `An org named ${alias} already exists. Choose another alias.`,
          });
      }
      return { errors };
    },

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
