/** fleet.list and fleet.signInStatus: every org at a glance (the home view). */
import type { BoardDto } from '../../../preload/contract';
import { buildBoard, environmentOf } from '../status/board';
import { parse, type ApiContext, type HandlersOf } from './context';

export function fleetHandlers(ctx: ApiContext): HandlersOf<'fleet.list' | 'fleet.signInStatus'> {
  const { deps, now } = ctx;
  return {
    async 'fleet.list'(raw) {
      parse('fleet.list', raw);
      const orgs = await deps.orgs.list();
      const at = now();
      // Files only, no keychain: the list shows at once; sign-in state follows (fleet.signInStatus).
      const rows = await Promise.all(
        orgs.map(async (org) => {
          const [progress, latest] = await Promise.all([
            deps.progress.getOrg(org.alias),
            deps.latestVerification?.(org.alias),
          ]);
          const board = buildBoard({ hasOkta: Boolean(org.okta), progress, latest, now: at });
          return {
            alias: org.alias,
            environment: environmentOf(org.salesforce.baseUrl),
            salesforceUrl: org.salesforce.baseUrl,
            hasOkta: Boolean(org.okta),
            board: board as unknown as BoardDto,
          };
        }),
      );
      return { orgs: rows };
    },

    async 'fleet.signInStatus'(raw) {
      parse('fleet.signInStatus', raw);
      const orgs = await deps.orgs.list();
      const out = [];
      // One at a time: the keychain answers one call at a time anyway (SecretStore).
      for (const org of orgs) {
        const read = async (p: 'salesforce' | 'okta') => {
          try {
            return (await deps.signIn.status(org.alias, p)).signedIn;
          } catch {
            return false;
          }
        };
        out.push({
          alias: org.alias,
          salesforce: await read('salesforce'),
          ...(org.okta ? { okta: await read('okta') } : {}),
        });
      }
      return { orgs: out };
    },
  };
}
