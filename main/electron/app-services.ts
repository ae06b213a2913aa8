/**
 * Builds the core for the desktop app: the shared composition root (main/core/services.ts) over
 * Chromium's networking, plus the shell's OS capabilities (system browser, save dialog, PDF) handed
 * to createAppApi.
 */
import { writeFile } from 'node:fs/promises';
import { app, net } from 'electron';
import type { AppEvent } from '../../preload/contract';
import { createAppApi, signInEventToAppEvent, type AppApiDeps } from '../core/app-api';
import { allowedExternalHosts } from '../core/deep-links';
import { PilotError } from '../core/errors';
import type { OrgSettings } from '../core/model';
import { createCoreServices } from '../core/services';
import { VERIFY_CONCURRENCY } from '../core/verify/concurrency';
import { createChromiumFetch } from './chromium-fetch';
import { createChromiumHttpClient } from './chromium-http';
import { createLinkOpener, createSignInPageOpener } from './external-links';
import { renderHtmlToPdf } from './pdf-export';
import { createReportExporter } from './report-export';
import { chooseSavePath } from './save-dialog';

export interface AppServicesOptions {
  readonly dataFolder: string;
  /** Private-use redirect scheme of this build (DEV_SCHEME when unpackaged). */
  readonly scheme: string;
  readonly emit: (event: AppEvent) => void;
}

function authorizationOrigins(orgs: readonly OrgSettings[]): string[] {
  return orgs.flatMap((org) => [org.salesforce.baseUrl, ...(org.okta ? [org.okta.baseUrl] : [])]);
}

export async function createAppServices(options: AppServicesOptions) {
  // The allow-lists read the org list lazily, so they always match what the admin configured.
  let listOrgs: () => Promise<OrgSettings[]> = async () => [];
  const core = await createCoreServices({
    dataFolder: options.dataFolder,
    // Chromium's stack follows the system proxy/PAC and the OS certificate store (corporate networks).
    http: createChromiumHttpClient(createChromiumFetch(net)),
    openBrowser: createSignInPageOpener(async () => authorizationOrigins(await listOrgs())),
    scheme: options.scheme,
    onSignInEvent: (e) => options.emit(signInEventToAppEvent(e)),
    appVersion: app.getVersion(),
  });
  listOrgs = () => core.orgs.list();

  const openLink = createLinkOpener(async () =>
    allowedExternalHosts(
      (await core.orgs.list()).map((org) => ({
        salesforceBaseUrl: org.salesforce.baseUrl,
        ...(org.okta ? { oktaBaseUrl: org.okta.baseUrl } : {}),
      })),
    ),
  );

  const exportReport = createReportExporter({
    render: (alias, format) => core.report(alias, format),
    renderPdf: renderHtmlToPdf,
    choosePath: chooseSavePath,
  });

  // The report of every org: the same save step as one org's report, written owner-only.
  const exportFleetReport: AppApiDeps['exportFleetReport'] = async (format) => {
    const body = await core.fleetReport(format);
    const path = await chooseSavePath({
      defaultName: `pkce-pilot-fleet-report.${format}`,
      filters: [{ name: format.toUpperCase(), extensions: [format] }],
    });
    if (path === undefined)
      throw new PilotError(
        'invalid-input',
        'No file was chosen, so the report was not saved.',
        'Choose Export again and pick where to save it.',
      );
    await writeFile(path, body, { mode: 0o600 });
    return { path };
  };

  const deps: AppApiDeps = {
    orgs: core.orgs,
    progress: core.progress,
    signIn: core.signIn,
    removeOrg: core.removeOrg,
    updateOrg: core.updateOrg,
    verify: core.verifyOne,
    latestVerification: (alias) => core.verifications.latest(alias),
    latestVerifications: () => core.verifications.latestAll(),
    verifyConcurrency: VERIFY_CONCURRENCY,
    dataNotices: core.dataNotices,
    openExternal: openLink,
    emit: options.emit,
    exportReport,
    reportFormats: ['md', 'html', 'json', 'pdf'],
    exportFleetReport,
    info: {
      name: app.getName(),
      version: app.getVersion(),
      platform: process.platform,
      dataFolder: options.dataFolder,
    },
    scheme: options.scheme,
  };
  return { handlers: createAppApi(deps), signIn: core.signIn };
}
