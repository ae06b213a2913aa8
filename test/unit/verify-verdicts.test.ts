import { describe, expect, it } from 'vitest';
import { nextLink, rateLimitWaitMs } from '../../main/core/verify/okta-api';
import {
  authFailuresVerdict,
  oktaAppFoundVerdict as oktaFound,
  parseAuthFailures,
  parseOktaApps,
  pkceEnabledVerdict,
} from '../../main/core/verify/okta-verdicts';
import { maskSecrets, describeSalesforceFailure } from '../../main/core/verify/read-failure';
import { oauthTokenQuery, soqlString } from '../../main/core/verify/salesforce-reads';
import {
  metadataBoolean,
  oktaAppFoundVerdict,
  oktaAppPkceVerdict,
  oktaTokensVerdict,
  orgPkceVerdict,
  signInVerdict,
  type AppDiscovery,
  type OAuthAppInfo,
  type OAuthTokenRow,
} from '../../main/core/verify/salesforce-verdicts';
import { readFailed, readOk } from '../../main/core/verify/types';

const AT = '2026-06-20T10:00:00.000Z';
const NOW = Date.parse(AT);
const DAY = 86_400_000;
const OKTA_CB = 'https://system-admin.okta.com/admin/app/generic/oauth20redirect';
const oktaApp = (pkce?: string): OAuthAppInfo => ({
  kind: 'ConnectedApp',
  fullName: 'Okta',
  label: 'Okta SF',
  callbackUrls: [OKTA_CB],
  ...(pkce ? { isPkceRequired: pkce } : {}),
});
const other: OAuthAppInfo = {
  kind: 'ConnectedApp',
  fullName: 'Other',
  callbackUrls: ['https://x.example.com/cb'],
  isPkceRequired: 'true',
};
const found = (apps: OAuthAppInfo[], eca = readOk<OAuthAppInfo[]>([])): AppDiscovery => ({
  connectedApps: readOk(apps),
  externalClientApps: eca,
});
const row = (createdAgo: number, usedAgo: number | null): OAuthTokenRow => ({
  appName: 'Okta SF',
  userId: '005x',
  createdDate: new Date(NOW - createdAgo).toISOString(),
  lastUsedDate: usedAgo === null ? null : new Date(NOW - usedAgo).toISOString(),
  useCount: 3,
});

