/**
 * Child process for the crash-safety test: loads the store, then saves ever-increasing `seq` values
 * with alternating payloads as fast as it can, printing "saved <seq>" after each completed save, until
 * the parent SIGKILLs it. Exits with code 3 if its own start-up load had to recover (the parent also checks).
 */
import { JsonFileStore } from '../../main/core/storage/json-file-store';

export interface CrashState {
  seq: number;
  payload: string[];
}

export function isCrashState(value: unknown): value is CrashState {
  const v = value as CrashState;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isInteger(v.seq) &&
    Array.isArray(v.payload) &&
    v.payload.every((p) => typeof p === 'string')
  );
}

/** Two very different shapes, so a mix of old and new bytes could never parse as either. */
export function payloadFor(seq: number): string[] {
  return seq % 2 === 0
    ? Array.from({ length: 400 }, (_, i) => `even-${seq}-${i}`.padEnd(120, 'e'))
    : Array.from({ length: 40 }, (_, i) => `odd-${seq}-${i}`);
}

export function crashStore(file: string): JsonFileStore<CrashState> {
  return new JsonFileStore<CrashState>({
    path: file,
    schemaVersion: 1,
    parse: (data) => {
      if (!isCrashState(data) || data.payload.join() !== payloadFor(data.seq).join())
        throw new Error('not a state this writer wrote');
      return data;
    },
    empty: () => ({ seq: 0, payload: payloadFor(0) }),
  });
}

async function main(file: string): Promise<void> {
  const store = crashStore(file);
  const { value, recovered } = await store.load();
  if (recovered) process.exit(3);
  process.stdout.write(`loaded ${value.seq}\n`);
  for (let seq = value.seq + 1; ; seq++) {
    await store.save({ seq, payload: payloadFor(seq) });
    process.stdout.write(`saved ${seq}\n`);
  }
}

// The parent starts the next writer while it checks the previous one; it begins on "go" from stdin,
// so two writers never touch the file at once and Node's start-up time is not spent per kill.
const target = process.argv[2];
if (target && process.env['PILOT_CRASH_WRITER'] === '1') process.stdin.once('data', () => void main(target));
