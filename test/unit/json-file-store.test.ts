import * as realFs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PilotError } from '../../main/core/errors';
import {
  JsonFileStore,
  type StoreFileHandle,
  type StoreFileSystem,
} from '../../main/core/storage/json-file-store';

const counterSchema = z.object({ count: z.number().int() });
type Counter = z.infer<typeof counterSchema>;

let folder = '';
let file = '';
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'pilot-jfs-'));
  file = path.join(folder, 'state.json');
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

function store(extra: Partial<ConstructorParameters<typeof JsonFileStore<Counter>>[0]> = {}) {
  return new JsonFileStore<Counter>({
    path: file,
    schemaVersion: 2,
    parse: (d) => counterSchema.parse(d),
    empty: () => ({ count: 0 }),
    now: () => new Date('2026-01-02T03:04:05.678Z'),
    ...extra,
  });
}

const write = (content: string) => writeFile(file, content);
const listFolder = async () => (await readdir(folder)).sort();

describe('JsonFileStore.load', () => {
  it('returns empty() for a missing file, without recovery', async () => {
    expect(await store().load()).toEqual({ value: { count: 0 } });
  });

  it('round-trips a saved value in the versioned envelope, owner-only, with no temp file left', async () => {
    await store().save({ count: 7 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ schemaVersion: 2, data: { count: 7 } });
    expect(await store().load()).toEqual({ value: { count: 7 } });
    expect(await listFolder()).toEqual(['state.json']);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['not JSON', '{"schemaVersion": 2, "data": {"cou', /not valid JSON/],
    ['wrong layout', '[1,2,3]', /expected/],
    ['invalid data', '{"schemaVersion": 2, "data": {"count": "seven"}}', /not valid/],
    ['old format without migrate', '{"schemaVersion": 1, "data": {"count": 1}}', /old format 1/],
  ])('moves a file with %s aside and reports it', async (_label, content, reason) => {
    await write(content);
    const result = await store().load();
    expect(result.value).toEqual({ count: 0 });
    expect(result.recovered?.reason).toMatch(reason);
    expect(result.recovered?.keptAt).toBe(path.join(folder, 'state.corrupt-2026-01-02T03-04-05.678Z.json'));
    expect(await readFile(result.recovered?.keptAt ?? '', 'utf8')).toBe(content);
    expect(await listFolder()).toEqual(['state.corrupt-2026-01-02T03-04-05.678Z.json']);
  });

  it('never overwrites an earlier quarantined file', async () => {
    await write('first');
    const one = await store().load();
    await write('second');
    const two = await store().load();
    expect(two.recovered?.keptAt).not.toBe(one.recovered?.keptAt);
    expect(await readFile(one.recovered?.keptAt ?? '', 'utf8')).toBe('first');
    expect(await readFile(two.recovered?.keptAt ?? '', 'utf8')).toBe('second');
  });

  it('refuses a file from a newer version and leaves it in place', async () => {
    const content = '{"schemaVersion": 3, "data": {"whatever": true}}';
    await write(content);
    const error = await store()
      .load()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PilotError);
    expect(error).toMatchObject({ code: 'storage', message: expect.stringMatching(/newer PKCE Pilot/) });
    expect(await readFile(file, 'utf8')).toBe(content);
    expect(await listFolder()).toEqual(['state.json']);
  });

  it('migrates an older version', async () => {
    await write('{"schemaVersion": 1, "data": {"n": 4}}');
    const migrated = await store({
      migrate: (d, from) => ({ count: (d as { n: number }).n * 10 + from }),
    }).load();
    expect(migrated).toEqual({ value: { count: 41 } });
  });

  it('quarantines when migrate throws', async () => {
    await write('{"schemaVersion": 1, "data": {}}');
    const result = await store({
      migrate: () => {
        throw new Error('nope');
      },
    }).load();
    expect(result.recovered?.reason).toMatch(/could not be converted/);
  });
});

