/**
 * Markdown report. Text is escaped only where Markdown would read it as syntax and never autolinked
 * (markdown-text.ts); lists render as lists, with every explanation and sub-step the app shows.
 */
import type { EvidenceValue } from '../verify/types';
import { foldLines, mdText } from './markdown-text';
import type { ReportCheck, ReportData, ReportItem } from './report-model';

/** Kept for callers that escaped single values before (same rules as mdText). */
export const mdEscape = mdText;

export function formatEvidenceValue(v: EvidenceValue): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  return String(v);
}

/** What a check's status means, as the app says it; an optional check that is off is not a failure. */
export function checkStatusLabel(c: Pick<ReportCheck, 'status' | 'required'>): string {
  switch (c.status) {
    case 'pass':
      return 'Verified';
    case 'fail':
      return c.required ? 'Failing' : 'Not set (optional)';
    case 'unknown':
      return 'Could not check';
    case 'manual':
      return 'Confirm yourself';
  }
}

const STATUS_WORD: Record<string, string> = {
  pass: 'passed',
  fail: 'failed',
  unknown: 'could not tell',
  manual: 'needs you',
};

/** A code span for a command; aliases are [A-Za-z0-9._-], so no backtick can occur. */
function command(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}

function itemLines(item: ReportItem): string[] {
  const lead = item.tickable
    ? `- [${item.done ? 'x' : ' '}] ${mdText(item.title)}`
    : `- ${item.kind === 'caveat' ? '**Caution:**' : '_Note:_'} ${mdText(item.title)}`;
  const who =
    item.done && item.doneBy
      ? ` _(${item.doneBy === 'admin' ? 'ticked by you' : 'confirmed by verification'}${item.doneAt ? `, ${mdText(item.doneAt)}` : ''})_`
      : '';
  const lines = [`${lead}${who}`];
  // Continuation lines are indented to the item's content, so they stay inside the item.
  if (item.detail) lines.push(`  ${mdText(item.detail)}`);
  for (const [i, s] of (item.substeps ?? []).entries()) lines.push(`  ${i + 1}. ${mdText(s)}`);
  if (item.evidence)
    lines.push(
      `  - Check ${STATUS_WORD[item.evidence.status] ?? mdText(item.evidence.status)}: ${mdText(item.evidence.summary)} (${mdText(item.evidence.at)})`,
    );
  if (item.note)
    lines.push(`  - Note${item.noteAt ? ` (${mdText(item.noteAt)})` : ''}: ${mdText(item.note)}`);
  return lines;
}

export function renderMarkdown(r: ReportData): string {
  const alias = foldLines(r.org.alias);
  const out: string[] = [
    `# ${mdText(r.title)}`,
    '',
    `- Org: **${mdText(r.org.alias)}**`,
    `- Salesforce: ${mdText(r.org.salesforceUrl)}`,
    `- Okta: ${r.org.oktaUrl ? mdText(r.org.oktaUrl) : 'not configured'}`,
    `- Progress: ${r.progress.done} of ${r.progress.total} steps done`,
    `- Generated: ${mdText(r.generatedAt)} by PKCE Pilot ${mdText(r.appVersion)}`,
    '',
    '## Verification',
    '',
  ];
  if (!r.verification) {
    out.push(
      `Not verified yet. Run ${command(`pkce-pilot verify ${alias}`)} to check each step through the Salesforce and Okta APIs.`,
      '',
    );
  } else {
    out.push(
      `Checked ${mdText(r.verification.checkedAt)}. Run ${command(`pkce-pilot verify ${alias}`)} to check again.`,
      '',
      '| Result | Check | Finding |',
      '|---|---|---|',
    );
    for (const c of r.verification.checks)
      out.push(`| ${checkStatusLabel(c)} | ${mdText(c.title)} | ${mdText(c.summary)} |`);
    out.push('', '### Evidence', '');
    for (const c of r.verification.checks) {
      out.push(
        `- **${mdText(c.title)}** (check ${command(c.id)}) — ${mdText(c.evidence.api)} at ${mdText(c.evidence.at)}`,
      );
      for (const [k, v] of Object.entries(c.evidence.values))
        out.push(`  - ${mdText(k)}: ${mdText(formatEvidenceValue(v))}`);
      if (c.advice)
        out.push(`  - What to do: ${mdText(c.advice.explanation)} (step ${command(c.advice.itemId)})`);
    }
    out.push('');
  }
  out.push('## Checklist', '');
  for (const s of r.checklist) {
    out.push(`### ${mdText(s.title)}`, '');
    for (const i of s.items) out.push(...itemLines(i));
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
