import type { AppInfo } from '../../../preload/contract';
import { call } from '../api';
import { ExportButtons } from './ExportButtons';

const LABELS = { md: 'Markdown', html: 'HTML', json: 'JSON', pdf: 'PDF' } as const;

export function ReportPanel({ alias, info }: { alias: string; info: AppInfo }) {
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">Report</h2>
      {info.features.reports.length === 0 && (
        <p className="muted">Report export is not available in this build.</p>
      )}
      <ExportButtons
        formats={info.features.reports}
        labels={LABELS}
        onExport={async (format) => (await call('report.export', { alias, format })).path}
      />
    </section>
  );
}