describe('JsonFileStore.save', () => {
  it('serialises concurrent saves: last one wins, none interleave', async () => {
    let active = 0;
    let maxActive = 0;
    const tracking: StoreFileSystem = {
      ...(realFs as unknown as StoreFileSystem),
      open: async (f, flags, mode) => {
        const handle = await realFs.open(f, flags, mode);
        if (flags !== 'wx') return handle;
        active++;
        maxActive = Math.max(maxActive, active);
        return {
          writeFile: (d, e) => handle.writeFile(d, e),
          sync: () => handle.sync(),
          close: async () => {
            active--;
            await handle.close();
          },
        };
      },
    };
    const s = store({ fileSystem: tracking });
    await Promise.all(Array.from({ length: 40 }, (_, i) => s.save({ count: i })));
    expect(maxActive).toBe(1);
    expect(await s.load()).toEqual({ value: { count: 39 } });
    expect(await listFolder()).toEqual(['state.json']);
  });

  it('update() loses no concurrent change', async () => {
    const s = store();
    await Promise.all(
      Array.from({ length: 25 }, () =>
        s.update((c) => ({ value: { count: c.count + 1 }, result: undefined })),
      ),
    );
    expect((await s.load()).value.count).toBe(25);
  });

  it('rejects a value that would not load back, leaving the file as it was', async () => {
    const s = store();
    await s.save({ count: 1 });
    await expect(s.save({ count: 1.5 })).rejects.toThrow();
    expect((await s.load()).value).toEqual({ count: 1 });
  });

  it('creates a missing folder', async () => {
    const nested = path.join(folder, 'deeper', 'state.json');
    const s = new JsonFileStore<Counter>({
      path: nested,
      schemaVersion: 1,
      parse: (d) => counterSchema.parse(d),
      empty: () => ({ count: 0 }),
    });
    await s.save({ count: 3 });
    expect((await s.load()).value).toEqual({ count: 3 });
  });
});

describe('JsonFileStore save failures keep the previous file and remove the temp file', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

  function failing(step: 'write' | 'open' | 'rename', code: string): StoreFileSystem {
    return {
      ...(realFs as unknown as StoreFileSystem),
      open: async (f, flags, mode): Promise<StoreFileHandle> => {
        if (flags === 'wx' && step === 'open') throw errno(code);
        const handle = await realFs.open(f, flags, mode);
        if (flags !== 'wx' || step !== 'write') return handle;
        return {
          // Write part of the data, then fail the way a full disk does.
          writeFile: async (d, e) => {
            await handle.writeFile(d.slice(0, 5), e);
            throw errno(code);
          },
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
      rename: async (from, to) => {
        if (step === 'rename' && from.endsWith('.tmp')) throw errno(code);
        return realFs.rename(from, to);
      },
    };
  }

  it.each([
    ['write', 'ENOSPC', /disk is full/],
    ['open', 'EROFS', /read-only/],
    ['rename', 'EACCES', /permission denied/],
    ['rename', 'EPERM', /permission denied/],
  ] as const)('%s failing with %s', async (step, code, message) => {
    await store().save({ count: 1 });
    const s = store({ fileSystem: failing(step, code) });
    const error = await s.save({ count: 2 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PilotError);
    expect(error).toMatchObject({
      code: 'storage',
      message: expect.stringMatching(message),
      details: { errno: code },
    });
    expect((error as PilotError).message).toMatch(/^Could not save .*state\.json/);
    expect((error as PilotError).hint).not.toBe('');
    expect(await listFolder()).toEqual(['state.json']);
    expect(await store().load()).toEqual({ value: { count: 1 } });
    // The queue keeps working after a failure.
    await store().save({ count: 3 });
    expect((await s.load()).value).toEqual({ count: 3 });
  });
});

describe('JsonFileStore temp files of crashed writers', () => {
  it('removes temp files of processes that are gone and keeps those of live ones and unrelated files', async () => {
    await store().save({ count: 1 });
    const deadPid = 2 ** 22 + 12345; // above Linux's largest pid_max, so no such process
    await writeFile(path.join(folder, `state.json.${deadPid}.a1b2c3.tmp`), '{"half":');
    await writeFile(path.join(folder, `state.json.${process.pid}.d4e5f6.tmp`), 'mine, in flight');
    await writeFile(path.join(folder, 'other.json.1.aa.tmp'), 'not ours');
    expect(await store().load()).toEqual({ value: { count: 1 } });
    expect(await listFolder()).toEqual([
      'other.json.1.aa.tmp',
      'state.json',
      `state.json.${process.pid}.d4e5f6.tmp`,
    ]);
  });

  it('reports an unreadable file as storage without moving it', async () => {
    await store().save({ count: 1 });
    const denied: StoreFileSystem = {
      ...(realFs as unknown as StoreFileSystem),
      readFile: async () => {
        throw Object.assign(new Error('EACCES: simulated'), { code: 'EACCES' });
      },
    };
    await expect(store({ fileSystem: denied }).load()).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/Could not read .*permission denied/),
    });
    expect(await listFolder()).toEqual(['state.json']);
  });
});

