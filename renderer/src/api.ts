/**
 * The renderer's only door to the app: `window.pkcePilot` (preload in Electron, a test bridge on the web).
 * Wraps the result envelope into a thrown UiError so components can use try/catch.
 */
import type {
  ApiError,
  ApiInput,
  ApiMethod,
  ApiOutput,
  AppEvent,
  PkcePilotApi,
} from '../../preload/contract';

declare global {
  interface Window {
    pkcePilot?: PkcePilotApi;
  }
}

export class UiError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

function bridge(): PkcePilotApi {
  const api = window.pkcePilot;
  if (!api)
    throw new UiError({
      code: 'internal',
      message: 'The app bridge is missing.',
      hint: 'Restart PKCE Pilot.',
    });
  return api;
}

export async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
  const fn = bridge()[method] as (
    i: ApiInput<M>,
  ) => Promise<{ ok: true; value: ApiOutput<M> } | { ok: false; error: ApiError }>;
  const r = await fn(input);
  if (!r.ok) throw new UiError(r.error);
  return r.value;
}

export function onAppEvent(listener: (e: AppEvent) => void): () => void {
  return window.pkcePilot?.onEvent(listener) ?? (() => undefined);
}

/** Plain text of any failure: the PilotError message and its next step. */
export function errorText(e: unknown): { message: string; hint: string } {
  if (e instanceof UiError) return { message: e.error.message, hint: e.error.hint };
  return { message: 'Something went wrong.', hint: 'Try again.' };
}
