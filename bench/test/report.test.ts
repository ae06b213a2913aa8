import { describe, expect, it } from 'vitest';
import { renderJson, renderMarkdown, type BenchReport } from '../report';
import { summarize } from '../stats';

const report: BenchReport = {
  generatedAt: '2026-01-01T00:00:00.000Z',
  machine: {
    node: '20.20.2',
    platform: 'linux-x64',
    cpus: 2,
    cpuModel: 'Test CPU',
    loadAverage: { start: [1.5, 1.2, 1], end: [2.25, 1.5, 1.1] },
  },
  allPassed: false,
  budgets: [
    {
      id: 'renderer.payload',
      title: 'Renderer payload',
      definition: 'gzip of first-load JS | CSS.',
      subject: { label: 'out/renderer', unit: 'KB', summary: summarize({ values: [74.8], warmups: 0 }) },
      kind: 'absolute',
      value: 74.8,
      limit: 100,
      pass: true,
    },
    {
      id: 'cli.help',
      title: 'CLI `--help`',
      definition: 'spawn to exit.',
      subject: {
        label: 'help',
        unit: 'ms',
        summary: summarize({ values: [300, 310, 290], warmups: 2 }),
        rssMiB: summarize({ values: [60, 62, 61], warmups: 2 }),
      },
      baseline: {
        label: 'node -e 0',
        unit: 'ms',
        summary: summarize({ values: [100, 90, 110], warmups: 2 }),
      },
      kind: 'ratio',
      value: 3.1,
      ratios: summarize({ values: [3, 3.1, 3.45], warmups: 2 }),
      limit: 3,
      pass: false,
    },
  ],
};

describe('renderMarkdown', () => {
  const md = renderMarkdown(report);
  const rows = md.split('\n').filter((l) => l.startsWith('| '));

  it('has a header and one row per budget, each with seven cells', () => {
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(7);
  });
  it('shows peak memory where it was measured, and the load average at start and end', () => {
    expect(rows[0]).toContain('Peak RSS');
    expect(rows[1]).toContain('| — |');
    expect(rows[2]).toContain('61 MiB (60–62, n=3)');
    expect(md).toContain(
      'Load average (1/5/15 min) 1.5 / 1.2 / 1 at the start, 2.25 / 1.5 / 1.1 at the end.',
    );
  });
  it('shows medians with ranges, ratios, limits and verdicts', () => {
    expect(rows[1]).toContain('74.8 KB');
    expect(rows[1]).toContain('≤ 100 KB');
    expect(rows[1]).toContain('| pass |');
    expect(rows[2]).toContain('help: 300 ms (290–310, n=3)');
    // The value is the median of the rounds' ratios, with their spread.
    expect(rows[2]).toContain('| 3.1× (3–3.45) |');
    expect(md).toContain("A ratio is the median of the rounds' ratios");
    expect(rows[2]).toContain('**FAIL**');
    expect(md).toContain('At least one budget is exceeded');
  });
  it('escapes pipes so a definition cannot break the table', () => {
    expect(md).toContain('- **Renderer payload**: gzip of first-load JS | CSS.');
    expect(rows.join('\n')).not.toContain('JS | CSS');
  });
});

describe('renderJson', () => {
  it('keeps verdicts, limits and raw samples', () => {
    const data = JSON.parse(renderJson(report)) as {
      allPassed: boolean;
      budgets: {
        id: string;
        pass: boolean;
        limit: number;
        subject: { samples: number[]; median: number };
        baseline?: { median: number };
        ratios?: number[];
      }[];
    };
    expect(data.allPassed).toBe(false);
    expect(data.budgets.map((b) => [b.id, b.pass, b.limit])).toEqual([
      ['renderer.payload', true, 100],
      ['cli.help', false, 3],
    ]);
    expect(data.budgets[1]?.subject.samples).toEqual([300, 310, 290]);
    expect(data.budgets[1]?.baseline?.median).toBe(100);
    expect(data.budgets[0]?.baseline).toBeUndefined();
    expect(data.budgets[1]?.ratios).toEqual([3, 3.1, 3.45]);
    expect(data.budgets[0]?.ratios).toBeUndefined();
  });
});
