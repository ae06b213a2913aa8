import { errorText } from '../api';

/** A failure as the admin sees it: what went wrong, then what to do. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const { message, hint } = errorText(error);
  return (
    <div className="error-note" role="alert">
      <strong>{message}</strong> {hint}
    </div>
  );
}
