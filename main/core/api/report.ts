/** report.export and report.exportFleet: one org's report, or every org's. */
import { PilotError } from '../errors';
import { parse, type ApiContext, type HandlersOf } from './context';

export function reportHandlers(ctx: ApiContext): HandlersOf<'report.export' | 'report.exportFleet'> {
  const { deps } = ctx;
  return {
    async 'report.export'(raw) {
      const { alias, format } = parse('report.export', raw);
      await deps.orgs.get(alias);
      const formats = deps.reportFormats ?? ['md', 'html', 'json'];
      if (!deps.exportReport || !formats.includes(format)) {
        throw new PilotError(
          'internal',
          `Exporting a ${format.toUpperCase()} report is not available in this build.`,
          'Use another format, or the CLI: pkce-pilot report.',
        );
      }
      const { path } = await deps.exportReport(alias, format);
      return { path, format };
    },

    async 'report.exportFleet'(raw) {
      const { format } = parse('report.exportFleet', raw);
      if (!deps.exportFleetReport) {
        throw new PilotError(
          'internal',
          'Exporting a report of every org is not available in this build.',
          'Use the CLI: pkce-pilot report --all --format md.',
        );
      }
      const { path } = await deps.exportFleetReport(format);
      return { path, format };
    },
  };
}
