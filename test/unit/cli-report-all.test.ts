import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import type { CliIo } from '../../main/cli/io';

function captureIo(env: NodeJS.ProcessEnv): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env };
}

describe('pkce-pilot report --all', () => {
  it('writes the fleet report in md, html, csv and json; one org keeps its formats', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pkce-cli-fleet-'));
    const env = { PKCE_PILOT_HOME: home };
    for (const [alias, url] of [
      ['acme-prod', 'https://acme.my.salesforce.com'],
      ['acme-uat', 'https://acme--uat.sandbox.my.salesforce.com'],
    ] as const) {
      expect(
        await runCli(['org', 'add', alias, '--login-url', url, '--client-id', '3MVG9x'], captureIo(env)),
      ).toBe(0);
    }
    for (const format of ['md', 'html', 'csv', 'json']) {
      const io = captureIo(env);
      expect(await runCli(['report', '--all', '--format', format], io), io.stderr.join('\n')).toBe(0);
      const text = io.stdout.join('\n');
      expect(text).toContain('acme-prod');
      expect(text).toContain('acme-uat');
    }
    const csv = captureIo(env);
    await runCli(['report', '--all', '--format', 'csv'], csv);
    expect(csv.stdout.join('\n')).toMatch(/\r\nacme-uat,sandbox,/);

    const out = join(home, 'fleet.md');
    expect(await runCli(['report', '--all', '--format', 'md', '--out', out], captureIo(env))).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('Run the checks (pkce-pilot verify acme-prod)');
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const both = captureIo(env);
    expect(await runCli(['report', 'acme-prod', '--all'], both)).toBe(2);
    expect(both.stderr.join('\n')).toContain('Give either an <alias> or --all.');
    const csvOne = captureIo(env);
    expect(await runCli(['report', 'acme-prod', '--format', 'csv'], csvOne)).toBe(2);
    expect(csvOne.stderr.join('\n')).toContain('CSV is for --all');
    const one = captureIo(env);
    expect(await runCli(['report', 'acme-prod', '--format', 'md'], one)).toBe(0);
    expect(one.stdout.join('\n')).toContain('Run `pkce-pilot verify acme-prod`');
  });
});
