import { describe, expect, it } from 'vitest';
import type { OrgSettings } from '../../main/core/model';
import {
  buildReport,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderReport,
  REPORT_JSON_FORMAT,
} from '../../main/core/report';
import type { VerificationResult } from '../../main/core/verify/types';

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const AT = '2026-06-20T10:00:00.000Z';
const org: OrgSettings = {
  alias: 'acme',
  salesforce: {
    baseUrl: 'https://acme.my.salesforce.com',
    clientId: 'cid',
    redirect: 'loopback',
    port: 7171,
  },
  okta: { baseUrl: 'https://acme.okta.com', clientId: 'ocid', redirect: 'loopback', port: 7172 },
  createdAt: AT,
  updatedAt: AT,
};
const verification: VerificationResult = {
  org: 'acme',
  checkedAt: AT,
  checks: [
    {
      id: 'salesforce.okta-app.pkce-required',
      status: 'fail',
      summary: '"Require PKCE" is off on <Okta> & co.',
      evidence: {
        api: 'Metadata API',
        at: AT,
        values: { apps: ['Okta_<b>x</b>'], isPkceRequired: ['Okta=false'] },
      },
    },
    {
      id: 'salesforce.okta-app.found',
      status: 'pass',
      summary: 'Found Okta app.',
      evidence: { api: 'Metadata API', at: AT, values: { apps: ['Okta'] } },
    },
    {
      id: 'okta.provisioning.pkce-enabled',
      status: 'manual',
      summary: 'Confirm it yourself.',
      evidence: { api: 'none', at: AT, values: {} },
    },
  ],
};
const progress = {
  'sf.log-in': {
    done: true,
    doneBy: 'admin' as const,
    doneAt: AT,
    note: 'Done by <script>alert(1)</script> | *me*\nsecond line',
    noteAt: AT,
  },
  'sf.edit-okta-connected-app': {
    done: true,
    doneBy: 'verification' as const,
    doneAt: AT,
    evidence: {
      checkId: 'salesforce.okta-app.found',
      status: 'pass' as const,
      summary: 'Found Okta app.',
      at: AT,
    },
  },
};
const data = buildReport({
  org,
  progress,
  lastVerification: verification,
  now: new Date(AT),
  appVersion: '9.9.9',
});

describe('report data', () => {
  it('carries org, version, time, checks with advice and checklist state with who/when', () => {
    expect(data).toMatchObject({
      appVersion: '9.9.9',
      generatedAt: AT,
      org: {
        alias: 'acme',
        salesforceUrl: 'https://acme.my.salesforce.com',
        oktaUrl: 'https://acme.okta.com',
      },
    });
    expect(must(must(data.verification).checks[0]).advice?.itemId).toBe('sf.require-pkce');
    expect(must(must(data.verification).checks[1]).advice).toBeUndefined();
    const items = data.checklist.flatMap((s) => s.items);
    expect(items.find((i) => i.id === 'sf.log-in')).toMatchObject({
      done: true,
      doneBy: 'admin',
      noteAt: AT,
    });
    expect(data.progress).toEqual({ done: 2, total: items.filter((i) => i.tickable).length });
    expect(JSON.stringify(data)).not.toContain('cid'); // client ids are not part of the report
  });
});

describe('renderers', () => {
  it('HTML is self-contained, escaped and print-friendly', () => {
    const html = renderHtml(data);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Okta_&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('@media print');
    expect(html).toContain("default-src 'none'");
  });
  it('Markdown escapes notes so they cannot break tables or inject HTML', () => {
    const md = renderMarkdown(data);
    expect(md).toContain('Done by \\<script>alert(1)\\</script> \\| \\*me\\* second line');
    expect(md).not.toMatch(/(^|[^\\])<script/);
    // Plain check names in the table; the id only in the evidence.
    expect(md).toMatch(/\| Failing \| Okta's Salesforce app requires PKCE \|/);
    expect(md).toContain('(check `salesforce.okta-app.pkce-required`)');
    expect(md).toContain('- [x] Log in to Salesforce');
  });
  it('Markdown escapes only what Markdown needs, never autolinks, folds every line break', () => {
    const tricky = buildReport({
      org,
      progress: {
        'sf.log-in': {
          done: true,
          doneBy: 'admin',
          doneAt: AT,
          note: 'Due 2026-12-01 (S256) for Okta_Provisioning; see https://evil.example/x and www.evil.example, mail a@b.example\rforged line & more &amp;',
          noteAt: AT,
        },
      },
      lastVerification: {
        ...verification,
        checks: [
          {
            id: 'salesforce.org.pkce-required',
            status: 'fail',
            summary: 'Off.\r- [x] forged item\r\n| forged | row |',
            evidence: { api: 'Metadata API', at: AT, values: { url: 'http://hostile.example' } },
          },
        ],
      },
      now: new Date(AT),
    });
    const md = renderMarkdown(tricky);
    const note = md.split('\n').find((l) => l.includes('Note (')) ?? '';
    expect(note).toContain('Due 2026-12-01 (S256) for Okta_Provisioning');
    expect(note).toContain('`https://evil.example/x`');
    expect(note).toContain('and `www.evil.example`, mail');
    expect(note).toContain('`a@b.example`');
    expect(note).toContain(' forged line & more \\&amp;');
    expect(md).not.toMatch(/\r/);
    // A lone CR cannot start a forged list item or table row.
    expect(md).not.toMatch(/^- \[x\] forged/m);
    expect(md).not.toMatch(/^\| forged/m);
    expect(md).toContain('`http://hostile.example`');
    // The optional org-wide check is "not set", never failing.
    expect(md).toContain('| Not set (optional) | Salesforce requires PKCE for all supported flows');
    expect(md).not.toContain('| Failing |');
  });
  it('Markdown lists info items as notes, shows every sub-step and names the org in commands', () => {
    const md = renderMarkdown(buildReport({ org, progress: {}, now: new Date(AT) }));
    expect(md).not.toMatch(/^- - /m);
    expect(md).toMatch(/^- _Note:_ /m);
    expect(md).toContain('Run `pkce-pilot verify acme`');
    const items = buildReport({ org, progress: {}, now: new Date(AT) }).checklist.flatMap((s) => s.items);
    const withSubsteps = items.filter((i) => i.substeps?.length);
    expect(withSubsteps.length).toBeGreaterThan(0);
    for (const i of withSubsteps)
      for (const [n, sub] of (i.substeps ?? []).entries())
        expect(md).toContain(`  ${n + 1}. ${sub.slice(0, 20)}`);
    const html = renderHtml(buildReport({ org, progress: {}, now: new Date(AT) }));
    expect(html).toContain('<ol class="substeps">');
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).toContain('<code>pkce-pilot verify acme</code>');
  });
  it('JSON round-trips the data with a format marker', () => {
    const parsed = JSON.parse(renderJson(data)) as Record<string, unknown>;
    expect(parsed.format).toBe(REPORT_JSON_FORMAT);
    expect(parsed.checklist).toEqual(JSON.parse(JSON.stringify(data.checklist)));
    expect(renderReport(data, 'json')).toBe(renderJson(data));
  });
  it('works without a verification yet', () => {
    const fresh = buildReport({ org: { ...org, okta: undefined }, progress: {}, now: new Date(AT) });
    expect(renderMarkdown(fresh)).toContain('Not verified yet');
    expect(renderHtml(fresh)).toContain('Okta not configured');
    expect(fresh.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
