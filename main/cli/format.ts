/** Small text helpers for human-readable CLI output. */

/**
 * C0 and C1 control characters (except tab), DEL, and the Unicode bidi controls and line/paragraph
 * separators: a server- or user-supplied string containing them could move the cursor, recolour or
 * overwrite lines, or reorder text (Trojan Source, CVE-2021-42574) — e.g. forge a "PASS" line.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** UNSAFE without \n, for text whose own line breaks are kept. */
const UNSAFE_BUT_NEWLINE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\uXXXX`: visible on a terminal, and the very same character again inside a JSON string. */
function escapeChar(c: string): string {
  return `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`;
}

/** One field (a label, a user name, a message) made safe to print: every unsafe character escaped. */
export function plain(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A whole line of output made safe for a terminal, keeping its own line breaks and tabs. Every line the
 * CLI prints passes through here (processIo), so a server- or user-supplied string can never move the
 * cursor or reorder text, whichever command prints it. JSON output stays equivalent JSON: the only
 * places such characters can occur in it are strings, where `\uXXXX` means the same character.
 */
export function terminalSafe(line: string): string {
  // One pass over the whole text (a 200-org JSON result is ~1 MB): the same set minus the line break.
  return line.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

export function table(rows: readonly (readonly string[])[]): string[] {
  const safe = rows.map((row) => row.map(plain));
  const widths: number[] = [];
  for (const row of safe) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return safe.map((row) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
  );
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * json(values) in pieces, one per element (joined with line breaks they are the very same text), so a
 * large list is printed without first building it as one string: `verify --all --json` over 200 orgs
 * is ~1.5 MB, which as one string (and its terminal-safe copy) was the run's memory peak.
 */
export function jsonArrayPieces(values: readonly unknown[]): string[] {
  if (values.length === 0) return ['[]'];
  const last = values.length - 1;
  const items = values.map(
    (v, i) => `  ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${i < last ? ',' : ''}`,
  );
  return ['[', ...items, ']'];
}
