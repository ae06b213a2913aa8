/**
 * Self-contained HTML report: inline print-friendly CSS, no scripts, no remote assets (a strict CSP
 * meta tag says so too), every value HTML-escaped.
 */
import { checkStatusLabel, formatEvidenceValue } from './render-markdown';
import type { ReportData, ReportItem } from './report-model';

export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The app's look (same colours as renderer/src/styles.css), light and dark, and a print layout. */
export const REPORT_CSS = `
:root { color-scheme: light dark; --bg: #f4f6f8; --surface: #fff; --text: #1b1f24; --muted: #4a5360; --border: #c9d0d8;
  --ok: #1a7f37; --ok-bg: #e6f4ea; --bad: #b42318; --bad-bg: #fdecea; --warn: #7a4f00; --warn-bg: #fff4d6; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --surface: #1d2229; --text: #e8eaed; --muted: #aab2bd; --border: #3d4653;
  --ok: #6fdd8b; --ok-bg: #173322; --bad: #ff9b90; --bad-bg: #3b1d1b; --warn: #f2c14e; --warn-bg: #3a2f12; --accent: #8ab4f8; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { border-bottom: 1px solid var(--border); padding-bottom: .2rem; margin-top: 2rem; }
section, table { background: var(--surface); }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid var(--border); padding: .35rem .5rem; text-align: left; vertical-align: top; }
.status { font-weight: 600; white-space: nowrap; border-radius: 999px; padding: 0 .45rem; }
.pass { color: var(--ok); background: var(--ok-bg); } .fail { color: var(--bad); background: var(--bad-bg); }
.unknown, .manual { color: var(--warn); background: var(--warn-bg); } .optional { color: var(--muted); background: none; }
.meta, .detail { color: var(--muted); } code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; }
ul.items { list-style: none; padding-left: 0; } ul.items > li { margin: .5rem 0; } ol.substeps { margin: .2rem 0 .2rem 1.6em; }
.box { display: inline-block; width: 1.2em; } .note, .evidence, .detail { margin-left: 1.6em; font-size: .95em; }
dl.values { margin: .2rem 0 .6rem 1.2rem; } dl.values dt { font-weight: 600; display: inline; } dl.values dd { display: inline; margin: 0 0 0 .3rem; } dl.values dd::after { content: ""; display: block; }
@media print { :root { color-scheme: light; --bg: #fff; --surface: #fff; --text: #000; --muted: #333; --border: #999; }
  body { margin: 0; max-width: none; font-size: 10.5pt; } h2, h3 { break-after: avoid; } tr, li { break-inside: avoid; }
  .status { background: none; border: 1px solid currentColor; } a { color: inherit; text-decoration: none; } }
`;

const EVIDENCE_WORD: Record<string, string> = {
  pass: 'Check passed',
  fail: 'Check failed',
  unknown: 'Could not check',
  manual: 'Confirm yourself',
};

function item(i: ReportItem): string {
  const box = i.tickable ? (i.done ? '☑' : '☐') : '•';
  const who =
    i.done && i.doneBy
      ? ` <span class="meta">(${i.doneBy === 'admin' ? 'ticked by you' : 'confirmed by verification'}${i.doneAt ? `, ${htmlEscape(i.doneAt)}` : ''})</span>`
      : '';
  const evidence = i.evidence
    ? `<div class="evidence"><span class="status ${htmlEscape(i.evidence.status)}">${htmlEscape(EVIDENCE_WORD[i.evidence.status] ?? i.evidence.status)}</span> ${htmlEscape(i.evidence.summary)} <span class="meta">(${htmlEscape(i.evidence.at)})</span></div>`
    : '';
  const note = i.note
    ? `<div class="note">Note${i.noteAt ? ` <span class="meta">(${htmlEscape(i.noteAt)})</span>` : ''}: ${htmlEscape(i.note)}</div>`
    : '';
  const detail = i.detail ? `<div class="detail">${htmlEscape(i.detail)}</div>` : '';
  const substeps = i.substeps?.length
    ? `<ol class="substeps">${i.substeps.map((s) => `<li>${htmlEscape(s)}</li>`).join('')}</ol>`
    : '';
  const lead = i.tickable ? '' : i.kind === 'caveat' ? '<strong>Caution:</strong> ' : '<em>Note:</em> ';
  return `<li><span class="box">${box}</span>${lead}${htmlEscape(i.title)}${who}${detail}${substeps}${evidence}${note}</li>`;
}

export function renderHtml(r: ReportData): string {
  const v = r.verification;
  const verification = !v
    ? `<p>Not verified yet. Run <code>pkce-pilot verify ${htmlEscape(r.org.alias)}</code> to check each step through the Salesforce and Okta APIs.</p>`
    : `<p class="meta">Checked ${htmlEscape(v.checkedAt)}. Run <code>pkce-pilot verify ${htmlEscape(r.org.alias)}</code> to check again.</p>
<table><thead><tr><th>Result</th><th>Check</th><th>Finding and evidence</th></tr></thead><tbody>
${v.checks
  .map(
    (
      c,
    ) => `<tr><td><span class="status ${c.status === 'fail' && !c.required ? 'optional' : c.status}">${htmlEscape(checkStatusLabel(c))}</span></td><td>${htmlEscape(c.title)}</td><td>${htmlEscape(c.summary)}
<div class="meta">${htmlEscape(c.evidence.api)} — ${htmlEscape(c.evidence.at)} — check <code>${htmlEscape(c.id)}</code></div>
<dl class="values">${Object.entries(c.evidence.values)
      .map(([k, val]) => `<dt>${htmlEscape(k)}</dt><dd>${htmlEscape(formatEvidenceValue(val))}</dd>`)
      .join(
        '',
      )}</dl>${c.advice ? `<div><strong>What to do:</strong> ${htmlEscape(c.advice.explanation)} <span class="meta">(step ${htmlEscape(c.advice.itemId)})</span></div>` : ''}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  return `${htmlReportHead(r.title)}
<p class="meta">Org <strong>${htmlEscape(r.org.alias)}</strong> · Salesforce ${htmlEscape(r.org.salesforceUrl)} · Okta ${r.org.oktaUrl ? htmlEscape(r.org.oktaUrl) : 'not configured'}<br>
Progress: ${r.progress.done} of ${r.progress.total} steps done · Generated ${htmlEscape(r.generatedAt)} by PKCE Pilot ${htmlEscape(r.appVersion)}</p>
<h2>Verification</h2>
${verification}
<h2>Checklist</h2>
${r.checklist.map((s) => `<h3>${htmlEscape(s.title)}</h3>\n<ul class="items">${s.items.map(item).join('\n')}</ul>`).join('\n')}
</body></html>
`;
}

/**
 * The opening of every HTML report, up to its <h1>: one place for the CSP that lets a saved report load
 * nothing and run nothing (inline styles only).
 */
export function htmlReportHead(title: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(title)}</title>
<style>${REPORT_CSS}</style></head>
<body>
<h1>${htmlEscape(title)}</h1>`;
}
