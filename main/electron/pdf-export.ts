/**
 * Renders an HTML report to PDF in a hidden window that runs no script and touches no network.
 *
 * The page is served from memory by a protocol handler on a private, in-memory session (a partition
 * without the `persist:` prefix), not from a `data:` URL: Chromium caps URLs at 2 MB, which a report
 * of a large org passes, and the report never touches the disk. Each page is served once. A window
 * on its own partition needs the handler registered on that session ("Using protocol with a custom
 * partition or session", https://www.electronjs.org/docs/latest/api/protocol).
 */
import { randomUUID } from 'node:crypto';
import { session, type Session } from 'electron';
import { PilotError } from '../core/errors';
import { createSecureWindow } from './secure-window';

const PARTITION = 'pkce-pilot-pdf-export';
const SCHEME = 'pkce-pilot-report';
/** The report carries its own inline CSS; nothing else may load (no script, no network, no frames). */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const pages = new Map<string, string>();
let reportSession: Session | undefined;

function sessionServingReports(): Session {
  if (reportSession) return reportSession;
  const ses = session.fromPartition(PARTITION, { cache: false });
  ses.protocol.handle(SCHEME, (request) => {
    const id = new URL(request.url).hostname;
    const html = pages.get(id);
    pages.delete(id);
    if (html === undefined) return new Response(null, { status: 404 });
    return new Response(html, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP },
    });
  });
  // The report session needs no permission at all.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  reportSession = ses;
  return ses;
}

export async function renderHtmlToPdf(html: string): Promise<Uint8Array> {
  sessionServingReports();
  const id = randomUUID();
  pages.set(id, html);
  const window = createSecureWindow({ show: false, javascript: false, partition: PARTITION });
  try {
    await window.loadURL(`${SCHEME}://${id}/report.html`);
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
    pages.delete(id);
    window.destroy();
  }
}
