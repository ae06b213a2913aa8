/**
 * Generators for hostile authorization responses and a reference model of which ones PKCE Pilot must
 * accept. Mutations start from a valid redirect built around the real `state` and `code` of a pending
 * sign-in (only known at run time), so plans are generated as data and applied later.
 *
 * The reference model is written from the rules, not from the implementation: RFC 6749 §4.1.2 (state +
 * code, or an error), §3.1 (no repeated parameters), RFC 3986 §3.1 (scheme compares case-insensitively),
 * RFC 8252 §7.1 (`scheme:/path`, no authority), RFC 9207 (iss names the server we asked).
 */
import fc from 'fast-check';

/** The callback path of org `acme`'s Salesforce sign-in: each org and provider has its own (mix-up defence). */
export const CALLBACK = '/oauth/callback/acme/salesforce';
const MAX_LENGTH = 8 * 1024;

export interface RedirectContext {
  readonly scheme: string;
  readonly state: string;
  readonly code: string;
  /** Origin of the authorization server the sign-in went to (for iss). */
  readonly issuer: string;
}

/** One mutation step: a pure function of the current string and the context. */
export type Mutation = (url: string, ctx: RedirectContext) => string;

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;
const at = (s: string, f: number): number => Math.floor(f * (s.length + 1));
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function hex(c: number, lower: boolean): string {
  const h = c.toString(16).padStart(2, '0');
  return `%${lower ? h : h.toUpperCase()}`;
}

/** Characters that make a query interesting: delimiters, encodings, controls, unicode, RTL, NUL. */
const nastyChar = fc.oneof(
  fc.constantFrom(
    '&',
    '=',
    '?',
    '#',
    '/',
    '\\',
    '%',
    '%2',
    '%zz',
    '+',
    ';',
    ':',
    '@',
    ' ',
    '\t',
    '\n',
    '\r',
    '\0',
    '\u007f',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u200b',
    '\u202e',
    '\ufeff',
    '\ud800',
    '\udc00',
    '😀',
    'é',
    'Ａ',
    '\u0301',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
);

const freeValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.base64String({ maxLength: 60 }),
  fc.constantFrom('', '%', '%00', '%E2%80%AE', 'null', 'undefined', '__proto__', 'constructor'),
);

