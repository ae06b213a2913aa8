import { describe, expect, it } from 'vitest';
import { json, jsonArrayPieces, plain, table, terminalSafe } from '../../main/cli/format';

describe('terminal output sanitising', () => {
  it.each([
    ['ESC sequences (erase line, colours)', 'ada\u001b[2K\u001b[32mPASS'],
    ['carriage return overwriting a line', 'label\rPASS  everything fine'],
    ['C1 CSI', 'x\u009b2Ky'],
    ['bidi override (Trojan Source)', 'evil\u202eSSAP'],
    ['bidi isolate', 'a\u2066b\u2069'],
    ['line separator', 'a\u2028b'],
    ['NUL and DEL', 'a\u0000b\u007f'],
  ])('escapes %s visibly', (_name, text) => {
    const safe = plain(text);
    // eslint-disable-next-line no-control-regex -- the characters under test
    expect(safe).not.toMatch(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028]/);
    expect(safe).toMatch(/\\u[0-9a-f]{4}/);
  });

  it('leaves ordinary text, tabs and non-Latin letters alone', () => {
    expect(plain('Ada Lovelace\tadmin@acme.test — Zürich, 東京')).toBe(
      'Ada Lovelace\tadmin@acme.test — Zürich, 東京',
    );
  });

  it('keeps the line breaks of a multi-line message but escapes a lone \\r', () => {
    expect(terminalSafe('one\ntwo\rthree')).toBe('one\ntwo\\u000dthree');
  });

  it('keeps JSON output equivalent JSON', () => {
    const value = { label: 'evil\u202eSSAP', note: 'x\u009by', name: 'ok' };
    const out = terminalSafe(json(value));
    expect(out).not.toContain('\u202e');
    expect(JSON.parse(out)).toEqual(value);
  });

  it('sanitises every table cell', () => {
    expect(table([['a\u001b[31m', 'b']]).join('')).not.toContain('\u001b');
  });
});

describe('jsonArrayPieces', () => {
  it('is json() of the list, one piece per element', () => {
    const org = (n: number) => ({
      org: `org-${n}`,
      checks: [{ id: 'a', evidence: { values: { n, list: ['x'] } } }],
    });
    for (const list of [[], [org(1)], [org(1), org(2), org(3)], [1, 'two', null, [3]]]) {
      const pieces = jsonArrayPieces(list);
      expect(pieces.join('\n')).toBe(json(list));
      expect(pieces).toHaveLength(list.length === 0 ? 1 : list.length + 2);
    }
  });
});
