import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recovery } from '../../main/core/storage/json-file-store';
import {
  OrgStore,
  orgSettingsSchema,
  providerSettingsSchema,
  type OrgInput,
} from '../../main/core/storage/org-store';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'pilot-orgs-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const salesforce = {
  baseUrl: 'https://acme.my.salesforce.com',
  clientId: '3MVG9-consumer-key',
  redirect: 'loopback',
  port: 7890,
} as const;
const okta = {
  baseUrl: 'https://acme.okta.com',
  clientId: '0oa-client',
  redirect: 'scheme',
  port: 7891,
} as const;
const acme: OrgInput = { alias: 'acme', salesforce };

let tick = 0;
const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));

describe('OrgStore', () => {
  it('adds, lists, gets, updates and removes an org, persisting to orgs.json', async () => {
    const store = new OrgStore(folder, { now: clock });
    expect(await store.list()).toEqual([]);
    const added = await store.add({ ...acme, okta });
    expect(added.createdAt).toBe(added.updatedAt);
    expect(await new OrgStore(folder).get('acme')).toEqual(added);

    const updated = await store.update('acme', { salesforce: { ...salesforce, port: 8000 } });
    expect(updated.salesforce.port).toBe(8000);
    expect(updated.okta).toEqual(okta);
    expect(updated.createdAt).toBe(added.createdAt);
    expect(updated.updatedAt > added.updatedAt).toBe(true);

    const withoutOkta = await store.update('acme', { okta: null });
    expect('okta' in withoutOkta).toBe(false);

    await store.add({ alias: 'beta.sandbox_2', salesforce });
    expect((await store.list()).map((o) => o.alias)).toEqual(['acme', 'beta.sandbox_2']);
    await store.remove('acme');
    expect((await new OrgStore(folder).list()).map((o) => o.alias)).toEqual(['beta.sandbox_2']);

    const onDisk = JSON.parse(await readFile(path.join(folder, 'orgs.json'), 'utf8'));
    expect(onDisk.schemaVersion).toBe(1);
    expect(onDisk.data.orgs).toHaveLength(1);
  });

  it('names the alias and the list command when an org is missing', async () => {
    const store = new OrgStore(folder);
    for (const attempt of [
      () => store.get('nope'),
      () => store.update('nope', {}),
      () => store.remove('nope'),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: 'not-found',
        message: expect.stringContaining('"nope"'),
        hint: expect.stringContaining('pkce-pilot org list'),
      });
    }
  });

  it('refuses a duplicate alias, also when it differs only in case', async () => {
    const store = new OrgStore(folder);
    await store.add(acme);
    await expect(store.add(acme)).rejects.toMatchObject({ code: 'already-exists' });
    await expect(store.add({ ...acme, alias: 'ACME' })).rejects.toMatchObject({
      code: 'already-exists',
      message: expect.stringContaining('"acme"'),
    });
    expect(await store.list()).toHaveLength(1);
  });

  it.each([
    ['alias starting with a dot', { ...acme, alias: '.acme' }, 'alias'],
    ['alias with a slash', { ...acme, alias: 'a/b' }, 'alias'],
    ['alias of 65 characters', { ...acme, alias: 'a'.repeat(65) }, 'alias'],
    ['port below 1024', { ...acme, salesforce: { ...salesforce, port: 80 } }, 'salesforce.port'],
    ['port above 65535', { ...acme, salesforce: { ...salesforce, port: 70000 } }, 'salesforce.port'],
    ['fractional port', { ...acme, salesforce: { ...salesforce, port: 8080.5 } }, 'salesforce.port'],
    ['unknown redirect', { ...acme, salesforce: { ...salesforce, redirect: 'web' } }, 'salesforce.redirect'],
    [
      'baseUrl not a URL',
      { ...acme, salesforce: { ...salesforce, baseUrl: 'acme.salesforce' } },
      'salesforce.baseUrl',
    ],
    ['empty client id', { ...acme, salesforce: { ...salesforce, clientId: '  ' } }, 'salesforce.clientId'],
  ])('rejects %s with invalid-input naming the field', async (_label, input, field) => {
    const store = new OrgStore(folder);
    await expect(store.add(input as OrgInput)).rejects.toMatchObject({
      code: 'invalid-input',
      details: { field },
    });
    await expect(readdir(folder)).resolves.toEqual([]);
  });

  it('accepts the longest alias (64 characters)', async () => {
    await expect(new OrgStore(folder).add({ ...acme, alias: `A${'z'.repeat(63)}` })).resolves.toBeDefined();
  });

  it('reports (not hides) an unreadable orgs.json and keeps it aside', async () => {
    await writeFile(path.join(folder, 'orgs.json'), '{"schemaVersion":1,"data":{"orgs":[{"alias":"x"}]}}');
    const seen: Recovery[] = [];
    const store = new OrgStore(folder, { onRecovered: (r) => seen.push(r) });
    expect(await store.list()).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(await readFile(seen[0]?.keptAt ?? '', 'utf8')).toContain('"alias":"x"');
  });

  it('keeps both of two concurrent adds', async () => {
    const store = new OrgStore(folder);
    await Promise.all(['a1', 'a2', 'a3', 'a4'].map((alias) => store.add({ alias, salesforce })));
    expect((await store.list()).map((o) => o.alias).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('names the field and says in English what is wrong with it (zod/mini ships no messages of its own)', async () => {
    const store = new OrgStore(folder);
    const bad = { alias: 'acme', salesforce: { ...salesforce, port: '7890' } } as unknown as OrgInput;
    await expect(store.add(bad)).rejects.toThrow(
      'Invalid org settings: salesforce.port: Invalid input: expected number, received string',
    );
  });

  it('exports schemas usable by the IPC contract', () => {
    expect(providerSettingsSchema.safeParse(okta).success).toBe(true);
    expect(orgSettingsSchema.safeParse({ ...acme, createdAt: 'yesterday', updatedAt: 'x' }).success).toBe(
      false,
    );
  });
});
