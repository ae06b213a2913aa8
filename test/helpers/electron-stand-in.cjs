/* eslint-disable @typescript-eslint/no-require-imports */
// A stand-in for the `electron` module, preloaded with `node -r` before the BUILT main bundle
// (out/main/index.js), so the shell's start-up wiring runs under plain Node (no Electron binary here).
// It records what the shell asks of Electron and writes the record to STUB_RECORD when the process
// ends (app.exit, or STUB_RUN_MS after start). Behaviour it models is Electron 45's documented API;
// nothing here decides anything for the app.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const record = { calls: [], windows: [], menu: undefined, errorBoxes: [], userDataSetBeforeLock: [] };
const call = (name, ...args) => record.calls.push([name, ...args]);
let userData = process.env.STUB_DEFAULT_USERDATA;
let lockTaken = false;

function dump() {
  fs.writeFileSync(process.env.STUB_RECORD, JSON.stringify(record));
}

// Electron sets this when started as `electron <app path>` (a development run).
if (process.env.STUB_PACKAGED !== '1') process.defaultApp = true;

const listeners = {};
const app = {
  isPackaged: process.env.STUB_PACKAGED === '1',
  getAppPath: () => path.resolve(__dirname, '../..'),
  getPath: (name) =>
    name === 'userData' ? userData : path.join(process.env.STUB_DEFAULT_USERDATA, '..', name),
  setPath: (name, value) => {
    call('setPath', name, value);
    if (name === 'userData') {
      userData = value;
      if (!lockTaken) record.userDataSetBeforeLock.push(value);
    }
  },
  requestSingleInstanceLock: () => {
    lockTaken = true;
    call('requestSingleInstanceLock', userData);
    return true;
  },
  setAsDefaultProtocolClient: (...args) => (call('setAsDefaultProtocolClient', ...args), true),
  on: (event, fn) => ((listeners[event] ??= []).push(fn), app),
  once: (event, fn) => app.on(event, fn),
  emit: (event, ...args) => (listeners[event] ?? []).forEach((fn) => fn(...args)),
  whenReady: () => Promise.resolve(),
  quit: () => call('quit'),
  exit: (code) => {
    call('exit', code);
    dump();
    process.exit(code);
  },
  getVersion: () => '0.0.0-test',
  getName: () => 'PKCE Pilot',
};

class BrowserWindow {
  constructor(options) {
    this.options = options;
    this.webContents = {
      on() {},
      setWindowOpenHandler() {},
      send() {},
      isDestroyed: () => false,
      getURL: () => '',
    };
    record.windows.push({ options, loaded: [] });
    this.index = record.windows.length - 1;
  }
  once() {}
  on() {}
  loadURL(url) {
    record.windows[this.index].loaded.push(url);
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  show() {}
  focus() {}
  restore() {}
  destroy() {}
  static getAllWindows() {
    return [];
  }
}

const sessionObject = {
  setPermissionRequestHandler() {},
  setPermissionCheckHandler() {},
  setDevicePermissionHandler() {},
  protocol: { handle() {} },
};

const electron = {
  app,
  BrowserWindow,
  Menu: {
    buildFromTemplate: (template) => template,
    setApplicationMenu: (menu) => (record.menu = menu),
  },
  dialog: {
    showErrorBox: (title, content) => record.errorBoxes.push({ title, content }),
    showSaveDialog: () => Promise.resolve({ canceled: true }),
  },
  session: { defaultSession: sessionObject, fromPartition: () => sessionObject },
  protocol: {
    registerSchemesAsPrivileged: (s) => call('registerSchemesAsPrivileged', s),
    handle: () => undefined,
  },
  net: { fetch: () => Promise.reject(new Error('net::ERR_INTERNET_DISCONNECTED')), request() {} },
  ipcMain: { handle: (channel) => call('ipcMain.handle', channel), removeHandler() {} },
  shell: { openExternal: () => Promise.resolve() },
  webContents: { getAllWebContents: () => [] },
};

const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === 'electron') return electron;
  return load.call(this, request, parent, isMain);
};

setTimeout(
  () => {
    dump();
    process.exit(0);
  },
  Number(process.env.STUB_RUN_MS || 1500),
);
