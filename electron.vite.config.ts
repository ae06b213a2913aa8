import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import pkg from './package.json';

/**
 * `npm run dev` only: the dev server injects an inline React Refresh preamble, adds CSS through
 * <style> elements and talks to its HMR websocket — all blocked by renderer/index.html's CSP. Relax
 * exactly those three for the dev server; built output (every package, every test) keeps the
 * strict policy.
 */
function devServerCsp(): Plugin {
  return {
    name: 'pkce-pilot-dev-server-csp',
    apply: 'serve',
    transformIndexHtml: (html) =>
      html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*"),
  };
}

// One build for the three Electron targets plus the CLI (which shares main's core).
export default defineConfig({
  main: {
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    build: {
      outDir: 'out/main',
      // oauth4webapi is ESM-only: bundled so the CommonJS output can load it. zod is bundled because
      // resolving its many files costs ~40 ms of every CLI start.
      externalizeDeps: { exclude: ['oauth4webapi', 'zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/electron/index.ts'),
          cli: resolve(__dirname, 'main/cli/index.ts'),
        },
        // Lazy loads of external packages (jsforce, keytar, undici) stay lazy but become require():
        // these packages are CommonJS, and inside app.asar an import() would go through Node's ESM
        // loader (CJS-in-ESM translation) instead of the CommonJS loader Electron patches for asar.
        output: { dynamicImportInCjs: false },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), devServerCsp()],
    define: { __APP_VERSION__: JSON.stringify(pkg.version) },
    build: {
      minify: true,
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
