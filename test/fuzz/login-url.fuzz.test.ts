/**
 * Login-URL and org-settings validation under generated and mutated input. Properties: only PilotError
 * 'invalid-input' is thrown; what is accepted is an https origin (or http on a loopback host) with no
 * userinfo, path, query or fragment; normalising is idempotent; buildOrgSettings accepts its own output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  normalizeOktaOrgUrl,
  normalizeSalesforceLoginUrl,
  validateAlias,
  validatePort,
} from '../../main/core/auth/login-url';
import { buildOrgSettings, type OrgInput } from '../../main/core/org-input';
import { check, expectPilotError, seedOption, share, totalRuns } from './fuzz-support';

const RUNS = share(totalRuns(), 0.1, 200);

const hostLabel = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
  fc.constantFrom(
    'acme',
    'acme-admin',
    'acme-admin-admin',
    '-admin',
    'x--admin',
    'ÄCME',
    'xn--nxasmq6b',
    'my',
    'sandbox',
    'localhost',
    '127',
    '0x7f',
    '1-admin',
  ),
);
const host = fc.oneof(
  fc.array(hostLabel, { minLength: 1, maxLength: 5 }).map((l) => l.join('.')),
  fc.constantFrom(
    'login.salesforce.com',
    'test.salesforce.com',
    'acme.my.salesforce.com',
    'acme--uat.sandbox.my.salesforce.com',
    'acme.my.salesforce.mil',
    'acme.okta.com',
    'acme-admin.okta.com',
    'acme.oktapreview.com',
    '127.0.0.1',
    '127.1',
    '2130706433',
    '[::1]',
    '[::ffff:127.0.0.1]',
    'localhost',
    'LOCALHOST',
    'localhost.',
    '0.0.0.0',
    '1.2.3',
    'evil.example',
  ),
);
const urlLike = fc
  .record({
    scheme: fc.constantFrom(
      'https://',
      'http://',
      'HTTPS://',
      'ftp://',
      'javascript://',
      'file://',
      '',
      '//',
      'https:/',
      'https:\\\\',
      'ws://',
    ),
    userinfo: fc.constantFrom('', '', '', 'user@', 'user:pw@', ':@', 'login.salesforce.com@'),
    host,
    port: fc.constantFrom('', '', ':443', ':80', ':8443', ':0', ':65536', ':x'),
    path: fc.constantFrom('', '', '/', '/lightning/setup', '/services/oauth2/authorize', '/..', '/%2e%2e'),
    query: fc.constantFrom('', '', '?a=b', '?'),
    fragment: fc.constantFrom('', '', '#x', '#'),
    pad: fc.constantFrom('', '', ' ', '\t', '\n'),
  })
  .map((u) => `${u.pad}${u.scheme}${u.userinfo}${u.host}${u.port}${u.path}${u.query}${u.fragment}${u.pad}`);

/** Mutations of a plausible URL: insert odd characters, truncate, change case. */
const mutatedUrl = fc
  .tuple(
    urlLike,
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 3 }),
      fc.constantFrom('\u0000', '\u00a0', '\u2028', '@', '\\', '%', '%40', '。', '．', 'Ａ', '://'),
    ),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.boolean(),
  )
  .map(([u, c, f, upper]) => {
    const i = Math.floor(f * (u.length + 1));
    const out = u.slice(0, i) + c + u.slice(i);
    return upper ? out.toUpperCase() : out;
  });

const anyInput = fc.oneof(
  { weight: 4, arbitrary: urlLike },
  { weight: 3, arbitrary: mutatedUrl },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'production',
      'PROD',
      ' sandbox ',
      'Sandbox',
      '',
      ' ',
      `https://${'a'.repeat(2100)}.com`,
      `https://${'ä'.repeat(1500)}.com`,
    ),
  },
);

/** The shape every accepted login or org URL must have. */
function checkOrigin(out: string): void {
  const url = new URL(out);
  check(url.origin === out, `not an origin: ${out}`);
  check(url.username === '' && url.password === '', `kept userinfo: ${out}`);
  check(url.pathname === '/' && url.search === '' && url.hash === '', `kept a path/query/fragment: ${out}`);
  check(
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)),
    `insecure or odd scheme: ${out}`,
  );
  check(url.hostname !== '', `no host: ${out}`);
}

function fuzzNormalizer(name: string, normalize: (s: string) => string): void {
  it(`${name}: only invalid-input errors, origins out, idempotent`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyInput, (input) => {
        let out: string;
        try {
          out = normalize(input);
        } catch (e) {
          expectPilotError(e, ['invalid-input']);
          return;
        }
        accepted += 1;
        checkOrigin(out);
        check(normalize(out) === out, `not idempotent: ${input} -> ${out} -> ${normalize(out)}`);
        // http is never accepted for a host that is not loopback.
        if (/^\s*http:\/\//i.test(input))
          check(
            isLoopbackHost(new URL(input.trim()).hostname),
            `http accepted for a non-loopback host: ${input}`,
          );
      }),
      { numRuns: RUNS, ...seedOption() },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });
}

