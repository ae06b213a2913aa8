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
      // Every org at once, both sign-ins of an org together: the keychain store reads an org's one item
      // once for both, and its gate paces the calls (storage/keychain-gate.ts).
      const out = await Promise.all(
        orgs.map(async (org) => {
          const read = async (p: 'salesforce' | 'okta') => {
            try {
              return (await deps.signIn.status(org.alias, p)).signedIn;
            } catch {
              return false;
            }
          };
          const [salesforce, okta] = await Promise.all([
            read('salesforce'),
            org.okta ? read('okta') : undefined,
          ]);
          return { alias: org.alias, salesforce, ...(okta !== undefined ? { okta } : {}) };
        }),
      );
      return { orgs: out };
    },
  };
}
