/**
 * Every message that tells the admin to run `pkce-pilot …` names a command that exists: the source
 * (core, CLI, app, preload) and the README are grepped and each named command is looked up in the
 * CLI's own command table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../main/cli/commands';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** "pkce-pilot org add …", "pkce-pilot verify <alias>" → the words after the program name. */
const NAMED = /\bpkce-pilot ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g;

function namedCommands(text: string): string[][] {
  return [...text.matchAll(NAMED)].map((m) => [m[1] as string, ...(m[2] ? [m[2]] : [])]);
}

/** Resolves the words like the CLI does: a group's second word is its subcommand; else a command. */
function resolves(words: readonly string[]): string | undefined {
  const [first, second] = words;
  const group = COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === first);
  if (group.length > 0) {
    // A bare group ("pkce-pilot org --help") shows the group's help; a second word must be a member.
    if (second === undefined) return first;
    const name = `${first} ${second}`;
    return group.some((c) => c.path[1] === second) ? name : undefined;
  }
  return COMMANDS.some((c) => c.path.length === 1 && c.path[0] === first) || first === 'help'
    ? first
    : undefined;
}

describe('commands named in messages', () => {
  const files = [
    ...['main', 'renderer/src', 'preload'].flatMap((d) => sourceFiles(path.join(ROOT, d))),
    path.join(ROOT, 'README.md'),
  ];

  it('finds the messages it checks (the grep itself works)', () => {
    const all = files.flatMap((f) => namedCommands(readFileSync(f, 'utf8')));
    expect(all.length).toBeGreaterThan(20);
    expect(resolves(['verify'])).toBe('verify');
    expect(resolves(['org', 'add'])).toBe('org add');
    expect(resolves(['org', 'rename'])).toBeUndefined();
    expect(resolves(['frobnicate'])).toBeUndefined();
  });

  it('names only commands that exist', () => {
    const missing = files.flatMap((file) =>
      namedCommands(readFileSync(file, 'utf8'))
        .filter((words) => resolves(words) === undefined)
        .map((words) => `${path.relative(ROOT, file)}: pkce-pilot ${words.join(' ')}`),
    );
    expect(missing).toEqual([]);
  });
});
