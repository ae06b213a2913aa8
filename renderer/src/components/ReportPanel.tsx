import { useState } from 'react';
import type { AppInfo } from '../../../preload/contract';
import { call } from '../api';
import { ErrorNote } from './ErrorNote';

const LABELS = { md: 'Markdown', html: 'HTML', json: 'JSON', pdf: 'PDF' } as const;

export function ReportPanel({ alias, info }: { alias: string; info: AppInfo }) {
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  async function exportAs(format: keyof typeof LABELS) {
    setError(undefined);
    setSaved(undefined);
    try {
      setSaved((await call('report.export', { alias, format })).path);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section className="card" aria-labelledby="report-title">
      <h2 id="report-title">Report</h2>
      {info.features.reports.length === 0 && (
        <p className="muted">Report export is not available in this build.</p>
      )}
      <div className="actions">
        {info.features.reports.map((f) => (
          <button type="button" key={f} onClick={() => void exportAs(f)}>
            Export {LABELS[f]}
          </button>
        ))}
      </div>
      {saved && (
        <p role="status">
          Saved to <span className="mono">{saved}</span>
        </p>
      )}
      <ErrorNote error={error} />
    </section>
  );
}
