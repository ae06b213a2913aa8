import { useState } from 'react';
import type { AppInfo, VerificationResultDto } from '../../../preload/contract';
import { call } from '../api';
import { formatTime, useOnline } from '../hooks';
import { ErrorNote } from './ErrorNote';

const STATUS_TEXT = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Could not tell',
  manual: 'Confirm yourself',
} as const;

export function VerifyPanel({
  alias,
  info,
  onVerified,
}: {
  alias: string;
  info: AppInfo;
  onVerified: () => void;
}) {
  const online = useOnline();
  const [result, setResult] = useState<VerificationResultDto>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await call('verify.run', { alias }));
      onVerified();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Checks</h2>
      {!info.features.verify && (
        <p className="muted">Automatic checks are not available in this build; tick the steps yourself.</p>
      )}
      {!online && (
        <p className="offline-note">
          You are offline. The checks read Salesforce and Okta, so they need a network connection.
        </p>
      )}
      <button
        type="button"
        className="primary"
        onClick={() => void run()}
        disabled={busy || !online || !info.features.verify}
        aria-busy={busy}
      >
        {busy ? 'Checking…' : 'Run checks'}
      </button>
      <ErrorNote error={error} />
      {result && (
        <div aria-live="polite">
          <p className="when">Checked {formatTime(result.checkedAt)}</p>
          <ul className="results">
            {result.checks.map((c) => (
              <li key={c.id} className={`result status-${c.status}`}>
                <span className={`badge status-${c.status}`}>{STATUS_TEXT[c.status]}</span>{' '}
                <span className="mono">{c.id}</span>: {c.summary}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
