import type { ParseArgsConfig } from 'node:util';
import { PilotError } from '../core/errors';
import { didYouMean } from './suggest';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | undefined>;
}

/** A plain usage error: what was wrong, then the command's usage line. */
function usageError(message: string, usage: string): PilotError {
  return new PilotError('usage', message, `Usage: ${usage}`);
}

/** Looks a flag up by long name (`--port`) or short alias (`-p`). */
function optionNamed(options: Options, flagText: string): string | undefined {
  if (flagText.startsWith('--')) {
    const name = flagText.slice(2);
    return Object.hasOwn(options, name) ? name : undefined;
  }
  const short = flagText.slice(1);
  return Object.keys(options).find((name) => options[name]?.short === short);
}

/** A value that starts with a dash but is no flag: a negative number, e.g. `--port -1`. */
const DASH_VALUE = /^-\d/;

/**
 * Parses a command's arguments against its options. Every mistake gets one plain sentence naming the
 * flag ("Unknown option --colour. Did you mean --color?", "--port needs a value.") and exit 2, and
 * `--port -1` reaches the port check like any other bad port instead of meeting parser jargon.
 * (Hand-written rather than util.parseArgs: its messages cannot be replaced flag by flag.)
 */
export function parseCommandArgs(argv: readonly string[], options: Options, usage: string): ParsedCommand {
  const positionals: string[] = [];
  const values: ParsedCommand['values'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || DASH_VALUE.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flagText = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const name = optionNamed(options, flagText);
    if (!name) {
      const known = [...Object.keys(options).map((n) => `--${n}`), '--help'];
      throw usageError(`Unknown option ${flagText}.${didYouMean(flagText, known)}`, usage);
    }
    if (options[name]?.type === 'string') {
      const value = inline ?? argv[i + 1];
      if (inline === undefined) i++;
      if (value === undefined || (inline === undefined && value.startsWith('-') && !DASH_VALUE.test(value)))
        throw usageError(`--${name} needs a value.`, usage);
      values[name] = value;
    } else {
      if (inline !== undefined) throw usageError(`--${name} takes no value.`, usage);
      values[name] = true;
    }
  }
  return { positionals, values };
}

export function requirePositional(parsed: ParsedCommand, index: number, name: string, usage: string): string {
  const value = parsed.positionals[index];
  if (!value) throw new PilotError('usage', `Missing <${name}>.`, `Usage: ${usage}`);
  return value;
}

export function optionalString(parsed: ParsedCommand, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(parsed: ParsedCommand, name: string): boolean {
  return parsed.values[name] === true;
}

export function rejectExtraPositionals(parsed: ParsedCommand, allowed: number, usage: string): void {
  if (parsed.positionals.length > allowed) {
    throw new PilotError('usage', `Unexpected argument "${parsed.positionals[allowed]}".`, `Usage: ${usage}`);
  }
}
