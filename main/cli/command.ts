import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import type { ParsedCommand } from './args';

export interface CliCommand {
  /** Words that select the command, e.g. ['org', 'add']. */
  readonly path: readonly string[];
  readonly usage: string;
  readonly summary: string;
  /** Extra help text shown by `--help` (examples, notes). */
  readonly details?: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code (0 ok, 1 failure). */
  run(args: ParsedCommand, io: CliIo): Promise<number>;
}
