import { mkdtempSync, rmSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { VERIFY_CONCURRENCY } from '../../main/core/verify/concurrency';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppApi, signInEventToAppEvent, type SignInServiceLike } from '../../main/core/app-api';
import { PilotError } from '../../main/core/errors';
import type { ProviderId, SignInStatus } from '../../main/core/model';
import { OrgStore } from '../../main/core/storage/org-store';
import { ProgressStore } from '../../main/core/storage/progress-store';
import { VerificationStore } from '../../main/core/verify/verification-store';
import { applyToChecklist } from '../../main/core/verify/run';
import { apiContract, fleetBoardSchema, type AppEvent } from '../../preload/contract';

/** A sign-in engine stand-in whose outcome each test settles by hand. */
function manualSignIn(emit: (e: AppEvent) => void, opened: string[]) {
  const settle: Record<string, { resolve: (s: SignInStatus) => void; reject: (e: unknown) => void }> = {};
  const service: SignInServiceLike = {
    async start(alias, provider) {
      opened.push('https://login.example/authorize?client_id=x&code_challenge=abc');
      emit(signInEventToAppEvent({ alias, provider, phase: 'waiting-for-browser' }));
      const done = new Promise<SignInStatus>(
        (resolve, reject) => (settle[`${alias}/${provider}`] = { resolve, reject }),
      );
      done.then(
        (s) =>
          emit(
            signInEventToAppEvent({
              alias,
              provider,
              phase: 'signed-in',
              message: `Signed in as ${s.username}`,
            }),
          ),
        () => emit(signInEventToAppEvent({ alias, provider, phase: 'cancelled' })),
      );
      return { authorizationUrl: 'https://login.example/authorize', done };
    },
    cancel: (alias, provider) => {
      settle[`${alias}/${provider}`]?.reject(new PilotError('signin-cancelled', 'Sign-in cancelled.', ''));
      return true;
    },
    signOut: async () => undefined,
    status: async (alias: string, provider: ProviderId) =>
      ({
        alias,
        provider,
        signedIn: true,
        username: 'admin@acme.com',
        accessToken: 'SECRET-TOKEN',
      }) as SignInStatus,
  };
  return { service, settle };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createAppApi over real stores', () => {
  let dir: string;
  let events: AppEvent[];
  let opened: string[];
  let sign: ReturnType<typeof manualSignIn>;
  let api: ReturnType<typeof createAppApi>;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pkce-pilot-api-'));
    events = [];
    opened = [];
    sign = manualSignIn((e) => void events.push(e), opened);
    api = createAppApi({
      orgs: new OrgStore(dir),
      progress: new ProgressStore(dir),
      signIn: sign.service,
      removeOrg: async () => {},
      openExternal: async (u) => void opened.push(u),
      emit: (e) => void events.push(e),
      info: { name: 'PKCE Pilot', version: '0.1.0', platform: 'linux', dataFolder: dir },
      now: () => new Date('2026-07-05T10:00:00Z'),
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const addAcme = () =>
    api['orgs.add']({
      alias: 'acme',
      salesforceLoginUrl: 'acme.my.salesforce.com',
      clientId: '3MVG9abc',
      redirect: 'loopback',
      oktaOrgUrl: 'https://acme-admin.okta.com',
      oktaClientId: '0oaX',
    });

  it('adds an org with normalised URLs and the callback URLs to register', async () => {
    const org = await addAcme();
    expect(org.salesforce.baseUrl).toBe('https://acme.my.salesforce.com');
    expect(org.okta?.baseUrl).toBe('https://acme.okta.com');
    // One callback URL per org and provider (mix-up defence); before, all orgs shared /oauth/callback.
    expect(org.callbackUrls).toEqual([
      'com.pkcepilot.app:/oauth/callback/acme/salesforce',
      'http://127.0.0.1:7171/oauth/callback/acme/salesforce',
      'com.pkcepilot.app:/oauth/callback/acme/okta',
      'http://127.0.0.1:7171/oauth/callback/acme/okta',
    ]);
    expect((await api['orgs.list']({})).orgs.map((o) => o.alias)).toEqual(['acme']);
    expect(events).toContainEqual({ type: 'orgs-changed' });
  });

  it('names the bad field in plain words', async () => {
    await expect(
      api['orgs.add']({
        alias: 'x',
        salesforceLoginUrl: 'http://evil.example',
        clientId: 'a',
        redirect: 'loopback',
      }),
    ).rejects.toThrow(/must use https/);
    await expect(
      api['orgs.add']({
        alias: 'bad alias',
        salesforceLoginUrl: 'production',
        clientId: 'a',
        redirect: 'loopback',
      }),
    ).rejects.toMatchObject({ code: 'invalid-input' });
    await addAcme();
    await expect(addAcme()).rejects.toMatchObject({ code: 'already-exists' });
  });

  describe('login URLs outside the known Salesforce domains (mix-up defence)', () => {
    const add = (alias: string, salesforceLoginUrl: string, allowUnknownHost?: boolean) =>
      api['orgs.add']({
        alias,
        salesforceLoginUrl,
        clientId: '3MVG9abc',
        redirect: 'loopback',
        ...(allowUnknownHost === undefined ? {} : { allowUnknownHost }),
      });

    it('refuses an unknown host unless the admin confirmed it, and says why', async () => {
      for (const flag of [undefined, false]) {
        const err: unknown = await add('evil', 'https://login.salesforce-secure.example', flag).catch(
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(PilotError);
        expect(err).toMatchObject({ code: 'unknown-host' });
        expect((err as PilotError).message).toMatch(
          /^login\.salesforce-secure\.example is not on a known Salesforce domain/,
        );
      }
      // A look-alike that only ends in a Salesforce name is not on a Salesforce domain.
      await expect(add('lookalike', 'https://evilsalesforce.com')).rejects.toMatchObject({
        code: 'unknown-host',
      });
      expect((await api['orgs.list']({})).orgs).toEqual([]);
      const org = await add('evil', 'https://login.salesforce-secure.example', true);
      expect(org.salesforce.baseUrl).toBe('https://login.salesforce-secure.example');
    });

    it.each([
      ['acme.my.salesforce.com', 'https://acme.my.salesforce.com'],
      ['production', 'https://login.salesforce.com'],
      ['https://login.salesforce.com', 'https://login.salesforce.com'],
      ['sandbox', 'https://test.salesforce.com'],
      ['https://test.salesforce.com', 'https://test.salesforce.com'],
      ['https://acme--dev.sandbox.my.salesforce.com', 'https://acme--dev.sandbox.my.salesforce.com'],
      ['https://acme.my.site.com', 'https://acme.my.site.com'],
      ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
      ['http://localhost:4010', 'http://localhost:4010'],
    ])('accepts %s without asking', async (input, baseUrl) => {
      expect((await add('known', input)).salesforce.baseUrl).toBe(baseUrl);
      expect(
        (
          await api['orgs.check']({
            alias: 'other',
            salesforceLoginUrl: input,
            clientId: 'a',
            redirect: 'loopback',
          })
        ).loginHostWarning,
      ).toBeUndefined();
    });

    it('asks again when an update moves the org to an unknown host, not when it keeps its host', async () => {
      await addAcme();
      const moveTo = (url: string, allowUnknownHost?: boolean) =>
        api['orgs.update']({
          alias: 'acme',
          salesforceLoginUrl: url,
          ...(allowUnknownHost === undefined ? {} : { allowUnknownHost }),
        });
      await expect(moveTo('https://sso.acme.example')).rejects.toMatchObject({ code: 'unknown-host' });
      expect((await api['orgs.list']({})).orgs[0]?.salesforce.baseUrl).toBe('https://acme.my.salesforce.com');
      expect((await moveTo('https://sso.acme.example', true)).salesforce.baseUrl).toBe(
        'https://sso.acme.example',
      );
      // Changing something else keeps the confirmed host without asking again.
      const kept = await api['orgs.update']({ alias: 'acme', clientId: '3MVG9new' });
      expect(kept.salesforce).toMatchObject({ baseUrl: 'https://sso.acme.example', clientId: '3MVG9new' });
      expect((await moveTo('sso.acme.example')).salesforce.baseUrl).toBe('https://sso.acme.example');
      expect((await moveTo('sandbox')).salesforce.baseUrl).toBe('https://test.salesforce.com');
    });

    it('orgs.check warns on the login URL before saving (not when editing keeps the host)', async () => {
      const form = { alias: 'beta', clientId: '3MVG9abc', redirect: 'loopback' as const };
      const unknown = await api['orgs.check']({ ...form, salesforceLoginUrl: 'sso.beta.example' });
      expect(unknown.errors).toEqual([]);
      expect(unknown.loginHostWarning).toMatch(/^sso\.beta\.example is not on a known Salesforce domain/);
      expect(apiContract['orgs.check'].output.safeParse(unknown).success).toBe(true);
      // An invalid URL is an error, not a warning.
      const invalid = await api['orgs.check']({ ...form, salesforceLoginUrl: 'http://sso.beta.example' });
      expect(invalid.errors.map((e) => e.field)).toEqual(['salesforceLoginUrl']);
      expect(invalid.loginHostWarning).toBeUndefined();
      await add('beta', 'https://sso.beta.example', true);
      const editing = { ...form, editing: true };
      expect(
        (await api['orgs.check']({ ...editing, salesforceLoginUrl: 'https://sso.beta.example/' }))
          .loginHostWarning,
      ).toBeUndefined();
      expect(
        (await api['orgs.check']({ ...editing, salesforceLoginUrl: 'https://other.beta.example' }))
          .loginHostWarning,
      ).toMatch(/^other\.beta\.example is not/);
    });
  });

  it('ticks, notes and keeps progress in the data folder', async () => {
    await addAcme();
    const v = await api['checklist.setDone']({ alias: 'acme', itemId: 'sf.log-in', done: true });
    const item = v.sections.flatMap((s) => s.items).find((i) => i.id === 'sf.log-in');
    expect(item?.progress).toMatchObject({ done: true, doneBy: 'admin' });
    expect(Date.parse(item?.progress.doneAt ?? '')).not.toBeNaN();
    await api['checklist.setNote']({ alias: 'acme', itemId: 'sf.log-in', note: 'used the integration user' });
    // A second facade over the same folder (= app restart) sees the same progress.
    const again = createAppApi({
      orgs: new OrgStore(dir),
      progress: new ProgressStore(dir),
      signIn: sign.service,
      removeOrg: async () => {},
      openExternal: async () => {},
      emit: () => {},
      info: { name: '', version: '', platform: '', dataFolder: dir },
    });
    const view = await again['checklist.get']({ alias: 'acme' });
    const kept = view.sections.flatMap((s) => s.items).find((i) => i.id === 'sf.log-in');
    expect(kept?.progress.note).toBe('used the integration user');
    expect(view.summary.done).toBe(1);
    await expect(
      api['checklist.setDone']({ alias: 'acme', itemId: 'scope.saml-only', done: true }),
    ).rejects.toThrow(/information only/);
    await expect(
      api['checklist.setDone']({ alias: 'acme', itemId: 'sf.nope', done: true }),
    ).rejects.toMatchObject({ code: 'not-found' });
    await expect(api['checklist.get']({ alias: 'ghost' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('lists every org with its own progress, reading each data file once, not once per org', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `org-${i}`);
    for (const alias of aliases)
      await api['orgs.add']({
        alias,
        salesforceLoginUrl: `${alias}.my.salesforce.com`,
        clientId: '3MVG9abc',
        redirect: 'loopback',
      });
    await api['checklist.setDone']({ alias: 'org-7', itemId: 'guidance.workflows-reauthorize', done: true });
    const reads: string[] = [];
    const counting = {
      ...fsPromises,
      readFile: (file: string, encoding: 'utf8') => {
        reads.push(path.basename(file));
        return fsPromises.readFile(file, encoding);
      },
    };
    const fleet = createAppApi({
      orgs: new OrgStore(dir),
      progress: new ProgressStore(dir, { fileSystem: counting }),
      signIn: sign.service,
      removeOrg: async () => {},
      openExternal: async () => {},
      emit: () => {},
      info: { name: '', version: '', platform: '', dataFolder: dir },
    });
    const rows = (await fleet['fleet.list']({})).orgs;
    expect(rows.map((r) => r.alias)).toEqual(aliases);
    // Each row is that org's own board as board.get (one org at a time) gives it, summed up: step states
    // without the checks and wording behind them.
    for (const alias of ['org-7', 'org-8']) {
      const full = await api['board.get']({ alias });
      expect(rows.find((r) => r.alias === alias)?.board).toEqual(fleetBoardSchema.parse(full));
    }
    const state = (alias: string) => JSON.stringify(rows.find((r) => r.alias === alias)?.board);
    expect(state('org-7')).not.toEqual(state('org-8'));
    expect(reads.filter((f) => f === 'progress.json')).toHaveLength(1);
  });

  it('gives an org called "constructor" (a valid alias every plain object inherits) only its own data', async () => {
    const progress = new ProgressStore(dir);
    await progress.setDone('acme', 'sf.log-in', true);
    expect(await progress.getOrg('constructor')).toEqual({});
    expect(await new VerificationStore(dir).latest('constructor')).toBeUndefined();
  });

  it('rejects inputs that bypass the contract (strict at the core boundary too)', async () => {
    await addAcme();
    await expect(api['checklist.get']({ alias: 'acme', extra: 1 } as never)).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('reports sign-in phases as events and never returns secrets in status', async () => {
    await addAcme();
    const r = await api['signIn.start']({ alias: 'acme', provider: 'salesforce' });
    expect(r.phase).toBe('waiting-for-browser');
    expect(opened).toHaveLength(1);
    sign.settle['acme/salesforce']?.resolve({
      alias: 'acme',
      provider: 'salesforce',
      signedIn: true,
      username: 'admin@acme.com',
    });
    await tick();
    expect(events.filter((e) => e.type === 'sign-in').map((e) => e.type === 'sign-in' && e.phase)).toEqual([
      'waiting-for-browser',
      'signed-in',
    ]);
    await api['signIn.start']({ alias: 'acme', provider: 'okta' });
    await api['signIn.cancel']({ alias: 'acme', provider: 'okta' });
    await tick();
    expect(events.at(-1)).toMatchObject({ type: 'sign-in', provider: 'okta', phase: 'cancelled' });
    const status = await api['signIn.status']({ alias: 'acme' });
    expect(status.statuses).toHaveLength(2);
    expect(JSON.stringify(status)).not.toContain('SECRET');
    expect(apiContract['signIn.status'].output.safeParse(status).success).toBe(true);
  });

  it('opens deep links built from the org settings', async () => {
    await addAcme();
    const r = await api['links.open']({ alias: 'acme', target: 'salesforce.app-manager' });
    expect(r.url).toBe('https://acme.my.salesforce.com/lightning/setup/NavigationMenus/home');
    expect(opened).toEqual([r.url]);
  });

  it('says plainly when verification or reports are not available', async () => {
    await addAcme();
    await expect(api['verify.run']({ alias: 'acme' })).rejects.toThrow(/not available/);
    await expect(api['report.export']({ alias: 'acme', format: 'pdf' })).rejects.toThrow(/not available/);
    const info = await api['app.info']({});
    // Without a shell's own figure, the app says what `verify --all` uses (services.ts).
    expect(info.features).toEqual({
      verify: false,
      reports: [],
      fleetReports: [],
      verifyConcurrency: VERIFY_CONCURRENCY,
    });
    expect(info.deadline.text).toBe('Salesforce has enforced PKCE for 10 days (since 25 June 2026).');
    expect(apiContract['app.info'].output.safeParse(info).success).toBe(true);
  });

  it('records verification checks as evidence on the items they confirm', async () => {
    await addAcme();
    const withVerify = createAppApi({
      orgs: new OrgStore(dir),
      progress: new ProgressStore(dir),
      signIn: sign.service,
      removeOrg: async () => {},
      openExternal: async () => {},
      emit: (e) => void events.push(e),
      info: { name: '', version: '', platform: '', dataFolder: dir },
      // As CoreServices.verifyOne does: run, then record the verdicts as checklist evidence.
      verify: async (alias) => {
        const result = {
          org: alias,
          checkedAt: '2026-07-05T10:00:00.000Z',
          checks: [
            {
              id: 'salesforce.okta-app.pkce-required' as const,
              status: 'pass' as const,
              summary: 'Okta app requires PKCE',
              evidence: {
                api: 'Metadata API',
                values: { isPkceRequired: true },
                at: '2026-07-05T10:00:00.000Z',
              },
            },
          ],
        };
        await applyToChecklist(new ProgressStore(dir), alias, result);
        return result;
      },
    });
    await withVerify['verify.run']({ alias: 'acme' });
    const view = await withVerify['checklist.get']({ alias: 'acme' });
    const item = view.sections.flatMap((s) => s.items).find((i) => i.id === 'sf.require-pkce');
    expect(item?.verifiedByCheck).toBe(true);
    expect(item?.progress).toMatchObject({ done: true, doneBy: 'verification' });
    expect(
      events.filter((e) => e.type === 'verification').map((e) => e.type === 'verification' && e.phase),
    ).toEqual(['started', 'finished']);
  });
});

describe('app.start', () => {
  it("brings info, orgs and the remembered (or first) org's checklist in one answer", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pkce-pilot-start-'));
    try {
      const api = createAppApi({
        orgs: new OrgStore(dir),
        progress: new ProgressStore(dir),
        signIn: manualSignIn(() => undefined, []).service,
        removeOrg: async () => {},
        openExternal: async () => {},
        emit: () => {},
        info: { name: 'PKCE Pilot', version: '0.1.0', platform: 'linux', dataFolder: dir },
      });
      expect(await api['app.start']({})).toMatchObject({ orgs: [] });
      expect((await api['app.start']({})).checklist).toBeUndefined();
      for (const alias of ['acme', 'beta']) {
        await api['orgs.add']({
          alias,
          salesforceLoginUrl: 'production',
          clientId: '3MVG9abc',
          redirect: 'loopback',
        });
      }
      await api['checklist.setDone']({ alias: 'beta', itemId: 'sf.log-in', done: true });
      const remembered = await api['app.start']({ lastOrg: 'beta' });
      expect(apiContract['app.start'].output.safeParse(remembered).success).toBe(true);
      expect(remembered.orgs.map((o) => o.alias)).toEqual(['acme', 'beta']);
      expect(remembered.checklist?.alias).toBe('beta');
      expect(remembered.checklist?.summary.done).toBe(1);
      // A remembered org that no longer exists falls back to the first one.
      expect((await api['app.start']({ lastOrg: 'gone' })).checklist?.alias).toBe('acme');
      await expect(api['app.start']({ lastOrg: 'bad alias' } as never)).rejects.toMatchObject({
        code: 'invalid-input',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
