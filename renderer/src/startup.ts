/**
 * The first requests of the app, sent while React is still starting: the window then shows the
 * checklist a frame or two sooner than if they waited for the first render's effects.
 */
import type { AppInfo, ChecklistViewDto, OrgView } from '../../preload/contract';
import { call } from './api';

export interface InitialLoad {
  readonly info: Promise<AppInfo>;
  readonly orgs: Promise<OrgView[]>;
  /** The checklist of the org the app will show first (the remembered one, else the first). */
  readonly checklist: Promise<ChecklistViewDto | undefined>;
}

let pending: InitialLoad | undefined;

export function startInitialLoad(remembered: string | undefined): void {
  const info = call('app.info', {});
  const orgs = call('orgs.list', {}).then((r) => r.orgs);
  const checklist = orgs.then((list) => {
    const first = firstOrgToShow(list, remembered);
    return first ? call('checklist.get', { alias: first }) : undefined;
  });
  // The App reports failures when it takes these; until then, nobody is listening.
  for (const p of [info, orgs, checklist]) p.catch(() => undefined);
  pending = { info, orgs, checklist };
}

/** The org shown at start: the one shown last time if it still exists, else the first. */
export function firstOrgToShow(list: readonly OrgView[], remembered: string | undefined): string | undefined {
  return remembered && list.some((o) => o.alias === remembered) ? remembered : list[0]?.alias;
}

/** The requests started at launch, once; later loads make fresh calls. */
export function takeInitialLoad(): InitialLoad | undefined {
  const p = pending;
  pending = undefined;
  return p;
}

const LAST_ORG_KEY = 'pkce-pilot.last-org';

export function rememberedOrg(): string | undefined {
  try {
    return localStorage.getItem(LAST_ORG_KEY) ?? undefined;
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
