/** JSON report: the report data as is (already secret-free), with a format marker for tools. */
import type { ReportData } from './report-model';

export const REPORT_JSON_FORMAT = 'pkce-pilot-report/1';

export function renderJson(r: ReportData): string {
  return `${JSON.stringify({ format: REPORT_JSON_FORMAT, ...r }, null, 2)}\n`;
}
