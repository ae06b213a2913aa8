/**
 * The typed IPC wrapper's logic, free of Electron: sender check, input validation against the
 * contract's zod schema, the core handler call, output validation, and the `{ ok, value | error }`
 * envelope the preload hands to the renderer. ipc-main.ts only adapts Electron's event to this.
 */
import type { ZodMiniType } from 'zod/mini';
import { PilotError, type PilotErrorCode, toPilotError } from '../core/errors';
import { isTrustedIpcSender } from './policy';

export interface MethodSchemas {
  readonly input: ZodMiniType;
  readonly output: ZodMiniType;
}
export type ContractShape = Readonly<Record<string, MethodSchemas>>;

/** What the renderer receives: errors travel as plain data because contextBridge drops Error fields. */
export type IpcResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: { readonly code: PilotErrorCode; readonly message: string; readonly hint: string };
    };

export type IpcHandler = (input: never) => unknown;

export interface IpcSender {
  /** URL of the frame that sent the message; undefined once the frame is gone. */
  readonly url: string | undefined;
  readonly isTopFrame: boolean;
}

export interface IpcDispatcher {
  readonly methods: readonly string[];
  dispatch(method: string, sender: IpcSender, rawInput: unknown): Promise<IpcResult>;
}

function failure(error: PilotError): IpcResult {
  return { ok: false, error: { code: error.code, message: error.message, hint: error.hint } };
}

/**
 * Builds the dispatcher. Throws at start-up when a contract method has no handler, so a missing
 * wire-up fails the first launch instead of the first click.
 */
export function createIpcDispatcher(
  contract: ContractShape,
  handlers: Readonly<Record<string, IpcHandler>>,
): IpcDispatcher {
  const methods = Object.keys(contract);
  const missing = methods.filter((m) => typeof handlers[m] !== 'function');
  if (missing.length > 0) throw new Error(`No IPC handler for contract method(s): ${missing.join(', ')}`);

  async function dispatch(method: string, sender: IpcSender, rawInput: unknown): Promise<IpcResult> {
    if (!isTrustedIpcSender(sender)) {
      return failure(
        new PilotError(
          'forbidden',
          'This request did not come from the PKCE Pilot window.',
          'Use the app window; restart PKCE Pilot if this keeps appearing.',
        ),
      );
    }
    const schemas = Object.hasOwn(contract, method) ? contract[method] : undefined;
    const handler = schemas ? handlers[method] : undefined;
    if (!schemas || !handler) {
      return failure(
        new PilotError(
          'invalid-input',
          'The app asked for an action that does not exist.',
          'Restart PKCE Pilot; if it keeps happening, reinstall it.',
        ),
      );
    }
    // The input's content is not echoed back: it might hold something the admin pasted by mistake.
    const input = await schemas.input.safeParseAsync(rawInput);
    if (!input.success) {
      return failure(
        new PilotError(
          'invalid-input',
          'The request the window sent was not valid.',
          'Check the values you entered and try again.',
          { method },
        ),
      );
    }
    try {
      const value = await (handler as (input: unknown) => unknown)(input.data);
      // Parsing also strips fields the contract does not declare, so nothing extra (a token added
      // to a core result by mistake) can reach the renderer.
      const output = await schemas.output.safeParseAsync(value);
      if (!output.success) {
        return failure(
          new PilotError(
            'internal',
            'The app produced an answer it could not show.',
            'Try again; if it keeps failing, report it with the steps that led here.',
            { method },
          ),
        );
      }
      return { ok: true, value: output.data };
    } catch (e) {
      return failure(toPilotError(e));
    }
  }

  return { methods, dispatch };
}
