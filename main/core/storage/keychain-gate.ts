/**
 * Who may talk to the keychain now, process-wide: reads side by side (a few at once), anything that
 * changes it alone. First come, first served, so a waiting write is not starved by a stream of reads.
 *
 * Why not one call at a time for everything: `verify --all` reads every org's sign-ins, and one at a time
 * the keychain paced the whole run (measured when each org had two items — 200 orgs: 400 reads queued end
 * to end, ~7 ms each on a busy machine,
 * 2.8 s of a 3.8 s run). Why not unbounded: keytar runs each call on libuv's thread pool (4 threads,
 * shared with file I/O and DNS lookups), and libsecret has been seen here to lose the answer to a call
 * overlapping a write or a miss's write probe (GLib "task->ever_returned"); overlapping reads, of existing
 * and missing items alike, answered correctly in every stress run against gnome-keyring (16,000 reads,
 * 2–8 at once, and 80 fresh processes whose first calls overlap).
 */

export const READS_AT_ONCE = 2;

interface Waiting {
  readonly exclusive: boolean;
  readonly start: () => void;
}

export class KeychainGate {
  private readonly waiting: Waiting[] = [];
  private active = 0;
  private exclusiveActive = false;

  constructor(private readonly readsAtOnce = READS_AT_ONCE) {}

  /** Runs `task` when allowed: `exclusive` for writes, deletes and probes; shared for reads. */
  async run<R>(exclusive: boolean, task: () => Promise<R>): Promise<R> {
    await new Promise<void>((start) => {
      this.waiting.push({ exclusive, start });
      this.admit();
    });
    try {
      return await task();
    } finally {
      this.active--;
      if (exclusive) this.exclusiveActive = false;
      this.admit();
    }
  }

  private admit(): void {
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      const allowed = next.exclusive
        ? this.active === 0
        : !this.exclusiveActive && this.active < this.readsAtOnce;
      if (!allowed) return;
      this.waiting.shift();
      this.active++;
      if (next.exclusive) this.exclusiveActive = true;
      next.start();
    }
  }
}
