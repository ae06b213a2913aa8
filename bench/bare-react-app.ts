/**
 * The baseline page for the ready-to-use budget: the smallest React 19 app that shows one checklist
 * checkbox, built by Vite with @vitejs/plugin-react and minify — the same toolchain and CSP as the
 * real renderer — into a temporary folder. It shows what React alone costs on this machine.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PROJECT_ROOT = path.resolve(__dirname, '..');

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'" />
    <title>Bare React</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="./main.jsx"></script>
  </body>
</html>
`;

// Same element shape as the real checklist row, so the same "ready" probe applies to both pages.
const MAIN_JSX = `import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  const [done, setDone] = useState(false);
  return (
    <main>
      <h1>Checklist</h1>
      <ul>
        <li data-item-id="bare.step">
          <input type="checkbox" id="bare-cb" checked={done} onChange={(e) => setDone(e.target.checked)} />
          <label htmlFor="bare-cb">A step</label>
        </li>
      </ul>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<StrictMode><App /></StrictMode>);
`;

/** Writes and builds the bare app under `workDir`; returns the folder holding index.html and assets/. */
export async function buildBareReactApp(workDir: string): Promise<string> {
  const srcDir = path.join(workDir, 'bare-src');
  const outDir = path.join(workDir, 'bare-dist');
  await mkdir(srcDir, { recursive: true });
  await writeFile(path.join(srcDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(srcDir, 'main.jsx'), MAIN_JSX);
  // Resolve react/react-dom/plugin-react from the project's own node_modules.
  await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(srcDir, 'node_modules'), 'dir');
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  await build({
    configFile: false,
    root: srcDir,
    logLevel: 'warn',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, minify: true },
  });
  return outDir;
}