describe('Salesforce verdicts', () => {
  it('metadata booleans arrive as strings', () => {
    expect([
      metadataBoolean('true'),
      metadataBoolean('false'),
      metadataBoolean(true),
      metadataBoolean(undefined),
      metadataBoolean('yes'),
    ]).toEqual([true, false, true, undefined, undefined]);
  });

  it('sign-in: pass only with S256 and an access token', () => {
    expect(
      signInVerdict({ pkce: 'S256', hasAccessToken: true, loginHost: 'login.salesforce.com' }, AT).status,
    ).toBe('pass');
    expect(signInVerdict({ pkce: undefined, hasAccessToken: true }, AT).status).toBe('fail');
    expect(signInVerdict({ pkce: 'S256', hasAccessToken: false }, AT).status).toBe('fail');
    expect(signInVerdict(undefined, AT).status).toBe('unknown');
  });

  it('org PKCE: true/false/absent/unreadable', () => {
    expect(orgPkceVerdict(readOk({ isPkceRequired: 'true' }), AT).status).toBe('pass');
    expect(orgPkceVerdict(readOk({ isPkceRequired: 'false' }), AT).status).toBe('fail');
    expect(orgPkceVerdict(readOk({}), AT).status).toBe('unknown');
    expect(orgPkceVerdict(readOk(undefined), AT).status).toBe('unknown');
    const u = orgPkceVerdict(readFailed('Salesforce refused (INSUFFICIENT_ACCESS).'), AT);
    expect(u).toMatchObject({ status: 'unknown', summary: 'Salesforce refused (INSUFFICIENT_ACCESS).' });
  });

  it('Okta app found by callback URL (any okta host), fail when none, unknown when unreadable', () => {
    expect(oktaAppFoundVerdict(found([other, oktaApp('true')]), AT)).toMatchObject({
      status: 'pass',
      evidence: { values: { apps: ['Okta SF (Okta)'] } },
    });
    const custom = {
      ...oktaApp('true'),
      callbackUrls: ['https://acme-admin.OKTA.com/admin/app/generic/oauth20redirect'],
    };
    expect(oktaAppFoundVerdict(found([custom]), AT).status).toBe('pass');
    expect(oktaAppFoundVerdict(found([other]), AT).status).toBe('fail');
    expect(
      oktaAppFoundVerdict({ connectedApps: readFailed('no access'), externalClientApps: readOk([]) }, AT)
        .status,
    ).toBe('unknown');
    expect(
      oktaAppFoundVerdict(
        found([other], readFailed('eca refused', 'the "View all External Client App Settings" permission')),
        AT,
      ).status,
    ).toBe('unknown');
  });

  it('app PKCE: all required → pass; any false → fail; absent → unknown; ECA unreadable → unknown naming the permission', () => {
    expect(oktaAppPkceVerdict(found([oktaApp('true')]), AT).status).toBe('pass');
    expect(oktaAppPkceVerdict(found([oktaApp('false')]), AT).status).toBe('fail');
    expect(
      oktaAppPkceVerdict(found([oktaApp('true'), { ...oktaApp('false'), fullName: 'Okta2' }]), AT).status,
    ).toBe('fail');
    expect(oktaAppPkceVerdict(found([oktaApp()]), AT).status).toBe('unknown');
    const eca = oktaAppPkceVerdict(
      found([other], readFailed('refused', 'the "View all External Client App Settings" permission')),
      AT,
    );
    expect(eca.status).toBe('unknown');
    expect(eca.summary).toContain('View all External Client App Settings');
  });

  describe('tokens rule: app requires PKCE + token created and used within 7 days', () => {
    const pass = oktaAppPkceVerdict(found([oktaApp('true')]), AT);
    const off = oktaAppPkceVerdict(found([oktaApp('false')]), AT);
    const apps = [oktaApp('true')];
    it.each([
      ['recent token, recently used', pass, [row(2 * DAY, 3_600_000)], 'pass'],
      ['no tokens', pass, [], 'fail'],
      ['token older than 7 days', pass, [row(8 * DAY, 3_600_000)], 'unknown'],
      ['recent token never used', pass, [row(DAY, null)], 'unknown'],
      ['recent token used long ago', pass, [row(DAY, 10 * DAY)], 'unknown'],
      ['app does not require PKCE', off, [row(DAY, 3_600_000)], 'unknown'],
    ] as const)('%s → %s', (_name, appPkce, rows, expected) => {
      expect(oktaTokensVerdict(appPkce, apps, readOk(rows), NOW, AT).status).toBe(expected);
    });
    it('unreadable or app missing → unknown', () => {
      expect(oktaTokensVerdict(pass, apps, readFailed('INSUFFICIENT_ACCESS'), NOW, AT).status).toBe(
        'unknown',
      );
      expect(oktaTokensVerdict(pass, [], undefined, NOW, AT).status).toBe('unknown');
    });
  });
});

