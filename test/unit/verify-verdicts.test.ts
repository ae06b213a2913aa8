import { describe, expect, it } from 'vitest';
import { nextLink, rateLimitWaitMs } from '../../main/core/verify/okta-api';
import {
  attributeInstances,
  authFailuresVerdict,
  oktaAppFoundVerdict as oktaFound,
  parseOktaApps,
  parseProvisioningEvents,
  pkceEnabledVerdict,
  recentSuccessVerdict,
  type OktaAppFacts,
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
  tokensByApp,
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
    const used = readOk({ refreshed: false });
    expect(
      signInVerdict(
        { pkce: 'S256', hasAccessToken: true, loginHost: 'login.salesforce.com', grant: used },
        AT,
      ).status,
    ).toBe('pass');
    // Issue 14: a stored PKCE sign-in is no proof until this run used the grant.
    expect(signInVerdict({ pkce: 'S256', hasAccessToken: true }, AT).status).toBe('unknown');
    expect(
      signInVerdict({ pkce: 'S256', hasAccessToken: true, grant: readFailed('revoked') }, AT).status,
    ).toBe('unknown');
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
    // Changed by issue 14: the host must be exactly system-admin.<Okta cell> (any case, trailing slash
    // tolerated), never a substring — an org's own admin host is not Okta's provisioning callback.
    const withCallback = (url: string) => ({ ...oktaApp('true'), callbackUrls: [url] });
    for (const url of [
      'https://SYSTEM-ADMIN.OKTA-EMEA.COM/admin/app/generic/oauth20redirect/',
      'https://system-admin.oktapreview.com/admin/app/generic/oauth20redirect',
      'https://system-admin.okta-gov.com/admin/app/generic/oauth20redirect',
      'https://system-admin.okta.mil/admin/app/generic/oauth20redirect',
    ])
      expect(oktaAppFoundVerdict(found([withCallback(url)]), AT).status, url).toBe('pass');
    for (const url of [
      'https://acme-admin.okta.com/admin/app/generic/oauth20redirect',
      'https://evil.example/system-admin.okta.com/admin/app/generic/oauth20redirect',
      'https://system-admin.okta.com.evil.example/admin/app/generic/oauth20redirect',
      'http://system-admin.okta.com/admin/app/generic/oauth20redirect',
      'https://system-admin.okta.com:8443/admin/app/generic/oauth20redirect',
    ])
      expect(oktaAppFoundVerdict(found([withCallback(url)]), AT).status, url).toBe('fail');
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

  describe('tokens rule: a token counts only when created after the app was last changed', () => {
    const changed = new Date(NOW - 3 * DAY).toISOString();
    const app = { ...oktaApp('true'), lastModifiedDate: changed };
    const pass = oktaAppPkceVerdict(found([app]), AT);
    const off = oktaAppPkceVerdict(found([{ ...app, isPkceRequired: 'false' }]), AT);
    it.each([
      ['token after the change', pass, app, [row(2 * DAY, 3_600_000)], 'pass'],
      ['token after the change, never used', pass, app, [row(DAY, null)], 'pass'],
      ['no tokens', pass, app, [], 'fail'],
      ['only a token older than the change', pass, app, [row(4 * DAY, 3_600_000)], 'fail'],
      ['change date unknown', pass, { ...oktaApp('true') }, [row(DAY, 3_600_000)], 'unknown'],
      ['app does not require PKCE', off, app, [row(DAY, 3_600_000)], 'unknown'],
    ] as const)('%s → %s', (_name, appPkce, theApp, rows, expected) => {
      const verdict = oktaTokensVerdict(appPkce, tokensByApp([theApp], readOk(rows)), AT);
      expect(verdict.status).toBe(expected);
    });
    it('both dates are in the evidence of a stale token', () => {
      const v = oktaTokensVerdict(pass, tokensByApp([app], readOk([row(4 * DAY, null)])), AT);
      expect(v.summary).toContain(changed);
      expect(v.summary).toContain(new Date(NOW - 4 * DAY).toISOString());
    });
    it('unreadable, label unknown or app missing → unknown, never "no token"', () => {
      expect(oktaTokensVerdict(pass, tokensByApp([app], readFailed('INSUFFICIENT_ACCESS')), AT).status).toBe(
        'unknown',
      );
      const { label: _dropped, ...noLabel } = app;
      expect(oktaTokensVerdict(pass, tokensByApp([noLabel], readOk([])), AT).status).toBe('unknown');
      expect(oktaTokensVerdict(pass, [], AT).status).toBe('unknown');
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
  it("auth failures: every provisioning error type with FAILURE counts, for this org's instance only", () => {
    const since = '2026-06-13T10:00:00.000Z';
    const mine = apps.slice(0, 1);
    const other = { id: '0oaSB', label: 'Sandbox', status: 'ACTIVE', features: [] };
    const attribution = { mine, others: [other] };
    const ev = (published: string, eventType: string, result: string, reason: string, app = '0oa1') => ({
      published,
      eventType,
      outcome: { result, reason },
      displayMessage: 'Provisioning',
      target: [{ id: app, type: 'AppInstance' }],
    });
    const events = parseProvisioningEvents([
      ev('2026-06-18T10:00:00.000Z', 'application.provision.user.push', 'FAILURE', 'older'),
      ev(
        '2026-06-19T10:00:00.000Z',
        'application.provision.user.push_profile',
        'FAILURE',
        'The credentials used to connect to the API were invalid',
      ),
      ev('2026-06-19T11:00:00.000Z', 'application.provision.user.push', 'SUCCESS', ''),
      ev(
        '2026-06-19T12:00:00.000Z',
        'application.integration.authentication_failure',
        'FAILURE',
        'x',
        '0oaSB',
      ),
      { nope: true },
    ]);
    const findings = (list: typeof events) => ({ attribution, since, events: readOk(list) });
    expect(authFailuresVerdict(findings([]), undefined, AT).status).toBe('pass');
    const onlyOthers = authFailuresVerdict(findings(events.slice(2)), undefined, AT);
    expect(onlyOthers.status).toBe('pass');
    expect(onlyOthers.summary).toContain('other Okta Salesforce instances');
    const fail = authFailuresVerdict(findings(events), undefined, AT);
    expect(fail.status).toBe('fail');
    expect(fail.evidence.values).toMatchObject({
      failures: 2,
      credentialFailures: 1,
      latest: '2026-06-19T10:00:00.000Z',
      latestMessage: 'The credentials used to connect to the API were invalid',
      otherInstanceFailures: 1,
    });
    const unattributed = authFailuresVerdict(
      {
        attribution: { mine: [], others: [...mine, other], reason: 'two could' },
        since,
        events: readOk(events),
      },
      undefined,
      AT,
    );
    expect(unattributed.status).toBe('unknown');
    expect(
      authFailuresVerdict({ attribution, since, events: readFailed('lacks okta.logs.read') }, undefined, AT)
        .status,
    ).toBe('unknown');
    expect(authFailuresVerdict(undefined, 'Okta not configured', AT)).toMatchObject({
      status: 'unknown',
      summary: 'Okta not configured',
    });
    // Recent success: after the last failure → pass; otherwise unknown with the next step.
    expect(
      recentSuccessVerdict(findings(events), undefined, undefined, 'pkce-pilot verify acme', AT).status,
    ).toBe('pass');
    const noneAfter = recentSuccessVerdict(
      findings(events),
      undefined,
      '2026-06-19T11:30:00.000Z',
      'pkce-pilot verify acme',
      AT,
    );
    expect(noneAfter.status).toBe('unknown');
    expect(noneAfter.summary).toContain('push a test update');
    expect(noneAfter.summary).toContain('pkce-pilot verify acme');
  });
  it('attributes instances by login URL host and instance type; unknown when it cannot tell', () => {
    const instance = (id: string, instanceType: string, loginUrl?: string): OktaAppFacts => ({
      id,
      label: id,
      status: 'ACTIVE',
      instanceType,
      ...(loginUrl ? { loginUrl } : {}),
      features: [],
    });
    const prod = instance('p', 'PRODUCTION', 'https://acme.my.salesforce.com');
    const uat = instance('u', 'SANDBOX', 'https://acme--uat.sandbox.my.salesforce.com');
    const generic = instance('g', 'PRODUCTION', 'https://login.salesforce.com');
    const genericSb = instance('t', 'SANDBOX', 'https://test.salesforce.com');
    expect(attributeInstances([prod, uat], ['acme.my.salesforce.com']).mine).toEqual([prod]);
    expect(attributeInstances([prod, uat], ['ACME--UAT.sandbox.my.salesforce.com']).mine).toEqual([uat]);
    expect(attributeInstances([generic, genericSb], ['test.salesforce.com']).mine).toEqual([genericSb]);
    expect(attributeInstances([generic, genericSb], ['acme.my.salesforce.com']).mine).toEqual([generic]);
    const twoGeneric = attributeInstances([generic, instance('g2', 'PRODUCTION')], ['login.salesforce.com']);
    expect(twoGeneric.mine).toEqual([]);
    expect(twoGeneric.reason).toMatch(/2 Okta Salesforce app instances/);
    expect(attributeInstances([uat], ['acme.my.salesforce.com']).mine).toEqual([]);
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
