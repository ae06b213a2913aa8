/**
 * The web test bridge in a process of its own, as the Electron main process is in the app: the
 * benchmark's own event loop (it drives Chromium over CDP) must not delay the page's requests.
 * Usage: tsx bench/bridge-process.ts <home> [<rendererDir>] — prints {"url": …} once listening.
 */
import { startBridgeServer } from '../test/e2e/web-bridge/server';

async function main(): Promise<void> {
  const [home, rendererDir] = process.argv.slice(2);
  if (!home) throw new Error('usage: bridge-process.ts <home> [<rendererDir>]');
  const server = await startBridgeServer({ home, ...(rendererDir ? { rendererDir } : {}) });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

void main();
