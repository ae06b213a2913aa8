/**
 * Registers one `ipcMain.handle` per contract method. All checks live in the pure dispatcher; this
 * file only turns Electron's event into the sender facts the dispatcher judges.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { createIpcDispatcher, type ContractShape, type IpcHandler } from './ipc-dispatcher';

function senderOf(event: IpcMainInvokeEvent) {
  // senderFrame is null when the frame navigated or was destroyed before the message arrived.
  const frame = event.senderFrame;
  return { url: frame?.url, isTopFrame: frame !== null && frame.parent === null };
}

/** Returns a function that removes the handlers again (used on quit and by tests). */
export function registerIpcHandlers(
  contract: ContractShape,
  handlers: Readonly<Record<string, IpcHandler>>,
  channelFor: (method: string) => string,
): () => void {
  const dispatcher = createIpcDispatcher(contract, handlers);
  for (const method of dispatcher.methods) {
    ipcMain.handle(channelFor(method), (event, input: unknown) =>
      dispatcher.dispatch(method, senderOf(event), input),
    );
  }
  return () => dispatcher.methods.forEach((method) => ipcMain.removeHandler(channelFor(method)));
}
