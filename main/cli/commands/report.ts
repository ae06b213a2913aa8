import { writeFile } from 'node:fs/promises';
import type { CliCommand } from '../command';
import { flag, optionalString, rejectExtraPositionals } from '../args';
import { PilotError } from '../../core/errors';
import { loadServices } from '../context';
import { openInSystemBrowser } from '../open-browser';

const USAGE =
  'pkce-pilot report <alias> --format md|html|json [--out <file>] | pkce-pilot report --all --format md|html|csv|json [--out <file>]';
const ORG_FORMATS = ['md', 'html', 'json'] as const;
const FLEET_FORMATS = ['md', 'html', 'csv', 'json'] as const;

export const report: CliCommand = {
  path: ['report'],
  usage: USAGE,
  summary:
    'Write a report of one org (checks with evidence, checklist progress and notes) or, with --all, of every org — never a token.',
  options: { format: { type: 'string' }, out: { type: 'string' }, all: { type: 'boolean' } },
  async run(args, io) {
    const all = flag(args, 'all');
    const alias = args.positionals[0];
    if (all === Boolean(alias))
      throw new PilotError('usage', 'Give either an <alias> or --all.', `Usage: ${USAGE}`);
    rejectExtraPositionals(args, all ? 0 : 1, USAGE);
    const format = optionalString(args, 'format') ?? 'md';
    const formats: readonly string[] = all ? FLEET_FORMATS : ORG_FORMATS;
    if (!formats.includes(format))
      throw new PilotError(
        'usage',
        `Unknown format "${format}"${all ? '' : format === 'csv' ? ' for one org (CSV is for --all)' : ''}.`,
        `Usage: ${USAGE}`,
      );
    const services = await loadServices(io, openInSystemBrowser);
    const text = all
      ? await services.fleetReport(format as (typeof FLEET_FORMATS)[number])
      : await services.report(alias as string, format as (typeof ORG_FORMATS)[number]);
    const out = optionalString(args, 'out');
    if (!out) {
      io.out(text);
      return 0;
    }
    try {
      await writeFile(out, text, { mode: 0o600 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new PilotError(
        'storage',
        `Could not write the report to ${out} (${code}).`,
        'Check the folder exists and is writable, or choose another --out path.',
      );
    }
    io.err(`Wrote ${format} report${all ? ' of every org' : ''} to ${out}.`);
    return 0;
  },
};
