import type { CliCommand } from '../command';
import { flag, rejectExtraPositionals } from '../args';
import { PilotError } from '../../core/errors';
import { loadServices } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json } from '../format';

const USAGE = 'pkce-pilot verify <alias> [--json] | pkce-pilot verify --all [--json]';

export const verify: CliCommand = {
  path: ['verify'],
  usage: USAGE,
  summary:
    'Check through Salesforce and Okta APIs that each step took effect; ticks the checklist with evidence.',
  details:
    'Exit code 0 when no check failed, 1 otherwise. Orgs in --all run in parallel (64 at a time; at most 20 requests at once to one Okta org).',
  options: { all: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(args, io) {
    rejectExtraPositionals(args, 1, USAGE);
    const all = flag(args, 'all');
    const alias = args.positionals[0];
    if (all === Boolean(alias))
      throw new PilotError('usage', 'Give either an <alias> or --all.', `Usage: ${USAGE}`);
    const services = await loadServices(io, openInSystemBrowser);
    const aliases = all ? (await services.orgs.list()).map((o) => o.alias) : [alias as string];
    if (!all) await services.orgs.get(aliases[0] as string);
    const verified = await services.verify(aliases);
    const results = verified.map((v) => v.result);
    const failed = results.some((r) => r.checks.some((c) => c.status === 'fail'));
    if (flag(args, 'json')) {
      io.out(json(all ? results : results[0]));
      return failed ? 1 : 0;
    }
    for (const r of results) {
      io.out(`${r.org} — checked ${r.checkedAt}`);
      if (r.error) io.out(`  ${r.error.message} ${r.error.hint}`);
      for (const c of r.checks) io.out(`  ${c.status.toUpperCase().padEnd(7)} ${c.id}: ${c.summary}`);
    }
    for (const v of verified)
      for (const c of v.conflicts) io.err(`Note (${v.result.org}, ${c.itemId}): ${c.conflict}`);
    return failed ? 1 : 0;
  },
};
