/**
 * Sandboxed preload: exposes `window.pkcePilot`, one function per contract method plus `onEvent`.
 * Never exposes ipcRenderer itself or Electron's event objects (Electron security checklist #20).
 *
 * A sandboxed preload can `require` only 'electron', so this file takes nothing but TYPES from
 * contract.ts (whose schemas would pull in zod). The method list and channel names are written out
 * here and checked against the contract by the compiler: a method added to or removed from the
 * contract, or a renamed channel, fails `tsc`. Inputs are not validated here; main validates every call.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiMethod, AppEvent, CHANNEL_PREFIX, EVENT_CHANNEL, PkcePilotApi } from './contract';

const CHANNEL: typeof CHANNEL_PREFIX = 'pkce-pilot:';
const EVENTS: typeof EVENT_CHANNEL = 'pkce-pilot:event';

/** Exactly the contract's methods: `satisfies` rejects both a missing and an unknown key. */
const METHODS = {
  'app.info': true,
  'app.start': true,
  'checklist.get': true,
  'checklist.setDone': true,
  'checklist.setNote': true,
  'orgs.list': true,
  'orgs.add': true,
  'orgs.check': true,
  'orgs.update': true,
  'orgs.remove': true,
  'signIn.start': true,
  'signIn.cancel': true,
  'signIn.signOut': true,
  'signIn.status': true,
  'verify.run': true,
  'board.get': true,
  'fleet.list': true,
  'fleet.signInStatus': true,
  'report.exportFleet': true,
  'report.export': true,
  'links.open': true,
} as const satisfies Record<ApiMethod, true>;

function invoker(method: string) {
  const channel = `${CHANNEL}${method}`;
  // Every contract input is an object; a call without one (e.g. app.info()) sends {}.
  return (input: unknown) => ipcRenderer.invoke(channel, input ?? {});
}

function onEvent(listener: (event: AppEvent) => void): () => void {
  // Only the payload crosses over; the IpcRendererEvent (with its sender) stays in the preload.
  const forward = (_event: IpcRendererEvent, payload: AppEvent) => listener(payload);
  ipcRenderer.on(EVENTS, forward);
  return () => {
    ipcRenderer.removeListener(EVENTS, forward);
  };
}

const api = Object.freeze({
  ...Object.fromEntries(Object.keys(METHODS).map((method) => [method, invoker(method)])),
  onEvent,
}) as unknown as PkcePilotApi;

contextBridge.exposeInMainWorld('pkcePilot', api);
