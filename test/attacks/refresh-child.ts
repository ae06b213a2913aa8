/**
 * One PKCE Pilot process refreshing a sign-in, for the two-process refresh attack test. Reads the stored
 * set, waits until the shared start time (so two processes collide), then refreshes as a 401 would make
 * it. Prints one JSON line: whether it worked and a hash of the access token it ended with (never a token).
 */
import { createHash } from 'node:crypto';
import { createHttpClient } from '../../main/core/http';
import { isPilotError } from '../../main/core/errors';
import { createCoreServices } from '../../main/core/services';

async function main(): Promise<void> {
  const [dataFolder = '', startAt = '0'] = process.argv.slice(2);
  const core = await createCoreServices({
    dataFolder,
    http: createHttpClient({ env: {}, timeoutMs: 10_000 }),
    openBrowser: async () => undefined,
  });
  const before = await core.tokens.getTokens('acme', 'salesforce');
  await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
  try {
    const after = await core.tokens.refresh('acme', 'salesforce', before.accessToken);
    const hash = createHash('sha256').update(after.accessToken).digest('hex').slice(0, 12);
    console.log(JSON.stringify({ ok: true, hash }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, code: isPilotError(e) ? e.code : 'other' }));
  }
}

void main();
