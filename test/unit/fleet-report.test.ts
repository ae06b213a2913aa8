import { describe, expect, it } from 'vitest';
import type { OrgSettings } from '../../main/core/model';
import {
  buildFleetReport,
  FLEET_REPORT_JSON_FORMAT,
  renderFleetReport,
  type FleetReportData,
} from '../../main/core/report';
import { csvCell } from '../../main/core/report/fleet';
import type { VerificationResult } from '../../main/core/verify/types';

const AT = '2026-06-20T10:00:00.000Z';
const NOW = new Date('2026-06-20T12:00:00.000Z');

function org(alias: string, baseUrl: string, okta = true): OrgSettings {
  return {
    alias,
    salesforce: { baseUrl, clientId: 'secret-client-id', redirect: 'loopback', port: 7171 },
    ...(okta
      ? {
          okta: {
            baseUrl: 'https://acme.okta.com',
            clientId: 'okta-client-id',
            redirect: 'loopback' as const,
            port: 7172,
          },
        }
      : {}),
    createdAt: AT,
    updatedAt: AT,
  };
}

const failing: VerificationResult = {
  org: 'acme-prod',
  checkedAt: AT,
  checks: [
    {
      id: 'salesforce.okta-app.pkce-required',
      status: 'fail',
      summary: '=HYPERLINK("https://evil.example","click") is off, "quoted", a,b',
      evidence: { api: 'Metadata API', at: AT, values: {} },
    },
  ],
};

function report(): FleetReportData {
  return buildFleetReport({
    entries: [
      { org: org('acme-prod', 'https://acme.my.salesforce.com'), progress: {}, latest: failing },
      { org: org('acme-uat', 'https://acme--uat.sandbox.my.salesforce.com', false), progress: {} },
    ],
    now: NOW,
    appVersion: '9.9.9',
  });
}

describe('fleet report', () => {
  it('lists each org with its environment, steps, last check and next action (by alias)', () => {
    const r = report();
    expect(r.orgs.map((o) => [o.alias, o.environment])).toEqual([
      ['acme-prod', 'production'],
      ['acme-uat', 'sandbox'],
    ]);
    expect(r.orgs[0]?.steps.find((s) => s.id === 'salesforce-app')?.state).toBe('failing');
    expect(r.orgs[0]?.next).toBe('Open Salesforce App Manager and finish the step');
    expect(r.orgs[1]?.next).toBe('Run the checks (pkce-pilot verify acme-uat)');
    expect(r.orgs[1]?.checkedAt).toBeUndefined();
    for (const format of ['md', 'html', 'csv', 'json'] as const) {
      const text = renderFleetReport(r, format);
      expect(text).toContain('acme-uat');
      // Client ids are configuration, not part of a report.
      expect(text).not.toContain('secret-client-id');
      expect(text).not.toContain('okta-client-id');
    }
    expect(JSON.parse(renderFleetReport(r, 'json')).format).toBe(FLEET_REPORT_JSON_FORMAT);
  });

  it('CSV is RFC 4180 and never starts a cell with a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    const csv = renderFleetReport(report(), 'csv');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^org,environment,salesforce_url,okta_url,last_checked,stale,steps_verified,steps_required,next_action,/,
    );
    expect(csv).toContain('"\'=HYPERLINK(""https://evil.example"",""click"") is off, ""quoted"", a,b"');
  });

  it('Markdown never autolinks server text; HTML escapes it and follows light/dark', () => {
    const r = report();
    const md = renderFleetReport(r, 'md');
    expect(md).toContain('`https://evil.example`');
    expect(md).toMatch(/^\| acme-prod \| production \| 0 of 4 \|/m);
    const html = renderFleetReport(r, 'html');
    expect(html).toContain('=HYPERLINK(&quot;https://evil.example&quot;');
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|\b(src|href)\s*=/i);
  });
});
