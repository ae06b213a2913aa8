/**
 * Several PKCE Pilot processes changing the same data folder at once (a script adding orgs in
 * parallel, or the CLI beside the app) must lose nothing: the stores lock across processes.
 * Runs the built CLI (`npm run build`); skipped with that reason when it is not built.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process';

const built = existsSync(path.resolve(__dirname, '../../out/main/cli.js'));
let home = '';
afterEach(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!built)('concurrent CLI processes on one data folder', () => {
  it('keeps every org when eight `org add` run at the same time', async () => {
    home = mkdtempSync(path.join(tmpdir(), 'pkce-concurrent-'));
    const aliases = Array.from({ length: 8 }, (_, i) => `org-${i}`);
    const runs = await Promise.all(
      aliases.map((alias) =>
        runCliProcess(['org', 'add', alias, '--login-url', 'production', '--client-id', `3MVG9${alias}`], {
          PKCE_PILOT_HOME: home,
        }),
      ),
    );
    expect(runs.map((r) => r.code)).toEqual(aliases.map(() => 0));
    const list = await runCliProcess(['org', 'list', '--json'], { PKCE_PILOT_HOME: home });
    const kept = (JSON.parse(list.stdout) as { alias: string }[]).map((o) => o.alias).sort();
    expect(kept).toEqual(aliases);
    // No lock or temp file is left behind.
    expect(readdirSync(home).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
  });
});
