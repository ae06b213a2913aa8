/**
 * The app's first request, sent while the browser is still evaluating React and the app: one round
 * trip brings everything the first screen needs, so the checklist is usable sooner.
 */
import type { ApiOutput, OrgView } from '../../preload/contract';
import { call } from './api';

export type InitialLoad = Promise<ApiOutput<'app.start'>>;

let pending: InitialLoad | undefined;

/** One request for the first screen (info, orgs and the first org's checklist), sent before React starts. */
export function startInitialLoad(remembered: string | undefined): void {
  pending = startRequest(remembered);
  // The App reports a failure when it takes this; until then, nobody is listening.
  pending.catch(() => undefined);
}

/** The request started at launch, once; later loads make fresh calls. */
export function takeInitialLoad(): InitialLoad | undefined {
  const p = pending;
  pending = undefined;
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
