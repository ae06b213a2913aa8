/** Markdown report. Admin-entered text (notes) and API values are escaped so they cannot break the layout. */
import type { EvidenceValue } from '../verify/types';
import type { ReportData, ReportItem } from './report-model';

/** Escapes Markdown syntax and folds newlines, so a value stays inside its line or table cell. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~-]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

export function formatEvidenceValue(v: EvidenceValue): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  return String(v);
}

const STATUS_LABEL: Record<string, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  manual: 'MANUAL',
};

function itemLine(item: ReportItem): string[] {
  const box = item.tickable ? (item.done ? '[x]' : '[ ]') : '-';
  const who =
    item.done && item.doneBy
      ? ` _(${item.doneBy === 'admin' ? 'ticked by you' : 'confirmed by verification'}${item.doneAt ? `, ${mdEscape(item.doneAt)}` : ''})_`
      : '';
  const lines = [`- ${box} ${mdEscape(item.title)}${who}`];
  if (item.evidence)
    lines.push(
      `  - Evidence: ${STATUS_LABEL[item.evidence.status] ?? mdEscape(item.evidence.status)} — ${mdEscape(item.evidence.summary)} (${mdEscape(item.evidence.at)})`,
    );
  if (item.note)
    lines.push(`  - Note${item.noteAt ? ` (${mdEscape(item.noteAt)})` : ''}: ${mdEscape(item.note)}`);
  return lines;
}

export function renderMarkdown(r: ReportData): string {
  const out: string[] = [
    `# ${mdEscape(r.title)}`,
    '',
    `- Org: **${mdEscape(r.org.alias)}**`,
    `- Salesforce: ${mdEscape(r.org.salesforceUrl)}`,
    `- Okta: ${r.org.oktaUrl ? mdEscape(r.org.oktaUrl) : 'not configured'}`,
    `- Progress: ${r.progress.done} of ${r.progress.total} steps done`,
    `- Generated: ${mdEscape(r.generatedAt)} by PKCE Pilot ${mdEscape(r.appVersion)}`,
    '',
    '## Verification',
    '',
  ];
  if (!r.verification) {
    out.push(
      'Not verified yet. Run `pkce-pilot verify <alias>` to check each step through the Salesforce and Okta APIs.',
      '',
    );
  } else {
    out.push(
      `Checked ${mdEscape(r.verification.checkedAt)}.`,
      '',
      '| Result | Check | Finding |',
      '|---|---|---|',
    );
    for (const c of r.verification.checks)
      out.push(`| ${STATUS_LABEL[c.status]} | ${mdEscape(c.id)} | ${mdEscape(c.summary)} |`);
    out.push('', '### Evidence', '');
    for (const c of r.verification.checks) {
      out.push(`- **${mdEscape(c.id)}** — ${mdEscape(c.evidence.api)} at ${mdEscape(c.evidence.at)}`);
      for (const [k, v] of Object.entries(c.evidence.values))
        out.push(`  - ${mdEscape(k)}: ${mdEscape(formatEvidenceValue(v))}`);
      if (c.advice)
        out.push(
          `  - What to do: ${mdEscape(c.advice.explanation)} (step \`${c.advice.itemId.replace(/`/g, '')}\`)`,
        );
    }
    out.push('');
  }
  out.push('## Checklist', '');
  for (const s of r.checklist) {
    out.push(`### ${mdEscape(s.title)}`, '');
    for (const i of s.items) out.push(...itemLine(i));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
