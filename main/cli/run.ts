import { isPilotError, PilotError } from '../core/errors';
import { parseCommandArgs } from './args';
import type { CliCommand } from './command';
import { COMMANDS } from './commands';
import type { CliIo } from './io';
import { closest, didYouMean } from './suggest';

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
    "Run `pkce-pilot <command> --help` (or `pkce-pilot help <command>`) for a command's options and examples.",
    "Data folder: the app's per-user folder, or $PKCE_PILOT_HOME. Tokens live only in the OS keychain.",
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  ];
  return lines.join('\n');
}

function commandHelp(c: CliCommand): string {
  return [`Usage: ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : [])].join('\n');
}

/** Help for a word that groups subcommands, e.g. `pkce-pilot org --help`. */
function groupHelp(group: string, members: readonly CliCommand[]): string {
  return [
    `Usage: pkce-pilot ${group} <subcommand> [options]`,
    '',
    'Subcommands:',
    ...members.map((c) => `  ${c.path.join(' ').padEnd(12)} ${c.summary}`),
    '',
    `Run \`pkce-pilot ${group} <subcommand> --help\` for its options and examples.`,
  ].join('\n');
}

function isHelpFlag(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h';
}

/** Commands whose first word is `word` and that have a second word (`org add`, `org list`, …). */
function groupMembers(word: string | undefined): CliCommand[] {
  return COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === word);
}

/** Finds the command whose words prefix argv (longest match), e.g. ['org', 'add', 'x'] → org add. */
function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: CliCommand | undefined;
  for (const c of COMMANDS) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

/** The first words a command line may start with. */
function topWords(): string[] {
  return [...new Set(COMMANDS.map((c) => c.path[0] as string)), 'help'];
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || isHelpFlag(argv[0])) {
    io.out(generalHelp());
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(version());
    return EXIT_OK;
  }
  // `pkce-pilot help org add` is `pkce-pilot org add --help`.
  if (argv[0] === 'help')
    return argv.length === 1 ? runCli(['--help'], io) : runCli([...argv.slice(1), '--help'], io);
  const found = findCommand(argv);
  const members = groupMembers(argv[0]);
  if (!found && members.length > 0) {
    const sub = argv[1];
    if (sub === undefined || isHelpFlag(sub)) {
      io.out(groupHelp(argv[0] as string, members));
      return sub === undefined ? EXIT_USAGE : EXIT_OK;
    }
    const group = argv[0] as string;
    const match = closest(
      sub,
      members.map((c) => c.path[1] as string),
    );
    io.err(
      `Unknown "${group}" subcommand "${sub}".${match ? ` Did you mean ${group} ${match}?` : ''} ` +
        `Try one of: ${members.map((c) => c.path.join(' ')).join(', ')}.`,
    );
    return EXIT_USAGE;
  }
  if (!found) {
    const word = argv[0] as string;
    const guess = word.startsWith('-')
      ? didYouMean(word, ['--help', '--version'])
      : didYouMean(word, topWords());
    io.err(
      `Unknown ${word.startsWith('-') ? 'option' : 'command'} "${word}".${guess} Run pkce-pilot --help for the list of commands.`,
    );
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  const beforeSeparator = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (beforeSeparator.some(isHelpFlag)) {
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
