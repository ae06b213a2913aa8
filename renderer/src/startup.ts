/**
 * The first requests of the app, sent while React is still starting: the window then shows the
 * checklist a frame or two sooner than if they waited for the first render's effects.
 */
import type { AppInfo, OrgView } from '../../preload/contract';
import { call } from './api';

interface InitialLoad {
  readonly info: Promise<AppInfo>;
  readonly orgs: Promise<OrgView[]>;
}

let pending: InitialLoad | undefined;

export function startInitialLoad(): void {
  const info = call('app.info', {});
  const orgs = call('orgs.list', {}).then((r) => r.orgs);
  // The App reports failures when it takes these; until then, nobody is listening.
  info.catch(() => undefined);
  orgs.catch(() => undefined);
  pending = { info, orgs };
}

/** The requests started at launch, once; later loads make fresh calls. */
export function takeInitialLoad(): InitialLoad | undefined {
  const p = pending;
  pending = undefined;
  return p;
}
