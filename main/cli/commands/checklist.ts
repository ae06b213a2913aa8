import type { CliCommand } from '../command';
import { flag, rejectExtraPositionals } from '../args';
import { buildChecklistView, type ChecklistItemView } from '../../core/checklist';
import { loadStores } from '../context';
import { json } from '../format';

const USAGE = 'pkce-pilot checklist [<alias>] [--json]';

function mark(item: ChecklistItemView): string {
  if (!item.tickable) return item.kind === 'caveat' ? ' ! ' : ' i ';
  return item.progress.done ? '[x]' : '[ ]';
}

export const checklist: CliCommand = {
  path: ['checklist'],
  usage: USAGE,
  summary: "Show Okta's PKCE migration checklist, with an org's progress when an alias is given.",
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    rejectExtraPositionals(args, 1, USAGE);
    const alias = args.positionals[0];
    let progress = {};
    if (alias) {
      const { orgs, progress: store } = await loadStores(io);
      await orgs.get(alias);
      progress = await store.getOrg(alias);
    }
    const view = buildChecklistView(alias ?? '', progress, new Date());
    if (flag(args, 'json')) {
      io.out(json(view));
      return 0;
    }
    io.out(view.deadline.text);
    if (alias)
      io.out(`${alias}: ${view.summary.done}/${view.summary.total} steps done (${view.summary.percent}%).`);
    for (const section of view.sections) {
      io.out('');
      io.out(`${section.title}${section.source === 'guidance' ? "  (guidance beyond Okta's article)" : ''}`);
      for (const item of section.items) {
        const next = item.isNext ? '  ← next' : '';
        io.out(`  ${mark(item)} ${item.title}${next}`);
        for (const sub of item.substeps ?? []) io.out(`        - ${sub}`);
        if (item.progress.note) io.out(`        note: ${item.progress.note}`);
        if (item.progress.evidence)
          io.out(`        check ${item.progress.evidence.status}: ${item.progress.evidence.summary}`);
      }
    }
    return 0;
  },
};
