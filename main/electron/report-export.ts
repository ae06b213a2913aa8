/**
 * "Export report": render in the core, ask where to save, write. PDF is the HTML report printed by
 * Chromium. No Electron import: the dialog and the PDF printer are passed in, so the flow is
 * unit-tested with a real temp folder.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { PilotError } from '../core/errors';

export type ReportFormat = 'md' | 'html' | 'json' | 'pdf';
export type TextReportFormat = Exclude<ReportFormat, 'pdf'>;

export interface ReportExportDeps {
  /** The core's report renderer (main/core/report/). */
  readonly render: (alias: string, format: TextReportFormat) => Promise<string>;
  readonly renderPdf: (html: string) => Promise<Uint8Array>;
  /** The save dialog; undefined when the admin cancels. */
  readonly choosePath: (request: {
    readonly defaultName: string;
    readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
  }) => Promise<string | undefined>;
}

const FILTER_NAMES: Readonly<Record<ReportFormat, string>> = {
  md: 'Markdown',
  html: 'Web page',
  json: 'JSON',
  pdf: 'PDF document',
};

export function createReportExporter(deps: ReportExportDeps) {
  return async function exportReport(alias: string, format: ReportFormat): Promise<{ path: string }> {
    // Render first: a failing report should not make the admin pick a file for nothing.
    const body =
      format === 'pdf'
        ? await deps.renderPdf(await deps.render(alias, 'html'))
        : await deps.render(alias, format);
    const path = await deps.choosePath({
      defaultName: `pkce-pilot-${alias}-report.${format}`,
      filters: [{ name: FILTER_NAMES[format], extensions: [format] }],
    });
    if (path === undefined) {
      throw new PilotError(
        'invalid-input',
        'No file was chosen, so the report was not saved.',
        'Choose Export again and pick where to save it.',
      );
    }
    try {
      // Owner-only like the CLI's reports (issue 13 §4); chmod too, as `mode` applies only to new files.
      await writeFile(path, body, { mode: 0o600 });
      if (process.platform !== 'win32') await chmod(path, 0o600);
    } catch (e) {
      throw new PilotError(
        'storage',
        `The report could not be saved to ${path}.`,
        'Choose a folder you can write to, or free some disk space, then export again.',
        { path, errno: (e as NodeJS.ErrnoException).code },
        { cause: e },
      );
    }
    return { path };
  };
}