describe('login and org URL normalisation', () => {
  fuzzNormalizer('normalizeSalesforceLoginUrl', normalizeSalesforceLoginUrl);
  fuzzNormalizer('normalizeOktaOrgUrl', normalizeOktaOrgUrl);

  it('validateAlias and validatePort accept exactly their documented ranges', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 70 }),
          fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,70}$/),
          fc.string({ unit: 'binary', maxLength: 70 }),
        ),
        (alias) => {
          const ok = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(alias);
          try {
            check(validateAlias(alias) === alias && ok, `accepted alias ${JSON.stringify(alias)}`);
          } catch (e) {
            expectPilotError(e, ['invalid-input']);
            check(!ok, `refused alias ${JSON.stringify(alias)}`);
          }
        },
      ),
      { numRuns: RUNS, ...seedOption() },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer(),
          fc.double(),
          fc.constantFrom(1023, 1024, 65535, 65536, Number.NaN, Infinity, -0),
        ),
        (port) => {
          const ok = Number.isInteger(port) && port >= 1024 && port <= 65535;
          try {
            check(validatePort(port) === port && ok, `accepted port ${port}`);
          } catch (e) {
            expectPilotError(e, ['invalid-input']);
            check(!ok, `refused port ${port}`);
          }
        },
      ),
      { numRuns: RUNS, ...seedOption() },
    );
  });
});

describe('buildOrgSettings', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('', ' ', 'pkce-pilot-client', '3MVG9xyz', 'a b'),
  );
  const orgInput: fc.Arbitrary<OrgInput> = fc.record(
    {
      alias: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,10}$/),
        text,
        fc.constantFrom(' acme ', '__proto__', 'constructor'),
      ),
      salesforceLoginUrl: anyInput,
      clientId: text,
      redirect: fc.oneof(
        fc.constantFrom(undefined, 'loopback', 'scheme', ' SCHEME ', 'Loopback', ''),
        fc.string({ maxLength: 10 }),
      ),
      port: fc.oneof(
        fc.constantFrom(
          undefined,
          '',
          '7171',
          ' 8080 ',
          '1023',
          '65536',
          '0x1f90',
          '8e3',
          '1e4',
          '+8080',
          '٨٠٨٠',
        ),
        fc.integer(),
        fc.double(),
      ),
      oktaOrgUrl: fc.oneof(fc.constant(undefined), anyInput),
      oktaClientId: fc.oneof(fc.constant(undefined), text),
    },
    { requiredKeys: ['alias', 'salesforceLoginUrl', 'clientId'] },
  );

  it('returns validated settings or invalid-input, and accepts its own output unchanged', () => {
    let accepted = 0;
    const now = new Date(0);
    fc.assert(
      fc.property(orgInput, (input) => {
        let org: ReturnType<typeof buildOrgSettings>;
        try {
          org = buildOrgSettings(input, now);
        } catch (e) {
          expectPilotError(e, ['invalid-input']);
          return;
        }
        accepted += 1;
        check(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(org.alias), `alias ${org.alias}`);
        checkOrigin(org.salesforce.baseUrl);
        check(
          Number.isInteger(org.salesforce.port) &&
            org.salesforce.port >= 1024 &&
            org.salesforce.port <= 65535,
          `port ${org.salesforce.port}`,
        );
        check(/^[\x21-\x7e]{1,256}$/.test(org.salesforce.clientId), 'client id');
        if (org.okta) checkOrigin(org.okta.baseUrl);
        check(
          Boolean(input.oktaOrgUrl?.trim()) === Boolean(org.okta),
          'Okta settings appear without an Okta URL or vanish with one',
        );
        check(Object.getPrototypeOf(org) === Object.prototype, 'odd prototype');
        const again = buildOrgSettings(
          {
            alias: org.alias,
            salesforceLoginUrl: org.salesforce.baseUrl,
            clientId: org.salesforce.clientId,
            redirect: org.salesforce.redirect,
            port: org.salesforce.port,
            ...(org.okta ? { oktaOrgUrl: org.okta.baseUrl, oktaClientId: org.okta.clientId } : {}),
          },
          now,
        );
        check(
          JSON.stringify(again) === JSON.stringify(org),
          `not stable: ${JSON.stringify(org)} vs ${JSON.stringify(again)}`,
        );
      }),
      { numRuns: RUNS, ...seedOption() },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
