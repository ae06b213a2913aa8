import { useState } from 'react';
import { ErrorNote } from './ErrorNote';

interface Props<F extends string> {
  readonly formats: readonly F[];
  readonly labels: Readonly<Record<F, string>>;
  /** Writes the report and resolves with the path it was saved to. */
  readonly onExport: (format: F) => Promise<string>;
}

/** One "Export <format>" button per format, then where the file went or why it could not be written. */
export function ExportButtons<F extends string>({ formats, labels, onExport }: Props<F>) {
  const [saved, setSaved] = useState<string>();
  const [error, setError] = useState<unknown>();
  async function exportAs(format: F) {
    setError(undefined);
    setSaved(undefined);
    try {
      setSaved(await onExport(format));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <>
      <div className="actions">
        {formats.map((f) => (
          <button type="button" key={f} onClick={() => void exportAs(f)}>
            Export {labels[f]}
          </button>
        ))}
      </div>
      {saved && (
        <p role="status">
          Saved to <span className="mono">{saved}</span>
        </p>
      )}
      <ErrorNote error={error} />
    </>
  );
}
