import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decide,
  NOTE_MAX_CHARS,
  ProgressStore,
  type Evidence,
  type ItemProgress,
} from '../../main/core/storage/progress-store';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'pilot-progress-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const now = () => new Date('2026-03-04T05:06:07.000Z');
const evidence = (status: Evidence['status'], summary = `check said ${status}`): Evidence => ({
  checkId: 'connected-app-pkce',
  status,
  summary,
  at: '2026-03-04T06:00:00.000Z',
});

describe('ProgressStore', () => {
  it('ticks, unticks and keeps notes per org and item, persisted', async () => {
    const store = new ProgressStore(folder, { now });
    expect(await store.getOrg('acme')).toEqual({});
    await store.setDone('acme', 'create-connected-app', true);
    await store.setNote('acme', 'create-connected-app', 'Done with Sam.');
    await store.setDone('beta', 'create-connected-app', true);
    const reread = new ProgressStore(folder);
    expect(await reread.getOrg('acme')).toEqual({
      'create-connected-app': {
        done: true,
        doneBy: 'admin',
        doneAt: '2026-03-04T05:06:07.000Z',
        note: 'Done with Sam.',
        noteAt: '2026-03-04T05:06:07.000Z',
      },
    });
    const unticked = await store.setDone('acme', 'create-connected-app', false);
    expect(unticked).toEqual({
      done: false,
      doneBy: 'admin',
      note: 'Done with Sam.',
      noteAt: '2026-03-04T05:06:07.000Z',
    });
    const cleared = await store.setNote('acme', 'create-connected-app', '   ');
    expect(cleared).toEqual({ done: false, doneBy: 'admin' });
    expect(Object.keys(await reread.getOrg('beta'))).toEqual(['create-connected-app']);
  });

  it('caps notes at 2000 characters (counted as characters, not UTF-16 units)', async () => {
    const store = new ProgressStore(folder);
    await expect(store.setNote('acme', 'i', '😀'.repeat(NOTE_MAX_CHARS))).resolves.toBeDefined();
    await expect(store.setNote('acme', 'i', 'x'.repeat(NOTE_MAX_CHARS + 1))).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/2001 characters.*at most 2000/),
    });
    expect((await store.getOrg('acme'))['i']?.note).toBe('😀'.repeat(NOTE_MAX_CHARS));
  });

  it('rejects a bad alias or item id', async () => {
    const store = new ProgressStore(folder);
    await expect(store.setDone('../etc', 'i', true)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(store.setDone('acme', '', true)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(
      store.recordEvidence('acme', 'i', { ...evidence('pass'), status: 'great' as never }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('a passing check ticks an undecided item as verification', async () => {
    const store = new ProgressStore(folder);
    const outcome = await store.recordEvidence('acme', 'pkce', evidence('pass'));
    expect(outcome).toEqual({
      item: {
        done: true,
        doneBy: 'verification',
        doneAt: '2026-03-04T06:00:00.000Z',
        evidence: evidence('pass'),
      },
    });
  });

  it('never overrides the admin: a failing check on an admin tick is a conflict, the tick stays', async () => {
    const store = new ProgressStore(folder);
    await store.setDone('acme', 'pkce', true);
    const outcome = await store.recordEvidence(
      'acme',
      'pkce',
      evidence('fail', 'PKCE is not required on the connected app.'),
    );
    expect(outcome.conflict).toBe(
      'You marked this step as done, but the check failed: PKCE is not required on the connected app.',
    );
    expect((await store.getOrg('acme'))['pkce']).toMatchObject({
      done: true,
      doneBy: 'admin',
      evidence: { status: 'fail' },
    });
  });

  it('never ticks what the admin unticked: a passing check is a conflict', async () => {
    const store = new ProgressStore(folder);
    await store.setDone('acme', 'pkce', false);
    const outcome = await store.recordEvidence('acme', 'pkce', evidence('pass'));
    expect(outcome.conflict).toMatch(/not done, but the check passed/);
    expect((await store.getOrg('acme'))['pkce']).toMatchObject({ done: false, doneBy: 'admin' });
  });

  it("records many orgs' evidence in one write with the same rules as one at a time", async () => {
    const store = new ProgressStore(folder);
    await store.setDone('beta', 'pkce', false); // the admin decided: a pass must not tick it
    const outcomes = await store.recordEvidenceMany([
      { alias: 'acme', itemId: 'pkce', evidence: evidence('pass') },
      { alias: 'acme', itemId: 'tokens', evidence: evidence('unknown') },
      { alias: 'beta', itemId: 'pkce', evidence: evidence('pass') },
    ]);
    expect(outcomes.map((o) => Boolean(o.conflict))).toEqual([false, false, true]);
    const reread = new ProgressStore(folder);
    expect((await reread.getOrg('acme'))['pkce']).toMatchObject({ done: true, doneBy: 'verification' });
    expect((await reread.getOrg('acme'))['tokens']).toMatchObject({ done: false });
    expect((await reread.getOrg('beta'))['pkce']).toMatchObject({ done: false, doneBy: 'admin' });
    await expect(
      store.recordEvidenceMany([{ alias: 'bad alias', itemId: 'x', evidence: evidence('pass') }]),
    ).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('removeOrg drops one org and keeps the others', async () => {
    const store = new ProgressStore(folder);
    await store.setDone('acme', 'a', true);
    await store.setDone('beta', 'a', true);
    await store.removeOrg('acme');
    expect(await store.getOrg('acme')).toEqual({});
    expect(await store.getOrg('beta')).toMatchObject({ a: { done: true } });
  });

  it('loses no change when many are made at once across orgs', async () => {
    const store = new ProgressStore(folder);
    await Promise.all(
      ['acme', 'beta', 'gamma'].flatMap((alias) =>
        Array.from({ length: 8 }, (_, i) => store.setDone(alias, `item-${i}`, i % 2 === 0)),
      ),
    );
    for (const alias of ['acme', 'beta', 'gamma'])
      expect(Object.keys(await store.getOrg(alias))).toHaveLength(8);
  });
});

describe('decide (evidence against the current state)', () => {
  const cases: Array<[string, ItemProgress, Evidence['status'], Partial<ItemProgress>, boolean]> = [
    ['undecided + pass ticks', { done: false }, 'pass', { done: true, doneBy: 'verification' }, false],
    ['undecided + fail stays unticked', { done: false }, 'fail', { done: false }, false],
    [
      'verification tick + fail withdraws it',
      { done: true, doneBy: 'verification', doneAt: 'x' },
      'fail',
      { done: false, doneBy: 'verification' },
      false,
    ],
    [
      'verification untick + pass ticks again',
      { done: false, doneBy: 'verification' },
      'pass',
      { done: true, doneBy: 'verification' },
      false,
    ],
    [
      'admin tick + pass agrees',
      { done: true, doneBy: 'admin', doneAt: 'x' },
      'pass',
      { done: true, doneBy: 'admin', doneAt: 'x' },
      false,
    ],
    [
      'admin tick + fail conflicts',
      { done: true, doneBy: 'admin' },
      'fail',
      { done: true, doneBy: 'admin' },
      true,
    ],
    [
      'admin untick + pass conflicts',
      { done: false, doneBy: 'admin' },
      'pass',
      { done: false, doneBy: 'admin' },
      true,
    ],
    [
      'admin untick + fail agrees',
      { done: false, doneBy: 'admin' },
      'fail',
      { done: false, doneBy: 'admin' },
      false,
    ],
    ['unknown changes nothing', { done: false }, 'unknown', { done: false }, false],
    [
      'manual changes nothing',
      { done: true, doneBy: 'verification' },
      'manual',
      { done: true, doneBy: 'verification' },
      false,
    ],
  ];
  it.each(cases)('%s', (_label, item, status, expected, conflict) => {
    const { item: next, result } = decide(item, evidence(status));
    expect(next).toMatchObject({ ...expected, evidence: evidence(status) });
    expect(result !== undefined).toBe(conflict);
    if (!expected.doneAt && !next.done) expect(next.doneAt).toBeUndefined();
  });
});