describe('Okta verdicts', () => {
  const apps = parseOktaApps([
    {
      id: '0oa1',
      label: 'Salesforce',
      status: 'ACTIVE',
      features: ['PUSH_NEW_USERS'],
      settings: { app: { instanceType: 'PRODUCTION' } },
    },
    { id: '0oa2', label: 'Old', status: 'INACTIVE' },
    { label: 'no id' },
    'garbage',
  ]);
  it('parses only well-formed apps', () => {
    expect(apps.map((a) => a.id)).toEqual(['0oa1', '0oa2']);
    expect(apps[0]).toMatchObject({ instanceType: 'PRODUCTION', features: ['PUSH_NEW_USERS'] });
  });
  it('app found: active → pass, inactive only → fail, none → fail, unreadable → unknown', () => {
    expect(oktaFound(readOk(apps), AT).status).toBe('pass');
    expect(oktaFound(readOk(apps.slice(1)), AT).status).toBe('fail');
    expect(oktaFound(readOk([]), AT).status).toBe('fail');
    expect(oktaFound(readFailed('403'), AT).status).toBe('unknown');
  });
  it('auth failures: none → pass, some → fail with count and latest reason', () => {
    const since = '2026-06-13T10:00:00.000Z';
    const events = parseAuthFailures([
      { published: '2026-06-18T10:00:00.000Z', displayMessage: 'Auth failed', outcome: { reason: 'older' } },
      {
        published: '2026-06-19T10:00:00.000Z',
        displayMessage: 'Auth failed',
        outcome: { reason: 'The credentials used to connect to the API were invalid' },
      },
      { nope: true },
    ]);
    expect(
      authFailuresVerdict({ appsChecked: apps.slice(0, 1), since, failures: readOk([]) }, undefined, AT)
        .status,
    ).toBe('pass');
    const fail = authFailuresVerdict(
      { appsChecked: apps.slice(0, 1), since, failures: readOk(events) },
      undefined,
      AT,
    );
    expect(fail.status).toBe('fail');
    expect(fail.evidence.values).toMatchObject({
      failures: 2,
      latest: '2026-06-19T10:00:00.000Z',
      latestMessage: 'The credentials used to connect to the API were invalid',
    });
    expect(
      authFailuresVerdict(
        { appsChecked: [], since, failures: readFailed('lacks okta.logs.read') },
        undefined,
        AT,
      ).status,
    ).toBe('unknown');
    expect(authFailuresVerdict(undefined, 'Okta not configured', AT)).toMatchObject({
      status: 'unknown',
      summary: 'Okta not configured',
    });
  });
  it('PKCE Enabled is always manual, whatever the log says', () => {
    for (const s of ['pass', 'fail', 'unknown'] as const) {
      const c = pkceEnabledVerdict(
        {
          id: 'okta.provisioning.auth-failures',
          status: s,
          summary: '',
          evidence: { api: '', at: AT, values: {} },
        },
        AT,
      );
      expect(c.status).toBe('manual');
    }
  });
});

describe('helpers', () => {
  it('finds rel="next" in Link headers', () => {
    expect(
      nextLink(
        '<https://o.okta.com/api/v1/logs?after=1>; rel="self", <https://o.okta.com/api/v1/logs?after=2>; rel="next"',
      ),
    ).toBe('https://o.okta.com/api/v1/logs?after=2');
    expect(nextLink('<https://o.okta.com/a>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
  it('waits until X-Rate-Limit-Reset (epoch seconds)', () => {
    expect(rateLimitWaitMs('1000', 995_000)).toBe(5_250);
    expect(rateLimitWaitMs('900', 995_000)).toBe(250);
    expect(rateLimitWaitMs(null, 0)).toBe(1_000);
  });
  it('escapes SOQL string literals', () => {
    expect(soqlString("O'Brien \\ app")).toBe("'O\\'Brien \\\\ app'");
    expect(oauthTokenQuery(['A', "B'"])).toContain("AppName IN ('A', 'B\\'')");
  });
  it('masks secrets and names the missing permission for access faults', () => {
    expect(maskSecrets('token abcdefgh123 leaked', ['abcdefgh123'])).toBe('token [redacted] leaked');
    const d = describeSalesforceFailure(
      Object.assign(new Error('nope'), { name: 'sf:INSUFFICIENT_ACCESS' }),
      'the apps',
      'X permission',
      [],
    );
    expect(d).toEqual({ reason: expect.stringContaining('needs X permission'), missing: 'X permission' });
    const leaky = describeSalesforceFailure(
      new Error('weird failure with SECRETTOKEN123 inside'),
      'the apps',
      'X',
      ['SECRETTOKEN123'],
    );
    expect(leaky.reason).not.toContain('SECRETTOKEN123');
  });
});
