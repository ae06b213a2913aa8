import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import type { CliIo } from '../../main/cli/io';
import { COMMANDS } from '../../main/cli/commands';

function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env };
}

function tempHome(): NodeJS.ProcessEnv {
  return { PKCE_PILOT_HOME: mkdtempSync(join(tmpdir(), 'pkce-cli-')) };
}

describe('pkce-pilot CLI dispatch', () => {
  it('prints general help listing every command', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    const text = io.stdout.join('\n');
    for (const c of [
      'org add',
      'org list',
      'org remove',
      'login',
      'status',
      'logout',
      'checklist',
      'verify',
      'report',
    ]) {
      expect(text).toContain(c);
    }
  });

  it('shows usage and exits 2 when called without a command', async () => {
    const io = captureIo();
    expect(await runCli([], io)).toBe(2);
  });

  it('has --help for every command', async () => {
    for (const argv of [
      ['org', 'add'],
      ['org', 'list'],
      ['org', 'remove'],
      ['login'],
      ['status'],
      ['logout'],
      ['checklist'],
      ['verify'],
      ['report'],
    ]) {
      const io = captureIo();
      expect(await runCli([...argv, '--help'], io)).toBe(0);
      expect(io.stdout.join('\n')).toMatch(/^Usage: pkce-pilot /);
    }
  });

  it('rejects unknown commands, subcommands and flags with exit 2 and a next step', async () => {
    let io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('pkce-pilot --help');
    io = captureIo();
    expect(await runCli(['org', 'rename'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('org add');
    io = captureIo(tempHome());
    expect(await runCli(['org', 'list', '--colour'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/Error: .*--colour.*Usage: pkce-pilot org list/);
  });

  it('names the missing argument for org add', async () => {
    const io = captureIo(tempHome());
    expect(await runCli(['org', 'add', 'acme', '--client-id', 'abc'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('Missing --login-url');
  });

  it('adds, lists and refuses a duplicate org; bad URLs are explained', async () => {
    const env = tempHome();
    let io = captureIo(env);
    expect(
      await runCli(
        ['org', 'add', 'acme', '--login-url', 'https://Acme.my.salesforce.com/', '--client-id', '3MVG9abc'],
        io,
      ),
    ).toBe(0);
    expect(io.stdout.join('\n')).toContain('http://127.0.0.1:7171/oauth/callback');
    io = captureIo(env);
    expect(await runCli(['org', 'list', '--json'], io)).toBe(0);
    const list = JSON.parse(io.stdout.join('\n')) as { alias: string; salesforce: { baseUrl: string } }[];
    expect(list.map((o) => [o.alias, o.salesforce.baseUrl])).toEqual([
      ['acme', 'https://acme.my.salesforce.com'],
    ]);
    io = captureIo(env);
    expect(await runCli(['org', 'add', 'acme', '--login-url', 'production', '--client-id', 'x'], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/already/i);
    io = captureIo(env);
    expect(
      await runCli(['org', 'add', 'beta', '--login-url', 'http://evil.example.com', '--client-id', 'x'], io),
    ).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/https/i);
  });

  it('prints the checklist as JSON with stable item ids, without an org', async () => {
    const io = captureIo(tempHome());
    expect(await runCli(['checklist', '--json'], io)).toBe(0);
    const view = JSON.parse(io.stdout.join('\n')) as { sections: { items: { id: string }[] }[] };
    const ids = view.sections.flatMap((s) => s.items.map((i) => i.id));
    expect(ids.length).toBeGreaterThan(15);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('pkce-pilot CLI ergonomics', () => {
  it('has --help for every command, every group and through `help <command>`', async () => {
    for (const c of COMMANDS) {
      for (const argv of [
        [...c.path, '--help'],
        [...c.path, '-h'],
        ['help', ...c.path],
      ]) {
        const io = captureIo();
        expect(await runCli(argv, io), argv.join(' ')).toBe(0);
        expect(io.stdout.join('\n')).toContain(`Usage: ${c.usage}`);
        expect(io.stderr).toEqual([]);
      }
    }
    const groups = [...new Set(COMMANDS.filter((c) => c.path.length > 1).map((c) => c.path[0] as string))];
    expect(groups).toContain('org');
    for (const group of groups) {
      const members = COMMANDS.filter((c) => c.path[0] === group).map((c) => c.path.join(' '));
      let io = captureIo();
      expect(await runCli([group, '--help'], io)).toBe(0);
      for (const m of members) expect(io.stdout.join('\n')).toContain(m);
      io = captureIo();
      // The group alone is a usage error, but still shows what it holds.
      expect(await runCli([group], io)).toBe(2);
      for (const m of members) expect(io.stdout.join('\n')).toContain(m);
    }
  });

  it('suggests the command, subcommand or flag that was probably meant', async () => {
    const cases: [string[], RegExp][] = [
      [['verfy'], /Unknown command "verfy"\. Did you mean verify\?/],
      [['stauts', 'acme'], /Did you mean status\?/],
      [['chekclist'], /Did you mean checklist\?/],
      [['org', 'ad'], /Unknown "org" subcommand "ad"\. Did you mean org add\?.*org list/],
      [['org', 'lsit'], /Did you mean org list\?/],
      [
        ['org', 'list', '--jsno'],
        /Unknown option --jsno\. Did you mean --json\?.*Usage: pkce-pilot org list/,
      ],
      [['login', 'acme', '--no-opne'], /Did you mean --no-open\?/],
      [['--verison'], /Did you mean --version\?/],
    ];
    for (const [argv, expected] of cases) {
      const io = captureIo(tempHome());
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(expected);
    }
    // Nothing close: no guess, still the way out.
    const io = captureIo();
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.stderr.join('\n')).not.toContain('Did you mean');
    expect(io.stderr.join('\n')).toContain('pkce-pilot --help');
  });

  it('gives the same plain message for every bad port, whatever its shape', async () => {
    const messages: string[] = [];
    for (const port of ['abc', '-1', '70000', '0', '1.5', '80']) {
      for (const argv of [['--port', port], [`--port=${port}`]]) {
        const io = captureIo(tempHome());
        const code = await runCli(
          ['org', 'add', 'acme', '--login-url', 'production', '--client-id', '3MVG9x', ...argv],
          io,
        );
        expect(code, `--port ${port}`).toBe(1);
        const text = io.stderr.join('\n');
        expect(text).toContain(`The port "${port}" is not usable.`);
        expect(text).not.toMatch(/ambiguous|NaN|argument/i);
        messages.push(text.replace(`"${port}"`, '"…"'));
      }
    }
    expect(new Set(messages).size).toBe(1);
    expect(messages[0]).toMatch(/1024 to 65535/);
  });

  it('says which flag lacks a value, or takes none', async () => {
    let io = captureIo(tempHome());
    expect(await runCli(['org', 'add', 'acme', '--client-id', 'x', '--port'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/^Error: --port needs a value\. Usage: pkce-pilot org add/);
    io = captureIo(tempHome());
    expect(await runCli(['org', 'add', 'acme', '--login-url', '--client-id', 'x'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--login-url needs a value.');
    io = captureIo(tempHome());
    expect(await runCli(['checklist', '--json=yes'], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain('--json takes no value.');
  });
});
