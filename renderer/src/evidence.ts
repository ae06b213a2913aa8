/** One evidence value as text (the same wording as reports: "—" for none, lists joined). */
export function formatEvidenceValue(v: string | number | boolean | null | readonly string[]): string {
  if (v === null) return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  return String(v);
}
