/**
 * A corrupt data file is kept aside and the admin is told — in the app too (app.info notices), not
 * only in the CLI — never a silent reset.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createAppApi } from '../../main/core/app-api';
import { createCoreServices } from '../../main/core/services';
import { apiContract } from '../../preload/contract';

let home = '';
afterEach(() => rmSync(home, { recursive: true, force: true }));

it('app.info names the unreadable progress file and where it was kept', async () => {
  home = mkdtempSync(path.join(tmpdir(), 'pkce-notices-'));
  writeFileSync(path.join(home, 'progress.json'), '{"schemaVersion":1,"data":{"orgs":'); // cut short
  const vault = new Map<string, never>();
  const core = await createCoreServices({
    dataFolder: home,
    http: fetch,
    openBrowser: async () => undefined,
    secrets: {
      get: async (a, p) => vault.get(`${a}/${p}`),
      set: async () => undefined,
      delete: async () => false,
    },
  });
  const api = createAppApi({
    orgs: core.orgs,
    progress: core.progress,
    signIn: core.signIn,
    removeOrg: core.removeOrg,
    dataNotices: core.dataNotices,
    openExternal: async () => undefined,
    emit: () => undefined,
    info: { name: 'PKCE Pilot', version: 'test', platform: 'linux', dataFolder: home },
  });
  const info = await api['app.info']({});
  expect(apiContract['app.info'].output.safeParse(info).success).toBe(true);
  expect(info.notices).toHaveLength(1);
  expect(info.notices[0]).toMatch(/not valid JSON.*kept at .*progress\.corrupt-/);
  const kept = readdirSync(home).filter((f) => f.startsWith('progress.corrupt-'));
  expect(kept).toHaveLength(1);
  expect(existsSync(path.join(home, kept[0] ?? ''))).toBe(true);
});