const paramKey = fc.oneof(
  fc.constantFrom(
    'state',
    'code',
    'error',
    'error_description',
    'error_uri',
    'iss',
    'STATE',
    'Code',
    'state[]',
    'st%61te',
    'co%64e',
    '__proto__',
    'constructor',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

const prefixVariants = (s: string): string[] => [
  `${s}://`,
  `${s}:///`,
  `${s}://localhost`,
  `${s}://evil.example`,
  `${s}://user@`,
  `${s}://user:pw@evil.example`,
  `${s}:`,
  `${s}:\\`,
  `${s}:%2F`,
  `${s}.evil:/`,
  `${s.slice(0, -1)}:/`,
  `x-${s}:/`,
  `${s}%3A/`,
  ` ${s}:/`,
  `http://127.0.0.1/`,
  `https://${s}/`,
  `${s}:/\u0000`,
];

const pathVariants = [
  `${CALLBACK}/`,
  `/${CALLBACK}`,
  '/oauth//callback',
  '/OAuth/callback',
  '/oauth/CALLBACK',
  '/oauth/%63allback',
  '%2Foauth%2Fcallback',
  `${CALLBACK};x`,
  `${CALLBACK}/..`,
  '/oauth/./callback',
  '/oauth/x/../callback',
  '',
  '/',
  '/other',
  `${CALLBACK}%3F`,
  `${CALLBACK}\u200b`,
  `user@${CALLBACK}`,
];

export const mutations: fc.Arbitrary<Mutation>[] = [
  // scheme case (valid per RFC 3986 §3.1)
  fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }).map((mask): Mutation => (url, { scheme }) => {
    if (!url.toLowerCase().startsWith(`${scheme.toLowerCase()}:`)) return url;
    const flipped = [...url.slice(0, scheme.length)]
      .map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase()))
      .join('');
    return flipped + url.slice(scheme.length);
  }),
  // extra slashes, host part, userinfo, look-alike schemes
  fc.nat().map((i): Mutation => (url, { scheme }) => {
    const head = `${scheme}:/`;
    return url.startsWith(head) ? pick(prefixVariants(scheme), i) + url.slice(head.length) : url;
  }),
  // other paths
  fc.nat().map(
    (i): Mutation =>
      (url) =>
        url.replace(CALLBACK, pick(pathVariants, i)),
  ),
  // duplicate parameters
  fc.constantFrom('state', 'code', 'iss', 'error').chain((k) =>
    fc.boolean().map((sameValue): Mutation => (url, ctx) => {
      const v =
        k === 'state' ? ctx.state : k === 'code' ? ctx.code : k === 'iss' ? ctx.issuer : 'access_denied';
      return `${url}&${k}=${sameValue ? encodeURIComponent(v) : 'other'}`;
    }),
  ),
  // extra parameters (unknown keys are ignored, known keys change the meaning)
  fc.tuple(paramKey, freeValue, fc.boolean()).map(([k, v, front]): Mutation => (url) => {
    const q = url.indexOf('?');
    const pair = `${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    return q === -1 || !front ? `${url}&${pair}` : `${url.slice(0, q + 1)}${pair}&${url.slice(q + 1)}`;
  }),
  // percent-encode some characters of the query (or of the whole URL)
  fc
    .tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), fc.boolean(), fc.boolean())
    .map(([mask, lower, wholeUrl]): Mutation => (url) => {
      const start = wholeUrl ? 0 : url.indexOf('?') + 1;
      const enc = [...url.slice(start)]
        .map((c, i) => (mask[i % mask.length] && c.charCodeAt(0) < 0x80 ? hex(c.charCodeAt(0), lower) : c))
        .join('');
      return url.slice(0, start) + enc;
    }),
  // unicode / control / delimiter insertion anywhere
  fc.tuple(nastyChar, fraction).map(
    ([c, f]): Mutation =>
      (url) =>
        url.slice(0, at(url, f)) + c + url.slice(at(url, f)),
  ),
  // truncation
  fraction.map(
    (f): Mutation =>
      (url) =>
        url.slice(0, at(url, f)),
  ),
  // huge lengths around the 8 KiB cap
  fc
    .tuple(
      fc.constantFrom(100, 4000, MAX_LENGTH - 120, MAX_LENGTH - 1, MAX_LENGTH, MAX_LENGTH + 1, 20_000),
      fc.constantFrom('a', '%41', 'é', '&x=y'),
    )
    .map(
      ([n, unit]): Mutation =>
        (url) =>
          `${url}&pad=${unit.repeat(Math.ceil(n / unit.length))}`,
    ),
  // fragment
  freeValue.map(
    (v): Mutation =>
      (url) =>
        `${url}#${v}`,
  ),
  // forged / near-miss state
  fc.tuple(fc.nat(), freeValue).map(([i, v]): Mutation => (url, { state }) => {
    const variants = [
      v,
      '',
      `${state}x`,
      state.slice(0, -1),
      state.toUpperCase(),
      `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`,
      encodeURIComponent(state).replace(/-/g, '%2D'),
      ` ${state}`,
      `${state}%00`,
    ];
    return url.replace(`state=${state}`, `state=${pick(variants, i)}`);
  }),
  // code missing / empty / replaced by an error
  fc.nat().map((i): Mutation => (url, { code }) => {
    const c = `code=${encodeURIComponent(code)}`;
    const variants = [
      '',
      'code=',
      'code',
      'error=access_denied',
      'error=access_denied&error_description=end-user%20denied',
      `${c}&error=invalid_request`,
      'error=',
      `${c}&error=`,
    ];
    return url.replace(c, pick(variants, i));
  }),
  // iss: ours, a Salesforce My Domain, a stranger, garbage
  fc.nat().map((i): Mutation => (url, { issuer }) => {
    const variants = [
      issuer,
      `${issuer}/`,
      'https://acme.my.salesforce.com',
      'https://evil.example',
      'https://login.salesforce.com.evil.example',
      'not a url',
      'http://login.salesforce.com',
      '',
    ];
    return `${url}&iss=${encodeURIComponent(pick(variants, i))}`;
  }),
  // parameter order
  fc.constant<Mutation>((url) => {
    const q = url.indexOf('?');
    return q === -1
      ? url
      : `${url.slice(0, q + 1)}${url
          .slice(q + 1)
          .split('&')
          .reverse()
          .join('&')}`;
  }),
];