describe('JsonFileStore keeps what it last read or wrote', () => {
  const nestedSchema = z.object({ orgs: z.record(z.string(), z.object({ steps: z.array(z.string()) })) });
  type Nested = z.infer<typeof nestedSchema>;

  const nestedStore = (fileSystem?: StoreFileSystem) =>
    new JsonFileStore<Nested>({
      path: file,
      schemaVersion: 1,
      parse: (d) => nestedSchema.parse(d),
      empty: () => ({ orgs: {} }),
      ...(fileSystem ? { fileSystem } : {}),
    });

  /** A store over `file` that counts the reads of its content. */
  function counted() {
    const reads: string[] = [];
    const nested = nestedStore({
      ...(realFs as unknown as StoreFileSystem),
      readFile: async (f, e) => {
        reads.push(path.basename(f));
        return realFs.readFile(f, e);
      },
    });
    return { nested, reads };
  }

  it('reads an unchanged file once, and reads it again once another writer replaced or edited it', async () => {
    const { nested, reads } = counted();
    await nestedStore().save({ orgs: { acme: { steps: ['a'] } } });
    expect((await nested.load()).value).toEqual({ orgs: { acme: { steps: ['a'] } } });
    expect((await nested.load()).value).toEqual({ orgs: { acme: { steps: ['a'] } } });
    expect(reads).toHaveLength(1);

    // Another PKCE Pilot saves (a new file renamed into place) …
    await nestedStore().save({ orgs: { beta: { steps: ['b'] } } });
    expect((await nested.load()).value).toEqual({ orgs: { beta: { steps: ['b'] } } });
    expect(reads).toHaveLength(2);

    // … or an editor rewrites the file in place.
    await write(JSON.stringify({ schemaVersion: 1, data: { orgs: { gamma: { steps: ['c', 'd'] } } } }));
    expect((await nested.load()).value).toEqual({ orgs: { gamma: { steps: ['c', 'd'] } } });
    expect(reads).toHaveLength(3);
  });

  it('answers the load after its own save from what it saved, without reading the file', async () => {
    const { nested, reads } = counted();
    await nested.update(() => ({ value: { orgs: { acme: { steps: ['a', 'b'] } } }, result: undefined }));
    expect(reads).toEqual([]); // no file yet: nothing to read
    expect((await nested.load()).value).toEqual({ orgs: { acme: { steps: ['a', 'b'] } } });
    await nested.update((current) => ({
      value: { orgs: { ...current.orgs, beta: { steps: [] } } },
      result: undefined,
    }));
    expect((await nested.load()).value).toEqual({
      orgs: { acme: { steps: ['a', 'b'] }, beta: { steps: [] } },
    });
    expect(reads).toEqual([]);
    // What it answers is what the file holds.
    expect(JSON.parse(await readFile(file, 'utf8')).data).toEqual((await nested.load()).value);
  });

  it('hands out values no caller can change under another (frozen, all the way down)', async () => {
    const { nested } = counted();
    await nested.save({ orgs: { acme: { steps: ['a'] } } });
    const first = (await nested.load()).value;
    expect(() => {
      (first.orgs as Record<string, unknown>)['acme'] = { steps: [] };
    }).toThrow(TypeError);
    expect(() => first.orgs['acme']?.steps.push('z')).toThrow(TypeError);
    expect((await nested.load()).value).toEqual({ orgs: { acme: { steps: ['a'] } } });
  });

  it('forgets its copy when a save fails, so the next load reads what the file really holds', async () => {
    await store().save({ count: 1 });
    let failRename = false;
    const reads: string[] = [];
    const flaky: StoreFileSystem = {
      ...(realFs as unknown as StoreFileSystem),
      readFile: async (f, e) => {
        reads.push(f);
        return realFs.readFile(f, e);
      },
      rename: async (from, to) => {
        if (failRename) throw Object.assign(new Error('EIO: simulated'), { code: 'EIO' });
        return realFs.rename(from, to);
      },
    };
    const s = store({ fileSystem: flaky });
    expect((await s.load()).value).toEqual({ count: 1 });
    failRename = true;
    await expect(s.update(() => ({ value: { count: 2 }, result: undefined }))).rejects.toMatchObject({
      code: 'storage',
    });
    failRename = false;
    expect((await s.load()).value).toEqual({ count: 1 });
    // The first load and the one after the failure; the update's read was the unchanged file's copy.
    expect(reads).toHaveLength(2);
  });
});
