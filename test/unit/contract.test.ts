import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_METHODS, apiContract, appEventSchema, channelOf, EVENT_CHANNEL } from '../../preload/contract';

/** Every property name anywhere in a JSON schema. */
function propertyNames(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) {
    for (const s of schema) propertyNames(s, out);
  } else if (schema && typeof schema === 'object') {
    const rec = schema as Record<string, unknown>;
    if (rec.properties && typeof rec.properties === 'object') out.push(...Object.keys(rec.properties));
    for (const v of Object.values(rec)) propertyNames(v, out);
  }
  return out;
}

const SECRET_LIKE = /token|verifier|secret|code|password|cookie|assertion/i;

describe('IPC contract', () => {
  it('declares every method the renderer needs', () => {
    expect([...API_METHODS].sort()).toEqual(
      [
        'app.info',
        'app.start',
        'checklist.get',
        'checklist.setDone',
        'checklist.setNote',
        'orgs.list',
        'orgs.add',
        'orgs.check',
        'orgs.update',
        'orgs.remove',
        'signIn.start',
        'signIn.cancel',
        'signIn.signOut',
        'signIn.status',
        'verify.run',
        'board.get',
        'fleet.list',
        'fleet.signInStatus',
        'report.export',
        'report.exportFleet',
        'links.open',
      ].sort(),
    );
    expect(channelOf('orgs.list')).toBe('pkce-pilot:orgs.list');
    expect(EVENT_CHANNEL).toBe('pkce-pilot:event');
  });

  it('no output or event field is named like a token, verifier, secret or code', () => {
    const names = new Set<string>();
    for (const m of API_METHODS)
      for (const n of propertyNames(z.toJSONSchema(apiContract[m].output, { io: 'output' }))) names.add(n);
    for (const n of propertyNames(z.toJSONSchema(appEventSchema, { io: 'output' }))) names.add(n);
    expect(names.size).toBeGreaterThan(40); // the walk really sees the nested fields
    expect(names.has('username')).toBe(true);
    expect([...names].filter((n) => SECRET_LIKE.test(n))).toEqual([]);
  });

  it('strips undeclared output fields, so a token added by mistake never reaches the window', () => {
    const parsed = apiContract['signIn.status'].output.parse({
      statuses: [
        { alias: 'acme', provider: 'salesforce', signedIn: true, username: 'a@b.c', accessToken: 'SECRET' },
      ],
    });
    expect(JSON.stringify(parsed)).not.toContain('SECRET');
  });

  it('every input is a strict object: unknown keys are refused', () => {
    for (const m of API_METHODS) {
      const r = apiContract[m].input.safeParse({ alias: 'acme', extra: 1 });
      expect(r.success, m).toBe(false);
    }
  });

  it('checks aliases and caps lengths', () => {
    const get = apiContract['checklist.get'].input;
    expect(get.safeParse({ alias: 'acme-prod.eu_1' }).success).toBe(true);
    expect(get.safeParse({ alias: '-acme' }).success).toBe(false);
    expect(get.safeParse({ alias: 'a'.repeat(65) }).success).toBe(false);
    expect(get.safeParse({ alias: '../etc' }).success).toBe(false);
    const note = apiContract['checklist.setNote'].input;
    expect(note.safeParse({ alias: 'acme', itemId: 'sf.save', note: 'x'.repeat(2000) }).success).toBe(true);
    expect(note.safeParse({ alias: 'acme', itemId: 'sf.save', note: 'x'.repeat(2001) }).success).toBe(false);
    expect(note.safeParse({ alias: 'acme', itemId: 'SF/../x', note: '' }).success).toBe(false);
    const add = apiContract['orgs.add'].input;
    expect(
      add.safeParse({ alias: 'acme', salesforceLoginUrl: 'production', clientId: 'x', redirect: 'loopback' })
        .success,
    ).toBe(true);
    expect(
      add.safeParse({
        alias: 'acme',
        salesforceLoginUrl: 'production',
        clientId: 'x',
        redirect: 'loopback',
        port: 80,
      }).success,
    ).toBe(false);
    expect(apiContract['report.export'].input.safeParse({ alias: 'acme', format: 'docx' }).success).toBe(
      false,
    );
    expect(
      apiContract['links.open'].input.safeParse({ alias: 'acme', target: 'https://evil.example' }).success,
    ).toBe(false);
  });

  it('events are a closed union', () => {
    expect(
      appEventSchema.safeParse({ type: 'sign-in', alias: 'acme', provider: 'okta', phase: 'exchanging' })
        .success,
    ).toBe(true);
    expect(
      appEventSchema.safeParse({ type: 'sign-in', alias: 'acme', provider: 'okta', phase: 'done' }).success,
    ).toBe(false);
    expect(appEventSchema.safeParse({ type: 'other' }).success).toBe(false);
  });
});
