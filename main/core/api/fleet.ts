/** fleet.list and fleet.signInStatus: every org at a glance (the home view). */
import type { FleetBoardDto } from '../../../preload/contract';
import { buildBoard, environmentOf, type Board } from '../status/board';
import { parse, type ApiContext, type HandlersOf } from './context';

export function fleetHandlers(ctx: ApiContext): HandlersOf<'fleet.list' | 'fleet.signInStatus'> {
  const { deps, now } = ctx;
  return {
    async 'fleet.list'(raw) {
      parse('fleet.list', raw);
      // Files only, no keychain: the list shows at once; sign-in state follows (fleet.signInStatus). Each
      // file is read once for all orgs: one read per org re-parsed the whole file every time (200 orgs
      // with results: 12 s).
      const [orgs, progressAll, latestAll] = await Promise.all([
        deps.orgs.list(),
        deps.progress.getAll(),
        deps.latestVerifications?.(),
      ]);
      const at = now();
      const rows = orgs.map((org) => {
        const board = buildBoard({
          hasOkta: Boolean(org.okta),
          progress: ownEntry(progressAll, org.alias) ?? {},
          latest: latestAll && ownEntry(latestAll, org.alias),
          now: at,
        });
        return {
          alias: org.alias,
          environment: environmentOf(org.salesforce.baseUrl),
          salesforceUrl: org.salesforce.baseUrl,
          hasOkta: Boolean(org.okta),
          board: fleetBoard(board),
        };
      });
      return { orgs: rows };
    },

    async 'fleet.signInStatus'(raw) {
      parse('fleet.signInStatus', raw);
      const orgs = await deps.orgs.list();
      // One org at a time, so a page of many orgs does not flood the keychain while the page renders; an
      // org's two sign-ins together, which the keychain store answers with one read of the org's item.
      const out = [];
      for (const org of orgs) {
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
        out.push({ alias: org.alias, salesforce, ...(okta !== undefined ? { okta } : {}) });
      }
      return { orgs: out };
    },
  };
}

/** The fleet's summary of a board (contract: fleetBoardSchema): step states, no checks or wording. */
function fleetBoard(board: Board): FleetBoardDto {
  return {
    ...(board as unknown as FleetBoardDto),
    steps: board.steps.map(({ id, title, state, optional, confirmedAt }) => ({
      id,
      title,
      state,
      optional,
      ...(confirmedAt ? { confirmedAt } : {}),
    })),
  };
}

/** An org's entry in a by-alias record: own keys only ("constructor" is a valid alias). */
function ownEntry<T>(record: Readonly<Record<string, T>>, alias: string): T | undefined {
  return Object.hasOwn(record, alias) ? record[alias] : undefined;
}
