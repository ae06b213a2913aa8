/** Renders an HTML report to PDF in a hidden window that runs no script and touches no network. */
import { PilotError } from '../core/errors';
import { createSecureWindow } from './secure-window';

export async function renderHtmlToPdf(html: string): Promise<Uint8Array> {
  const window = createSecureWindow({ show: false, javascript: false });
  try {
    // A data: URL keeps the report off the disk; the report HTML is self-contained (inline CSS).
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  } catch (e) {
    throw new PilotError(
      'internal',
      'The PDF report could not be created.',
      'Export the report as HTML or Markdown instead.',
      {},
      { cause: e },
    );
  } finally {
    window.destroy();
  }
}
