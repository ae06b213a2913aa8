/**
 * Builds a TypeScript entry into one CommonJS file a plain `node` child process can run (Node 20 cannot
 * strip types and tsx is not installed). Uses rolldown, the bundler Vite 8 ships with. Native modules
 * (keytar) stay external and resolve from this repo's node_modules through NODE_PATH.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'rolldown';

export const REPO_NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');

export async function bundleForChild(entry: string): Promise<{ file: string; folder: string }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'pilot-child-'));
  const file = path.join(folder, `${path.basename(entry, '.ts')}.cjs`);
  await build({
    input: entry,
    platform: 'node',
    external: ['keytar'],
    logLevel: 'silent',
    // One file even when the entry reaches dynamic imports (the core loads some modules lazily).
    output: { file, format: 'cjs', codeSplitting: false },
  });
  return { file, folder };
}

/** Env for a child that must find keytar from a bundle living in a temp folder. */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged = Object.entries({ ...process.env, NODE_PATH: REPO_NODE_MODULES, ...overrides });
  // An override of `undefined` removes the variable (e.g. DBUS_SESSION_BUS_ADDRESS for the no-bus case).
  return Object.fromEntries(merged.filter(([, value]) => value !== undefined));
}
