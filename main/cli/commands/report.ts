import { writeFile } from 'node:fs/promises';
import type { CliCommand } from '../command';
import { optionalString, rejectExtraPositionals, requirePositional } from '../args';
import { PilotError } from '../../core/errors';
import { loadServices } from '../context';
import { openInSystemBrowser } from '../open-browser';

const USAGE = 'pkce-pilot report <alias> --format md|html|json [--out <file>]';
const FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

export const report: CliCommand = {
  path: ['report'],
  usage: USAGE,
  summary: 'Write a report of the org: checks with evidence, checklist progress and notes (never a token).',
  options: { format: { type: 'string' }, out: { type: 'string' } },
  async run(args, io) {
    const alias = requirePositional(args, 0, 'alias', USAGE);
    rejectExtraPositionals(args, 1, USAGE);
    const format = (optionalString(args, 'format') ?? 'md') as Format;
    if (!FORMATS.includes(format))
      throw new PilotError('usage', `Unknown format "${format}".`, `Usage: ${USAGE}`);
    const services = await loadServices(io, openInSystemBrowser);
    const text = await services.report(alias, format);
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
    io.err(`Wrote ${format} report to ${out}.`);
    return 0;
  },
};
