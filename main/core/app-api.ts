/**
 * The app's service facade: every IPC method of preload/contract.ts implemented over the core services.
 * Shared by the Electron shell (ipc-main) and the web test bridge, so both run the same code. Inputs are
 * validated again in each part with the contract's schemas — this is the trust boundary of the core.
 * Nothing returned or emitted carries a token, verifier or authorization code.
 *
 * One part per contract area (main/core/api/*.ts), composed here, in one place.
 */
import type { ApiHandlers } from '../../preload/contract';
import { appHandlers } from './api/app';
import { checklistHandlers } from './api/checklist';
import { createContext, type AppApiDeps } from './api/context';
import { fleetHandlers } from './api/fleet';
import { linkHandlers } from './api/links';
import { orgHandlers } from './api/orgs';
import { reportHandlers } from './api/report';
import { signInHandlers } from './api/sign-in';
import { verifyHandlers } from './api/verify';

export type {
  AppApiDeps,
  OrgStoreLike,
  ProgressStoreLike,
  ReportFormat,
  SignInServiceLike,
} from './api/context';
export { signInEventToAppEvent } from './api/sign-in';

export function createAppApi(deps: AppApiDeps): ApiHandlers {
  const ctx = createContext(deps);
  const orgs = orgHandlers(ctx);
  return {
    ...appHandlers(ctx, () => orgs['orgs.list']({})),
    ...orgs,
    ...checklistHandlers(ctx),
    ...signInHandlers(ctx),
    ...verifyHandlers(ctx),
    ...reportHandlers(ctx),
    ...fleetHandlers(ctx),
    ...linkHandlers(ctx),
  };
}
