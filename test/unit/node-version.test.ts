/**
 * One Node version everywhere: package.json `engines`, `.nvmrc` and the README say the same thing, and
 * that version satisfies what the app's Electron tooling itself declares (so `npm start` works on it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const enginesOf = (file: string): string =>
  (JSON.parse(read(file)) as { engines?: { node?: string } }).engines?.node ?? '';

type Version = [number, number, number];

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text.split('.').map((n) => Number(n));
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** The lowest version a plain `>=x.y.z` range allows. */
function minimumOf(range: string): Version {
  const m = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim());
  if (!m?.[1]) throw new Error(`engines range "${range}" is not a plain >=x.y.z`);
  return parseVersion(m[1]);
}

/** Whether `v` satisfies a range made of `>=x`, `>= x`, `^x` alternatives joined by `||`. */
function satisfies(v: Version, range: string): boolean {
  return range.split('||').some((alt) => {
    const m = /^\s*(>=|\^)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(alt);
    if (!m?.[2]) throw new Error(`cannot read engines range "${range}"`);
    const min = parseVersion(m[2]);
    return compare(v, min) >= 0 && (m[1] === '>=' || v[0] === min[0]);
  });
}

describe('Node version', () => {
  const engines = enginesOf('package.json');
  const minimum = minimumOf(engines);

  it("satisfies the engines of Electron's tooling that runs the app", () => {
    for (const tool of ['electron', '@electron/get', 'electron-vite', 'vite', 'electron-builder']) {
      const range = enginesOf(`node_modules/${tool}/package.json`);
      if (range)
        expect(satisfies(minimum, range), `${tool} wants ${range}; engines says ${engines}`).toBe(true);
    }
  });

  it('.nvmrc picks a release line that meets engines', () => {
    const nvmrc = read('.nvmrc').trim();
    expect(nvmrc).toMatch(/^\d+(\.\d+){0,2}$/);
    const major = parseVersion(nvmrc)[0];
    expect(major).toBe(minimum[0]);
    // A bare major ("22") resolves to that line's newest release, which meets the minor floor.
    if (nvmrc.includes('.')) expect(compare(parseVersion(nvmrc), minimum)).toBeGreaterThanOrEqual(0);
  });

  it('the README names the same version, and says the tests also run on Node 20', () => {
    const readme = read('README.md');
    const shown = `${minimum[0]}.${minimum[1]}`;
    expect(readme).toContain(`Node ${shown}`);
    expect(readme).toContain('.nvmrc');
    expect(readme).toMatch(/tests? (also )?run on Node 20/i);
  });
});
