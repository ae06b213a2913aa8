/**
 * Builds the core for the desktop app: stores in the data folder, keychain, Chromium networking, and
 * the shell's OS capabilities (system browser, save dialog, PDF) handed to createAppApi. The one
 * file that knows how the core's pieces fit together in the app.
 */
import { app, net } from 'electron';
import type { AppEvent } from '../../preload/contract';
import { createAppApi, type AppApiDeps } from '../core/app-api';
import { ensureDataFolder } from '../core/data-folder';
import { allowedExternalHosts } from '../core/deep-links';
import type { OrgSettings } from '../core/model';
import { OrgStore } from '../core/org-store';
import { ProgressStore } from '../core/progress-store';
import { SecretStore } from '../core/secret-store';
import { buildReport, renderReport } from '../core/report';
import { SignInService } from '../core/sign-in';
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
  await ensureDataFolder(options.dataFolder);
  const orgs = new OrgStore(options.dataFolder);
  const progress = new ProgressStore(options.dataFolder);
  const secrets = new SecretStore();
  // Chromium's stack follows the system proxy/PAC and the OS certificate store (corporate networks).
  const http = createChromiumHttpClient((input, init) => net.fetch(input, init));

  const openLink = createLinkOpener(async () =>
    allowedExternalHosts(
      (await orgs.list()).map((org) => ({
        salesforceBaseUrl: org.salesforce.baseUrl,
        ...(org.okta ? { oktaBaseUrl: org.okta.baseUrl } : {}),
      })),
    ),
  );
  const openSignInPage = createSignInPageOpener(async () => authorizationOrigins(await orgs.list()));
  const signIn = new SignInService({
    orgs,
    secrets,
    http,
    openBrowser: openSignInPage,
    scheme: options.scheme,
  });

  const exportReport = createReportExporter({
    render: async (alias, format) => {
      const org = await orgs.get(alias);
      const data = buildReport({
        org,
        progress: await progress.getOrg(alias),
        now: new Date(),
        appVersion: app.getVersion(),
      });
      return renderReport(data, format);
    },
    renderPdf: renderHtmlToPdf,
    choosePath: chooseSavePath,
  });

  const deps: AppApiDeps = {
    orgs,
    progress,
    signIn,
    openExternal: openLink,
    emit: options.emit,
    exportReport,
    reportFormats: ['md', 'html', 'json', 'pdf'],
    info: {
      name: app.getName(),
      version: app.getVersion(),
      platform: process.platform,
      dataFolder: options.dataFolder,
    },
    scheme: options.scheme,
  };
  return { handlers: createAppApi(deps), signIn };
}
