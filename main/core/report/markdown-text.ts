/**
 * Text inside a Markdown line (a list item or a table cell), escaped only where Markdown would read it
 * as syntax — so dates stay "2026-12-01" and "(S256)" stays as written — and never autolinked: a URL,
 * "www." address or e-mail address in server-supplied text becomes a code span, which no renderer turns
 * into a link. Line breaks of every kind (CRLF, LF, a lone CR, U+2028/2029) fold into one space, so a
 * value can never start a new line, list item or table row.
 */

/** URLs with a scheme, "www." hosts and e-mail addresses: what GFM and most renderers autolink. */
const LINKABLE =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)[^\s`<>"']+|[^\s`<>@()[\]"',;:]+@[^\s`<>@()[\]"',;:]+\.[^\s`<>@()[\]"',;:]+/gi;

export function foldLines(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}

/** Escapes the characters that are Markdown syntax anywhere in a line. */
function escapeInline(text: string): string {
  return (
    text
      // Backslash first, so the escapes added below are not doubled.
      .replace(/[\\`*[\]<|~]/g, (c) => `\\${c}`)
      // "_" only where it could open or close emphasis (not inside words like Okta_Provisioning).
      .replace(/(^|[^A-Za-z0-9])_|_(?=$|[^A-Za-z0-9])/g, (m) => m.replace('_', '\\_'))
      // "&" only where it would start an entity (&amp; &#60;).
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
  );
}

/** A code span that holds `text` literally (its backticks cannot occur: LINKABLE excludes them). */
function codeSpan(text: string): string {
  return `\`${text}\``;
}

/** Markdown for plain text inside a line. */
export function mdText(text: string): string {
  const folded = foldLines(text);
  let out = '';
  let last = 0;
  for (const m of folded.matchAll(LINKABLE)) {
    // Trailing punctuation belongs to the sentence, as renderers that autolink also decide.
    const linkable = m[0].replace(/[.,;:!?)'"]+$/, '');
    if (!linkable) continue;
    out += escapeInline(folded.slice(last, m.index)) + codeSpan(linkable);
    last = m.index + linkable.length;
  }
  return out + escapeInline(folded.slice(last));
}
