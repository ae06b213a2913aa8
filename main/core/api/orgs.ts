/** orgs.list / add / update / remove. */
import { unknownSalesforceHostWarning } from '../auth/login-url';
import { PilotError, toPilotError } from '../errors';
import { buildOrgSettings } from '../org-input';
import { parse, type ApiContext, type HandlersOf, type Input } from './context';

/** Values known to be valid, so that one field at a time can be checked by the core's own rules. */
const CHECK_VALUES = {
  alias: 'check',
  salesforceLoginUrl: 'production',
  clientId: 'check',
  redirect: 'loopback',
  port: 7171,
} as const;

type FormField = 'alias' | 'salesforceLoginUrl' | 'clientId' | 'port' | 'oktaOrgUrl' | 'oktaClientId';

/**
 * Every field's problem at once, by the core's own rules: each field is checked on its own against
 * values known to be valid for the others (the rules stop at the first problem otherwise).
 */
export function formErrors(input: Input<'orgs.check'>): { field: FormField; message: string }[] {
  const valid = { ...CHECK_VALUES, redirect: input.redirect };
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

/**
 * A login URL outside the known Salesforce domains may be a hostile server posing as one (the mix-up
 * attack), so it is saved only when the admin confirmed it. The core decides, not the form: a renderer
 * that skips the question still meets the refusal.
 */
export function requireKnownLoginHost(baseUrl: string, allowUnknownHost: boolean | undefined): void {
  const warning = unknownSalesforceHostWarning(baseUrl);
  if (!warning || allowUnknownHost === true) return;
  throw new PilotError(
    'unknown-host',
    warning,
    "If it is your organisation's Salesforce login address, confirm it and save again; otherwise correct the Salesforce login URL.",
  );
}

/** The normalised login URL and its warning when it is valid but not on a known Salesforce domain. */
function loginHostWarning(loginUrl: string): { baseUrl: string; warning: string } | undefined {
  let baseUrl: string;
  try {
    baseUrl = buildOrgSettings({ ...CHECK_VALUES, salesforceLoginUrl: loginUrl }).salesforce.baseUrl;
  } catch {
    return undefined; // an invalid URL is already among the errors
  }
  const warning = unknownSalesforceHostWarning(baseUrl);
  return warning ? { baseUrl, warning } : undefined;
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
      const host = loginHostWarning(input.salesforceLoginUrl);
      // Editing an org whose login URL stays as it is asks nothing new (orgs.update checks only a change).
      const unchanged =
        host !== undefined &&
        input.editing === true &&
        (await deps.orgs.list()).some(
          (o) => o.alias.toLowerCase() === alias.toLowerCase() && o.salesforce.baseUrl === host.baseUrl,
        );
      return { errors, ...(host && !unchanged ? { loginHostWarning: host.warning.slice(0, 1000) } : {}) };
    },

    async 'orgs.list'(raw) {
      parse('orgs.list', raw);
      return { orgs: (await deps.orgs.list()).map(ctx.orgView) };
    },

    async 'orgs.add'(raw) {
      const input = parse('orgs.add', raw);
      const settings = buildOrgSettings(input, now());
      requireKnownLoginHost(settings.salesforce.baseUrl, input.allowUnknownHost);
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
      if (merged.salesforce.baseUrl !== current.salesforce.baseUrl)
        requireKnownLoginHost(merged.salesforce.baseUrl, input.allowUnknownHost);
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
