import type { CliCommand } from '../command';
import { flag, rejectExtraPositionals } from '../args';
import { PilotError } from '../../core/errors';
import { checkIsRequired, checkTitle } from '../../core/verify/check-catalog';
import { firstSteps } from '../../core/verify/first-steps';
import type { ChecklistProgress } from '../../core/checklist/types';
import { verifyExitCode } from '../../core/verify/exit-code';
import { OKTA_REQUESTS_PER_HOST, VERIFY_CONCURRENCY } from '../../core/verify/concurrency';
import { loadServices } from '../context';
import { openInSystemBrowser } from '../open-browser';
import { json, jsonArrayPieces } from '../format';

const USAGE = 'pkce-pilot verify <alias> [--json] [--strict] | pkce-pilot verify --all [--json] [--strict]';

export const verify: CliCommand = {
  path: ['verify'],
  usage: USAGE,
  summary:
    'Check through Salesforce and Okta APIs that each step took effect; ticks the checklist with evidence.',
  details: [
    'Exit code: 1 when a required check fails, 0 otherwise. Optional checks (marked "optional", such as',
    'the org-wide "Require PKCE" setting) never change the exit code.',
    '--strict  exit 1 also when a required check is not proven: unknown, or manual (the "PKCE Enabled"',
    "          box, which no API shows) and not yet ticked by you in the app's checklist. For pipelines",
    '          that must see proof of every step.',
    '--json    each check carries "required": true|false beside its status.',
    `Orgs in --all run in parallel (${VERIFY_CONCURRENCY} at a time; at most ${OKTA_REQUESTS_PER_HOST} requests at once to one Okta org).`,
  ].join('\n'),
  options: { all: { type: 'boolean' }, json: { type: 'boolean' }, strict: { type: 'boolean' } },
  async run(args, io) {
    rejectExtraPositionals(args, 1, USAGE);
    const all = flag(args, 'all');
    const strict = flag(args, 'strict');
    const alias = args.positionals[0];
    if (all === Boolean(alias))
      throw new PilotError('usage', 'Give either an <alias> or --all.', `Usage: ${USAGE}`);
    const services = await loadServices(io, openInSystemBrowser);
    const aliases = all ? (await services.orgs.list()).map((o) => o.alias) : [alias as string];
    if (!all) await services.orgs.get(aliases[0] as string);
    const verified = await services.verify(aliases);
    const results = verified.map((v) => v.result);
    const progress = new Map<string, ChecklistProgress>();
    if (strict) {
      const everyOrg = await services.progress.getAll(); // one read of the file, not one per org
      for (const a of aliases) progress.set(a, (Object.hasOwn(everyOrg, a) ? everyOrg[a] : undefined) ?? {});
    }
    const code = verifyExitCode(results, { strict, progress: (a) => progress.get(a) });
    if (flag(args, 'json')) {
      if (all) for (const piece of jsonArrayPieces(results)) io.out(piece);
      else io.out(json(results[0]));
      for (const r of results) {
        const first = firstSteps(r);
        if (first) io.err(first);
      }
      return code;
    }
    for (const r of results) {
      io.out(`${r.org} — checked ${r.checkedAt}`);
      const first = firstSteps(r);
      if (first) io.out(`  ${first}`);
      else if (r.error) io.out(`  ${r.error.message} ${r.error.hint}`);
      for (const c of r.checks) {
        const optional = checkIsRequired(c) || /optional/i.test(checkTitle(c.id)) ? '' : ' (optional)';
        io.out(
          `  ${c.status.toUpperCase().padEnd(7)} ${checkTitle(c.id)}${optional}: ${c.summary} [${c.id}]`,
        );
      }
    }
    for (const v of verified)
      for (const c of v.conflicts) io.err(`Note (${v.result.org}, ${c.itemId}): ${c.conflict}`);
    return code;
  },
};
