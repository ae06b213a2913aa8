/**
 * The benchmark's outputs: one Markdown table (bench/results.md, pasted into README.md by the lead) and
 * the same data as JSON (bench/results.json). Pure: takes results, returns text.
 */
import { round, type Summary } from './stats';

export interface MeasuredSide {
  /** What was run, e.g. "`node bin/pkce-pilot.js --help`". */
  readonly label: string;
  readonly unit: 'ms' | 'KB' | 'MiB';
  readonly summary: Summary;
  /** Peak resident memory of the measured process over the same runs, when recorded. */
  readonly rssMiB?: Summary;
}

export interface BudgetResult {
  readonly id: string;
  readonly title: string;
  /** How the number is defined (what "ready" or "payload" means), shown under the table. */
  readonly definition: string;
  readonly subject: MeasuredSide;
  /** Absent for absolute budgets (payload size). */
  readonly baseline?: MeasuredSide;
  /** 'ratio': median of the per-round ratios (`ratios`); 'absolute': subject median itself. */
  readonly kind: 'ratio' | 'absolute';
  readonly value: number;
  /** Ratio budgets: subject ÷ baseline of every round (both timed back to back in that round). */
  readonly ratios?: Summary;
  readonly limit: number;
  readonly pass: boolean;
  /** Extra facts worth keeping next to the number (e.g. which files were counted). */
  readonly notes?: readonly string[];
}

export interface BenchReport {
  readonly generatedAt: string;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    /** os.loadavg() (1, 5, 15 min) when the bench started and when it ended: the machine may be shared. */
    readonly loadAverage?: { readonly start: readonly number[]; readonly end: readonly number[] };
  };
  readonly budgets: readonly BudgetResult[];
  readonly allPassed: boolean;
}

function fmtSummary(s: Summary, unit: string): string {
  const spread = s.runs > 1 ? ` (${round(s.min, 1)}–${round(s.max, 1)}, n=${s.runs})` : '';
  return `${round(s.median, 1)} ${unit}${spread}`;
}

function fmt(side: MeasuredSide): string {
  return fmtSummary(side.summary, side.unit);
}

function rssText(b: BudgetResult): string {
  return b.subject.rssMiB ? fmtSummary(b.subject.rssMiB, 'MiB') : '—';
}

function valueText(b: BudgetResult): string {
  if (b.kind !== 'ratio') return `${round(b.value, 1)} ${b.subject.unit}`;
  const spread = b.ratios ? ` (${round(b.ratios.min, 2)}–${round(b.ratios.max, 2)})` : '';
  return `${round(b.value, 2)}×${spread}`;
}

function limitText(b: BudgetResult): string {
  return b.kind === 'ratio' ? `≤ ${b.limit}×` : `≤ ${b.limit} ${b.subject.unit}`;
}

/** Table cells must not break the Markdown row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(report: BenchReport): string {
  const lines = [
    '| Budget | Measured (median) | Baseline (median) | Peak RSS (median) | Value | Limit | Result |',
    '|---|---|---|---|---|---|---|',
    ...report.budgets
      .map((b) =>
        [
          cell(b.title),
          cell(`${b.subject.label}: ${fmt(b.subject)}`),
          cell(b.baseline ? `${b.baseline.label}: ${fmt(b.baseline)}` : '—'),
          rssText(b),
          valueText(b),
          limitText(b),
          b.pass ? 'pass' : '**FAIL**',
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ];
  const definitions = report.budgets.map(
    (b) => `- **${b.title}**: ${b.definition}${(b.notes ?? []).map((n) => ` ${n}`).join('')}`,
  );
  const m = report.machine;
  const load = m.loadAverage
    ? ` Load average (1/5/15 min) ${m.loadAverage.start.join(' / ')} at the start, ${m.loadAverage.end.join(' / ')} at the end.`
    : '';
  return [
    `Measured ${report.generatedAt} on Node ${m.node}, ${m.platform}, ${m.cpus}× ${m.cpuModel}.${load} Medians of the kept runs (warm-ups discarded); ranges are min–max. A ratio is the median of the rounds' ratios (each round times subject and baseline back to back), with their min–max.`,
    '',
    ...lines,
    '',
    ...definitions,
    '',
    report.allPassed ? 'All budgets hold.' : 'At least one budget is exceeded (see **FAIL**).',
    '',
  ].join('\n');
}

/** JSON with rounded numbers; raw samples are kept so a regression can be looked at run by run. */
export function renderJson(report: BenchReport): string {
  const side = (s: MeasuredSide) => ({
    label: s.label,
    unit: s.unit,
    median: round(s.summary.median, 3),
    min: round(s.summary.min, 3),
    max: round(s.summary.max, 3),
    runs: s.summary.runs,
    warmups: s.summary.warmups,
    samples: s.summary.values.map((v) => round(v, 3)),
    ...(s.rssMiB
      ? {
          peakRssMiB: {
            median: round(s.rssMiB.median, 1),
            min: round(s.rssMiB.min, 1),
            max: round(s.rssMiB.max, 1),
          },
        }
      : {}),
  });
  return `${JSON.stringify(
    {
      generatedAt: report.generatedAt,
      machine: report.machine,
      allPassed: report.allPassed,
      budgets: report.budgets.map((b) => ({
        id: b.id,
        title: b.title,
        definition: b.definition,
        kind: b.kind,
        value: round(b.value, 3),
        ...(b.ratios ? { ratios: b.ratios.values.map((v) => round(v, 3)) } : {}),
        limit: b.limit,
        pass: b.pass,
        subject: side(b.subject),
        ...(b.baseline ? { baseline: side(b.baseline) } : {}),
        ...(b.notes ? { notes: b.notes } : {}),
      })),
    },
    null,
    2,
  )}\n`;
}
