/**
 * Self-contained HTML report: inline print-friendly CSS, no scripts, no remote assets (a strict CSP
 * meta tag says so too), every value HTML-escaped.
 */
import { formatEvidenceValue } from './render-markdown';
import type { ReportData, ReportItem } from './report-model';

export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.status { font-weight: 600; white-space: nowrap; } .pass { color: #1a7f37; } .fail { color: #cf222e; } .unknown { color: #9a6700; } .manual { color: #0550ae; }
.meta { color: #57606a; } ul.items { list-style: none; padding-left: 0; } ul.items li { margin: .4rem 0; }
.box { display: inline-block; width: 1.2em; } .note, .evidence { margin-left: 1.6em; color: #424a53; font-size: .95em; }
dl.values { margin: .2rem 0 .6rem 1.2rem; } dl.values dt { font-weight: 600; display: inline; } dl.values dd { display: inline; margin: 0 0 0 .3rem; } dl.values dd::after { content: ""; display: block; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } tr, li { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
`;

function item(i: ReportItem): string {
  const box = i.tickable ? (i.done ? '☑' : '☐') : '•';
  const who =
    i.done && i.doneBy
      ? ` <span class="meta">(${i.doneBy === 'admin' ? 'ticked by you' : 'confirmed by verification'}${i.doneAt ? `, ${htmlEscape(i.doneAt)}` : ''})</span>`
      : '';
  const evidence = i.evidence
    ? `<div class="evidence"><span class="status ${htmlEscape(i.evidence.status)}">${htmlEscape(i.evidence.status.toUpperCase())}</span> ${htmlEscape(i.evidence.summary)} <span class="meta">(${htmlEscape(i.evidence.at)})</span></div>`
    : '';
  const note = i.note
    ? `<div class="note">Note${i.noteAt ? ` <span class="meta">(${htmlEscape(i.noteAt)})</span>` : ''}: ${htmlEscape(i.note)}</div>`
    : '';
  return `<li><span class="box">${box}</span>${htmlEscape(i.title)}${who}${evidence}${note}</li>`;
}

export function renderHtml(r: ReportData): string {
  const v = r.verification;
  const verification = !v
    ? '<p>Not verified yet. Run <code>pkce-pilot verify &lt;alias&gt;</code> to check each step through the Salesforce and Okta APIs.</p>'
    : `<p class="meta">Checked ${htmlEscape(v.checkedAt)}.</p>
<table><thead><tr><th>Result</th><th>Check</th><th>Finding and evidence</th></tr></thead><tbody>
${v.checks
  .map(
    (
      c,
    ) => `<tr><td class="status ${c.status}">${c.status.toUpperCase()}</td><td>${htmlEscape(c.id)}</td><td>${htmlEscape(c.summary)}
<div class="meta">${htmlEscape(c.evidence.api)} — ${htmlEscape(c.evidence.at)}</div>
<dl class="values">${Object.entries(c.evidence.values)
      .map(([k, val]) => `<dt>${htmlEscape(k)}</dt><dd>${htmlEscape(formatEvidenceValue(val))}</dd>`)
      .join(
        '',
      )}</dl>${c.advice ? `<div><strong>What to do:</strong> ${htmlEscape(c.advice.explanation)} <span class="meta">(step ${htmlEscape(c.advice.itemId)})</span></div>` : ''}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlEscape(r.title)}</title>
<style>${CSS}</style></head>
<body>
<h1>${htmlEscape(r.title)}</h1>
<p class="meta">Org <strong>${htmlEscape(r.org.alias)}</strong> · Salesforce ${htmlEscape(r.org.salesforceUrl)} · Okta ${r.org.oktaUrl ? htmlEscape(r.org.oktaUrl) : 'not configured'}<br>
Progress: ${r.progress.done} of ${r.progress.total} steps done · Generated ${htmlEscape(r.generatedAt)} by PKCE Pilot ${htmlEscape(r.appVersion)}</p>
<h2>Verification</h2>
${verification}
<h2>Checklist</h2>
${r.checklist.map((s) => `<h3>${htmlEscape(s.title)}</h3>\n<ul class="items">${s.items.map(item).join('\n')}</ul>`).join('\n')}
</body></html>
`;
}