export const mutationPlan: fc.Arbitrary<Mutation[]> = fc.array(fc.oneof(...mutations), {
  minLength: 1,
  maxLength: 4,
});

export function validRedirect(ctx: RedirectContext): string {
  return `${ctx.scheme}:${CALLBACK}?code=${encodeURIComponent(ctx.code)}&state=${encodeURIComponent(ctx.state)}`;
}

/** Salesforce-like authorization codes: base64 with padding, which must survive URL encoding. */
export const codeArb = fc.base64String({ minLength: 8, maxLength: 120 }).filter((c) => c.length > 0);

/** A redirect to try: either a mutated valid one, or a string that never was one. */
export type RedirectCase =
  | { readonly kind: 'mutated'; readonly code: string; readonly plan: readonly Mutation[] }
  | { readonly kind: 'valid'; readonly code: string }
  | { readonly kind: 'random'; readonly text: string; readonly withPrefix: boolean };

export const redirectCase: fc.Arbitrary<RedirectCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('mutated' as const), code: codeArb, plan: mutationPlan }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('valid' as const), code: codeArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      text: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
      ),
      withPrefix: fc.boolean(),
    }),
  },
);

export function materialize(c: RedirectCase, ctx: Omit<RedirectContext, 'code'>): string {
  if (c.kind === 'random') return c.withPrefix ? `${ctx.scheme}:${c.text}` : c.text;
  const full = { ...ctx, code: c.code };
  const base = validRedirect(full);
  return c.kind === 'valid' ? base : c.plan.reduce((url, m) => m(url, full), base);
}

// ---- reference model ------------------------------------------------------------------------------

/**
 * RFC 9207 §2.4: when present, `iss` must equal the issuer identifier of the server the sign-in started
 * with — simple string comparison, no domain family (issue 13 §1). An empty value counts as absent.
 */
export function issuerAcceptable(iss: string | null, issuer: string): boolean {
  if (iss === null || iss === '') return true;
  return iss === issuer;
}

export type QueryVerdict = 'complete' | 'error-response' | 'malformed' | 'other-state';

/**
 * What a query should lead to, given the pending state: complete (token request), an OAuth error
 * response for our state (sign-in ends, no token request), malformed (refused before any lookup),
 * or another state (refused, the pending sign-in keeps waiting).
 */
export function judgeQuery(query: string, pendingState: string | undefined, issuer: string): QueryVerdict {
  const params = new URLSearchParams(query);
  const keys = [...params.keys()];
  if (new Set(keys).size !== keys.length) return 'malformed';
  const state = params.get('state') ?? '';
  if (state === '') return 'malformed';
  const error = params.get('error') ?? '';
  const code = params.get('code') ?? '';
  if (error === '' && code === '') return 'malformed';
  if (state !== pendingState) return 'other-state';
  if (error !== '' || !issuerAcceptable(params.get('iss'), issuer)) return 'error-response';
  return 'complete';
}

/** The custom-scheme form we register, judged from the rules above. */
export function judgeSchemeRedirect(
  url: string,
  scheme: string,
  pendingState: string | undefined,
  issuer: string,
): QueryVerdict {
  if (url.length > MAX_LENGTH) return 'malformed';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/u.test(url)) return 'malformed';
  if (url.slice(0, scheme.length + 1).toLowerCase() !== `${scheme}:`.toLowerCase()) return 'malformed';
  const rest = url.slice(scheme.length + 1);
  if (!rest.startsWith(`${CALLBACK}?`)) return 'malformed';
  const query = rest.slice(CALLBACK.length + 1);
  if (query.includes('#')) return 'malformed';
  return judgeQuery(query, pendingState, issuer);
}
