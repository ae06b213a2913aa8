/**
 * The app's first requests, sent while the browser is still evaluating React and the app: one round
 * trip brings everything the first screen needs, so the checklist is usable sooner; when the admin
 * last left the app on "All orgs", the rows of every org are asked for at the same moment.
 */
import type { ApiOutput, OrgView } from '../../preload/contract';
import { call } from './api';

export type InitialLoad = Promise<ApiOutput<'app.start'>>;
export type InitialFleet = Promise<ApiOutput<'fleet.list'>>;

let pending: InitialLoad | undefined;
let pendingFleet: InitialFleet | undefined;

/**
 * The first screen's request (info, orgs and the first org's checklist), and the fleet's rows when the
 * app opens on "All orgs", sent before React starts: main answers them while the bundle is evaluated.
 */
export function startInitialLoad(remembered: string | undefined, home: boolean): void {
  pending = unobserved(startRequest(remembered));
  if (home) pendingFleet = unobserved(call('fleet.list', {}));
}

/** The App reports a failure when it takes the request; until then, nobody is listening. */
function unobserved<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

/** The request started at launch, once; later loads make fresh calls. */
export function takeInitialLoad(): InitialLoad | undefined {
  const p = pending;
  pending = undefined;
  return p;
}

/** The fleet rows asked for at launch, once (the first showing of "All orgs"); later loads ask again. */
export function takeInitialFleet(): InitialFleet | undefined {
  const p = pendingFleet;
  pendingFleet = undefined;
  return p;
}

export function startRequest(remembered: string | undefined): InitialLoad {
  return call('app.start', remembered ? { lastOrg: remembered } : {});
}

/** The org shown at start: the one shown last time if it still exists, else the first. */
export function firstOrgToShow(list: readonly OrgView[], remembered: string | undefined): string | undefined {
  return remembered && list.some((o) => o.alias === remembered) ? remembered : list[0]?.alias;
}

const LAST_ORG_KEY = 'pkce-pilot.last-org';

export function rememberedOrg(): string | undefined {
  try {
    const alias = localStorage.getItem(LAST_ORG_KEY) ?? '';
    // Only a well-formed alias is sent back to main; anything else is forgotten.
    return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(alias) ? alias : undefined;
  } catch {
    return undefined;
  }
}

export function rememberOrg(alias: string): void {
  try {
    localStorage.setItem(LAST_ORG_KEY, alias);
  } catch {
    // Storage may be unavailable; remembering the last org shown is only a convenience.
  }
}

const HOME_KEY = 'pkce-pilot.home';

/** Whether the admin was last on the view of all orgs (the home view). */
export function rememberedHome(): boolean {
  try {
    return localStorage.getItem(HOME_KEY) === 'fleet';
  } catch {
    return false;
  }
}

export function rememberHome(home: boolean): void {
  try {
    if (home) localStorage.setItem(HOME_KEY, 'fleet');
    else localStorage.removeItem(HOME_KEY);
  } catch {
    // Only a convenience, as above.
  }
}
