/**
 * Drives a test server's sign-in pages (oidc-provider devInteractions: login form, then consent form)
 * with plain fetch and a small cookie jar, the way a browser would, and returns the final redirect to
 * the client's callback without following it. Lets sign-in engine tests run without Chromium.
 */

export interface FetchLoginOptions {
  login: string;
  password?: string;
  /** Press "Cancel" on the consent page instead of allowing (yields error=access_denied). */
  deny?: boolean;
}

const MAX_STEPS = 20;

/** Returns the callback URL (loopback or custom scheme) the server redirected to at the end. */
export async function completeAuthorizationWithFetch(
  authorizationUrl: string,
  options: FetchLoginOptions,
): Promise<string> {
  const serverOrigin = new URL(authorizationUrl).origin;
  const jar = new CookieJar();
  let request: { url: string; method: 'GET' | 'POST'; form?: URLSearchParams } = {
    url: authorizationUrl,
    method: 'GET',
  };

  for (let step = 0; step < MAX_STEPS; step += 1) {
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        accept: 'text/html',
        ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: request.form?.toString(),
    });
    jar.store(response.headers.getSetCookie());

    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.origin !== serverOrigin || !next.protocol.startsWith('http')) return next.toString();
      request = { url: next.toString(), method: 'GET' };
      continue;
    }

    const html = await response.text();
    if (response.status !== 200)
      throw new Error(`sign-in page answered ${response.status}: ${html.slice(0, 300)}`);
    const form = parseForm(html, request.url);
    if (!form) throw new Error(`sign-in page has no form: ${html.slice(0, 300)}`);
    const fields = new URLSearchParams(form.hidden);
    if (fields.get('prompt') === 'login') {
      fields.set('login', options.login);
      fields.set('password', options.password ?? 'any-password');
    } else if (options.deny) {
      request = { url: `${form.action.replace(/\/$/, '')}/abort`, method: 'GET' };
      continue;
    }
    request = { url: form.action, method: 'POST', form: fields };
  }
  throw new Error(`sign-in did not finish within ${MAX_STEPS} steps`);
}

interface ParsedForm {
  action: string;
  hidden: [string, string][];
}

function parseForm(html: string, pageUrl: string): ParsedForm | undefined {
  const formTag = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!formTag?.[1]) return undefined;
  const hidden: [string, string][] = [];
  for (const input of (formTag[2] ?? '').matchAll(/<input[^>]*type="hidden"[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    if (name) hidden.push([name, decodeEntities(value)]);
  }
  return { action: new URL(decodeEntities(formTag[1]), pageUrl).toString(), hidden };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** Enough of RFC 6265 for one host: name=value pairs, later Set-Cookie wins, Max-Age=0 / past Expires deletes. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') < Date.now()),
      );
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Plays the whole browser step from the secret-free start link PKCE Pilot hands the opener
 * (`http://127.0.0.1:<port>/start/<nonce>`): the link sets its cookie and redirects to the server, the
 * sign-in pages are played, and the callback is requested with that cookie, as a browser would.
 * Returns the callback's HTTP status.
 */
export async function completeStartLinkWithFetch(
  startUrl: string,
  options: FetchLoginOptions,
): Promise<number> {
  const start = await fetch(startUrl, { redirect: 'manual' });
  const location = start.headers.get('location');
  if (start.status < 300 || start.status >= 400 || !location)
    throw new Error(`start link answered ${start.status}, not a redirect`);
  const loopbackJar = new CookieJar();
  loopbackJar.store(start.headers.getSetCookie());
  const callback = await completeAuthorizationWithFetch(new URL(location, startUrl).href, options);
  const answer = await fetch(callback, { headers: { cookie: loopbackJar.header() } });
  await answer.arrayBuffer();
  return answer.status;
}
