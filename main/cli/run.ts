import { isPilotError, PilotError } from '../core/errors';
import { parseCommandArgs } from './args';
import type { CliCommand } from './command';
import { COMMANDS } from './commands';
import type { CliIo } from './io';

declare const __APP_VERSION__: string | undefined;

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function version(): string {
  return typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';
}

function generalHelp(): string {
  const lines = [
    "pkce-pilot — move Okta's Salesforce provisioning to PKCE, and prove it worked.",
    '',
    'Usage: pkce-pilot <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(12)} ${c.summary}`),
    '',
    "Run `pkce-pilot <command> --help` for a command's options and examples.",
    "Data folder: the app's per-user folder, or $PKCE_PILOT_HOME. Tokens live only in the OS keychain.",
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  ];
  return lines.join('\n');
}

function commandHelp(c: CliCommand): string {
  return [`Usage: ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : [])].join('\n');
}

/** Finds the command whose words prefix argv (longest match), e.g. ['org', 'add', 'x'] → org add. */
function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of COMMANDS) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(generalHelp());
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(version());
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
    io.err(
      group.length > 0
        ? `Unknown "${argv[0]}" subcommand. Try one of: ${group.map((c) => c.path.join(' ')).join(', ')}.`
        : `Unknown command "${argv[0]}". Run pkce-pilot --help for the list of commands.`,
    );
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }
  try {
    const parsed = parseCommandArgs(rest, command.options, command.usage);
    return await command.run(parsed, io);
  } catch (e) {
    const error = isPilotError(e) ? e : unexpected(e);
    io.err(`Error: ${error.toDisplayString()}`);
    return error.code === 'usage' ? EXIT_USAGE : EXIT_FAILURE;
  }
}

/** Unknown errors are reported by kind only: their text could carry a server response or a token. */
function unexpected(e: unknown): PilotError {
  const kind = e instanceof Error ? e.name : typeof e;
  return new PilotError(
    'internal',
    `Unexpected ${kind}.`,
    'Try again; if it keeps failing, report it with the command you ran.',
  );
}
