import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PilotError } from '../core/errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  readonly positionals: string[];
  readonly values: Record<string, string | boolean | undefined>;
}

/**
 * Strict parsing through Node's own util.parseArgs: unknown flags and missing values are usage
 * errors (exit 2) naming the flag, never silently ignored.
 */
export function parseCommandArgs(argv: string[], options: Options, usage: string): ParsedCommand {
  try {
    const { positionals, values } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { positionals, values: values as ParsedCommand['values'] };
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : 'invalid arguments';
    throw new PilotError('usage', `${reason}.`, `Usage: ${usage}`);
  }
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
