/** verify.run and board.get: the checks against Salesforce and Okta, and the org's status board. */
import type { BoardDto, VerificationResultDto } from '../../../preload/contract';
import { PilotError, toPilotError } from '../errors';
import type { ProviderId } from '../model';
import { buildBoard } from '../status/board';
import type { VerificationResult } from '../verify/types';
import { parse, type ApiContext, type HandlersOf } from './context';

export function verifyHandlers(ctx: ApiContext): HandlersOf<'verify.run' | 'board.get'> {
  const { deps, now } = ctx;

  /** Sign-in state per provider from the keychain; a provider whose state cannot be read stays unknown. */
  async function signedIn(alias: string, providers: readonly ProviderId[]) {
    const out: Partial<Record<ProviderId, boolean>> = {};
    for (const p of providers) {
      try {
        out[p] = (await deps.signIn.status(alias, p)).signedIn;
      } catch {
        // The board then simply does not suggest that sign-in; the sign-in panel shows the error.
      }
    }
    return out;
  }

  return {
    async 'verify.run'(raw) {
      const { alias } = parse('verify.run', raw);
      await deps.orgs.get(alias);
      if (!deps.verify) {
        throw new PilotError(
          'internal',
          'Verification is not available in this build yet.',
          'Tick the steps yourself for now; checks arrive in a later version.',
        );
      }
      deps.emit({ type: 'verification', alias, phase: 'started' });
      let result: VerificationResult;
      try {
        result = await deps.verify(alias);
      } catch (e) {
        const err = toPilotError(e);
        deps.emit({
          type: 'verification',
          alias,
          phase: 'error',
          message: err.toDisplayString().slice(0, 1000),
        });
        throw err;
      }
      deps.emit({ type: 'verification', alias, phase: 'finished' });
      return result as unknown as VerificationResultDto;
    },

    async 'board.get'(raw) {
      const { alias } = parse('board.get', raw);
      const org = await deps.orgs.get(alias);
      const [progress, latest, signIn] = await Promise.all([
        deps.progress.getOrg(alias),
        deps.latestVerification?.(alias),
        signedIn(alias, org.okta ? ['salesforce', 'okta'] : ['salesforce']),
      ]);
      // Readonly data; the DTO type differs only by readonly markers.
      return buildBoard({
        hasOkta: Boolean(org.okta),
        progress,
        latest,
        signedIn: signIn,
        now: now(),
      }) as unknown as BoardDto;
    },
  };
}
