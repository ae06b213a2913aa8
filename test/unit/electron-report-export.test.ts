import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReportExporter, type TextReportFormat } from '../../main/electron/report-export';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pkce-report-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function exporter(choice: (name: string) => string | undefined) {
  const asked: { defaultName: string; extensions: readonly string[] }[] = [];
  const rendered: [string, TextReportFormat][] = [];
  const exportReport = createReportExporter({
    render: async (alias, format) => {
      rendered.push([alias, format]);
      return format === 'json' ? JSON.stringify({ alias }) : `<h1>${alias}</h1>`;
    },
    renderPdf: async (html) => new TextEncoder().encode(`%PDF-1.7 ${html}`),
    choosePath: async ({ defaultName, filters }) => {
      asked.push({ defaultName, extensions: filters.flatMap((f) => f.extensions) });
      return choice(defaultName);
    },
  });
  return { exportReport, asked, rendered };
}

describe('createReportExporter', () => {
  it('writes the rendered report where the admin chose', async () => {
    const { exportReport, asked } = exporter((name) => path.join(dir, name));
    const result = await exportReport('acme', 'json');
    expect(result.path).toBe(path.join(dir, 'pkce-pilot-acme-report.json'));
    expect(JSON.parse(await readFile(result.path, 'utf8'))).toEqual({ alias: 'acme' });
    expect(asked).toEqual([{ defaultName: 'pkce-pilot-acme-report.json', extensions: ['json'] }]);
  });

  it.skipIf(process.platform === 'win32')(
    'saves reports readable by the owner only, also over an existing file',
    async () => {
      const target = path.join(dir, 'existing.md');
      await writeFile(target, 'old', { mode: 0o644 });
      const { exportReport } = exporter(() => target);
      await exportReport('acme', 'md');
      expect((await stat(target)).mode & 0o777).toBe(0o600);
    },
  );

  it('prints the HTML report for PDF', async () => {
    const { exportReport, rendered } = exporter((name) => path.join(dir, name));
    const { path: file } = await exportReport('acme', 'pdf');
    expect(rendered).toEqual([['acme', 'html']]);
    expect(await readFile(file, 'utf8')).toBe('%PDF-1.7 <h1>acme</h1>');
  });

  it('saves nothing when the admin cancels', async () => {
    const { exportReport } = exporter(() => undefined);
    await expect(exportReport('acme', 'md')).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('turns an unwritable target into a storage error naming the path', async () => {
    const target = path.join(dir, 'missing-folder', 'r.md');
    const { exportReport } = exporter(() => target);
    await expect(exportReport('acme', 'md')).rejects.toMatchObject({
      code: 'storage',
      details: { path: target },
    });
  });
});
