/**
 * Baseline for the sign-in budget: the least a PKCE client can do — no validation beyond state, no
 * error guidance. Same requests as `pkce-pilot login --no-open`: prints the authorization URL, receives
 * the loopback redirect, exchanges the code (RFC 7636 §4.5), GETs the identity URL and writes the same
 * token set to the OS keychain with the same library (keytar), then exits.
 * Usage: node bench/raw-pkce-client.mjs <authorizeUrl> <tokenUrl> <clientId> <port> <scope> <keychainAccount>
 * Prints only the authorization URL (which holds the challenge, never the verifier) and nothing else.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import keytar from 'keytar';

// The same V8 setting as the CLI (main/cli/index.ts): without it both would wait at exit for V8 to
// finish optimising fetch's WebAssembly HTTP parser, and the ratio would compare that stall, not work.
setFlagsFromString('--liftoff-only');

const [authorizeUrl, tokenUrl, clientId, port, scope, account] = process.argv.slice(2);
if (!authorizeUrl || !tokenUrl || !clientId || !port || !scope || !account) {
  process.stderr.write(
    'usage: raw-pkce-client.mjs <authorizeUrl> <tokenUrl> <clientId> <port> <scope> <keychainAccount>\n',
  );
  process.exit(2);
}

// One callback URL per org, as PKCE Pilot uses (the org here is the bench's raw client).
const CALLBACK_PATH = '/oauth/callback/raw/salesforce';
const redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`;
// RFC 7636 §4.1: 32 random octets, base64url → 43-character verifier; §4.2: S256 challenge.
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const state = randomBytes(16).toString('base64url');

const url = new URL(authorizeUrl);
url.search = new URLSearchParams({
  response_type: 'code',
  client_id: clientId,
  redirect_uri: redirectUri,
  scope,
  state,
  code_challenge: challenge,
  code_challenge_method: 'S256',
}).toString();

function fail(message) {
  process.stderr.write(`raw-pkce-client: ${message}\n`);
  process.exit(1);
}

async function finish(code) {
  const tokenResponse = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  if (!tokenResponse.ok) fail(`token endpoint answered ${tokenResponse.status}`);
  const tokens = await tokenResponse.json();
  const identity = await fetch(tokens.id, {
    headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
  });
  if (!identity.ok) fail(`identity URL answered ${identity.status}`);
  const who = await identity.json();
  if (typeof who.username !== 'string') fail('identity document has no username');
  // The same fields PKCE Pilot keeps, in one keychain item.
  const stored = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    tokenType: tokens.token_type,
    instanceUrl: tokens.instance_url,
    identityUrl: tokens.id,
    issuedAt: Number(tokens.issued_at ?? Date.now()),
    scope: tokens.scope,
    pkce: 'S256',
    username: who.username,
    userId: who.user_id,
    orgId: who.organization_id,
  };
  await keytar.setPassword('pkce-pilot-bench-raw', account, JSON.stringify(stored));
}

const server = createServer((req, res) => {
  const callback = new URL(req.url ?? '/', redirectUri);
  if (callback.pathname !== CALLBACK_PATH) return void res.writeHead(404).end();
  const code = callback.searchParams.get('code');
  const ok = callback.searchParams.get('state') === state && code;
  res
    .writeHead(ok ? 200 : 400, { 'content-type': 'text/plain', connection: 'close' })
    .end(ok ? 'Signed in.' : 'Sign-in failed.');
  server.close();
  if (!ok) fail('callback without a code or with the wrong state');
  finish(code).then(
    () => process.stdout.write('', () => process.exit(0)),
    (e) => fail(e instanceof Error ? e.name : 'error'),
  );
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`${url}\n`));
