/**
 * `npm run bench`: measures PKCE Pilot side by side with bare baselines in one run and checks the
 * budgets of "Measured trust and speed". Writes bench/results.md and bench/results.json, prints the
 * table, and exits 1 when a budget is exceeded (2 when the bench itself could not run).
 * Runs under scripts/with-keyring.sh: the CLI's sign-ins write to a real (throwaway) gnome-keyring.
 * Flags: --skip-build (measure the existing out/), --runs <n> (kept runs for the fast measurements).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RENDERER_DIR } from '../test/e2e/web-bridge/server';
import { buildBareReactApp } from './bare-react-app';
import { launchChromium, measureReady } from './page-ready';
import { measureRendererPayload, type Payload } from './payload';
import { timeNodeProcessOk } from './processes';
import { renderJson, renderMarkdown, type BenchReport, type BudgetResult, type MeasuredSide } from './report';
import { CLI_BIN, PROJECT_ROOT, addOrg, startBenchSalesforce } from './salesforce-fixture';
import { benchSignIn } from './sign-in-bench';
import { ratio, round, summarize, withinBudget, type Sample } from './stats';
import { repeatInterleaved, type RepeatOptions } from './timing';
import { ORG_COUNTS, benchVerify, prepareVerifyHomes } from './verify-bench';

const BUDGETS = { payloadKb: 100, readyRatio: 1.5, cliRatio: 3, signInRatio: 1.3, verifyRatio: 3 } as const;
const LOGIN_PORT = 7391;
const RAW_CLIENT_PORT = 7392;
const SETUP_PORTS = [7400, 7401];
const VERIFY_LATENCY_MS = 100;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function side(label: string, unit: 'ms' | 'KB', sample: Sample): MeasuredSide {
  return { label, unit, summary: summarize(sample) };
}

function ratioBudget(
  id: string,
  title: string,
  definition: string,
  subject: MeasuredSide,
  baseline: MeasuredSide,
  limit: number,
  notes?: string[],
): BudgetResult {
  const value = ratio(subject.summary.median, baseline.summary.median);
  return {
    id,
    title,
    definition,
    subject,
    baseline,
    kind: 'ratio',
    value,
    limit,
    pass: withinBudget(value, limit),
    ...(notes ? { notes } : {}),
  };
}

function build(): void {
  log('building with electron-vite …');
  const result = spawnSync(
    process.execPath,
    [path.join(PROJECT_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (result.status !== 0)
    throw new Error(
      '`electron-vite build` failed: fix the build, or pass --skip-build to measure the existing out/.',
    );
}

async function cliColdStart(home: string, options: RepeatOptions): Promise<BudgetResult[]> {
  log('CLI cold start …');
  const env = { PKCE_PILOT_HOME: home };
  const run = (args: string[]) => async () => (await timeNodeProcessOk({ args, env, cwd: PROJECT_ROOT })).ms;
  const [bare, help, checklist] = await repeatInterleaved(options, [
    run(['-e', '0']),
    run([CLI_BIN, '--help']),
    run([CLI_BIN, 'checklist', '--json']),
  ]);
  const baseline = side('`node -e 0`', 'ms', bare as Sample);
  const definition =
    'wall time from spawn to exit of a fresh `node` process (process.hrtime, sequential runs, order alternated each round).';
  return [
    ratioBudget(
      'cli.help',
      'CLI cold start: `--help`',
      definition,
      side('`node bin/pkce-pilot.js --help`', 'ms', help as Sample),
      baseline,
      BUDGETS.cliRatio,
    ),
    ratioBudget(
      'cli.checklist',
      'CLI cold start: `checklist --json`',
      definition,
      side('`node bin/pkce-pilot.js checklist --json`', 'ms', checklist as Sample),
      baseline,
      BUDGETS.cliRatio,
    ),
  ];
}

async function rendererBudgets(workDir: string, options: RepeatOptions): Promise<BudgetResult[]> {
  log('building the bare React baseline …');
  const bareDir = await buildBareReactApp(workDir);
  const appHome = await mkdtemp(path.join(workDir, 'app-'));
  // One org, so the app opens straight on its checklist (first run would show the add-org form).
  await timeNodeProcessOk({
    args: [
      CLI_BIN,
      'org',
      'add',
      'acme',
      '--login-url',
      'https://acme.my.salesforce.com',
      '--client-id',
      '3MVG9PkcePilotBench',
    ],
    env: { PKCE_PILOT_HOME: appHome },
    cwd: PROJECT_ROOT,
  });
  // The same server code serves both pages (static files, no-store, the bridge script in <head>), each
  // in its own process like the app's main process.
  const app = await startBridgeProcess(appHome);
  const bare = await startBridgeProcess(await mkdtemp(path.join(workDir, 'bare-')), bareDir);
  const browser = await launchChromium();
  const fetchedByApp = new Set<string>();
  try {
    log('ready-to-use in Chromium …');
    const [appSample, bareSample] = await repeatInterleaved(options, [
      async () => {
        const r = await measureReady(browser, app.url);
        for (const a of r.assets) fetchedByApp.add(a);
        return r.readyMs;
      },
      async () => (await measureReady(browser, bare.url)).readyMs,
    ]);
    const payload: Payload = await measureRendererPayload(DEFAULT_RENDERER_DIR, [...fetchedByApp]);
    const kb = payload.totalGzipBytes / 1024;
    const payloadSide = side('out/renderer first load, gzip -9', 'KB', { values: [kb], warmups: 0 });
    return [
      {
        id: 'renderer.payload',
        title: 'Renderer payload on first load',
        definition:
          'gzip -9 size of the JS and CSS index.html loads (module script, stylesheets, modulepreloads) plus any other asset Chromium fetched before the page was ready; 1 KB = 1024 bytes.',
        subject: payloadSide,
        kind: 'absolute',
        value: kb,
        limit: BUDGETS.payloadKb,
        pass: withinBudget(kb, BUDGETS.payloadKb),
        notes: [
          `Files: ${payload.files.map((f) => `${f.file} ${round(f.gzipBytes / 1024, 1)} KB (${round(f.bytes / 1024, 1)} KB raw)`).join(', ')}.`,
        ],
      },
      ratioBudget(
        'renderer.ready',
        'Checklist ready to use (Chromium)',
        'ms from navigation start until the first checklist checkbox (`li[data-item-id] input[type=checkbox]`) is in the DOM, enabled and laid out (non-empty box), seen by a MutationObserver installed before any page script; fresh browser context per load. The app runs behind the web test bridge (real core, stores and keychain: app.info, orgs.list, checklist.get) in a process of its own, as the app main process is; the baseline is a one-checkbox React 19 app built by Vite the same way and served by the same server code in its own process.',
        side('PKCE Pilot renderer', 'ms', appSample as Sample),
        side('bare React 19 page', 'ms', bareSample as Sample),
        BUDGETS.readyRatio,
      ),
    ];
  } finally {
    await browser.close();
    await app.close();
    await bare.close();
  }
}

async function networkBudgets(
  workDir: string,
  fast: RepeatOptions,
  slow: RepeatOptions,
): Promise<BudgetResult[]> {
  const server = await startBenchSalesforce([LOGIN_PORT, RAW_CLIENT_PORT, ...SETUP_PORTS]);
  try {
    log('CLI sign-in vs raw PKCE client …');
    const loginHome = await mkdtemp(path.join(workDir, 'login-'));
    await addOrg(loginHome, 'bench-login', server, LOGIN_PORT);
    const signIn = await benchSignIn(server, loginHome, 'bench-login', RAW_CLIENT_PORT, fast);

    log(`signing in ${Math.max(...ORG_COUNTS)} orgs for verify (setup, untimed) …`);
    const homes = await prepareVerifyHomes(server, workDir, SETUP_PORTS);
    log(`verify --all over ${ORG_COUNTS.join(', ')} orgs with ${VERIFY_LATENCY_MS} ms latency …`);
    const verify = await benchVerify(server, homes, VERIFY_LATENCY_MS, slow);
    const one = side('`verify --all` (1 org)', 'ms', verify.get(1) as Sample);
    const verifyDefinition = `wall time of \`node bin/pkce-pilot.js verify --all --json\` (process start to exit) against the local Salesforce server answering every request after ${VERIFY_LATENCY_MS} ms; each org is signed in (own keychain item), has no Okta org configured, and gets all 5 Salesforce reads. Each run checks every org was really verified.`;
    return [
      ratioBudget(
        'signin.cli',
        'One full CLI sign-in',
        'wall time of `node bin/pkce-pilot.js login <alias> --no-open` (spawn to exit) while the bench plays the browser with fetch: authorization URL → automatic consent → loopback callback; then the CLI exchanges the code, GETs the identity URL and writes the tokens to the OS keychain (gnome-keyring via scripts/with-keyring.sh — part of what users get). Baseline: bench/raw-pkce-client.mjs doing the same requests with bare fetch and no keychain, driven the same way.',
        side('`pkce-pilot login --no-open`', 'ms', signIn.cli),
        side('raw-fetch PKCE client', 'ms', signIn.raw),
        BUDGETS.signInRatio,
      ),
      ratioBudget(
        'verify.10',
        '`verify --all`: 10 orgs vs 1',
        verifyDefinition,
        side('`verify --all` (10 orgs)', 'ms', verify.get(10) as Sample),
        one,
        BUDGETS.verifyRatio,
      ),
      ratioBudget(
        'verify.50',
        '`verify --all`: 50 orgs vs 1',
        verifyDefinition,
        side('`verify --all` (50 orgs)', 'ms', verify.get(50) as Sample),
        one,
        BUDGETS.verifyRatio,
      ),
    ];
  } finally {
    await server.close();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { 'skip-build': { type: 'boolean' }, runs: { type: 'string' } },
    strict: true,
  });
  const runs = values.runs ? Number(values.runs) : 11;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number.');
  if (process.platform === 'linux' && !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'No D-Bus session: run the bench with `npm run bench` (it starts a throwaway keyring via scripts/with-keyring.sh).',
    );
  }
  if (!values['skip-build']) build();

  const fast: RepeatOptions = { warmups: 2, runs };
  const slow: RepeatOptions = { warmups: 1, runs: Math.max(1, Math.min(runs, 5)) };
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'pkce-pilot-bench-'));
  try {
    const budgets = [
      ...(await rendererBudgets(workDir, fast)),
      ...(await cliColdStart(await mkdtemp(path.join(workDir, 'cli-')), fast)),
      ...(await networkBudgets(workDir, fast, slow)),
    ];
    const cpus = os.cpus();
    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      },
      budgets,
      allPassed: budgets.every((b) => b.pass),
    };
    const markdown = renderMarkdown(report);
    await writeFile(path.join(PROJECT_ROOT, 'bench/results.md'), markdown);
    await writeFile(path.join(PROJECT_ROOT, 'bench/results.json'), renderJson(report));
    process.stdout.write(markdown);
    return report.allPassed ? 0 : 1;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[bench] could not run: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);

/** bench/bridge-process.ts in a child process; resolves once it listens. */
async function startBridgeProcess(
  home: string,
  rendererDir?: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const child = spawn(
    tsx,
    [path.join(PROJECT_ROOT, 'bench', 'bridge-process.ts'), home, ...(rendererDir ? [rendererDir] : [])],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`bridge process exited (${code}) before listening`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
