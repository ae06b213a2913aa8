/** Reports of one org in Markdown, HTML or JSON: `renderReport(buildReport({...}), 'md')`. */
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { renderMarkdown } from './render-markdown';
import type { ReportData } from './report-model';

export {
  buildReport,
  type BuildReportInput,
  type ReportData,
  type ReportCheck,
  type ReportItem,
  type ReportSection,
} from './report-model';
export { renderHtml, htmlEscape } from './render-html';
export { renderJson, REPORT_JSON_FORMAT } from './render-json';
export { renderMarkdown, mdEscape } from './render-markdown';
export { APP_VERSION } from './app-version';
export {
  buildFleetReport,
  renderFleetReport,
  FLEET_REPORT_JSON_FORMAT,
  type FleetReportData,
  type FleetReportFormat,
} from './fleet';

export type ReportFormat = 'md' | 'html' | 'json';

export function renderReport(data: ReportData, format: ReportFormat): string {
  switch (format) {
    case 'md':
      return renderMarkdown(data);
    case 'html':
      return renderHtml(data);
    case 'json':
      return renderJson(data);
  }
}
