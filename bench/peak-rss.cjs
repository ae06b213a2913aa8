// Preloaded (node --require) into a timed child when the bench wants its resource use: at exit, writes
// the process's peak resident set size (KiB) and CPU time (user + system, ms) as JSON to
// $BENCH_PEAK_RSS_FILE.
//
// The peak is the memory map's own high-water mark (VmHWM in /proc/self/status) on Linux, not
// process.resourceUsage().maxRSS: Linux carries a parent's peak into a child it spawns (getrusage(2):
// maxrss survives fork and execve), so maxRSS reported the bench harness's ~140 MiB for every small run.
// Elsewhere maxRSS is all there is.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a `node --require` preload is CommonJS
const fs = require('node:fs');

function peakRssKiB() {
  try {
    const hwm = /^VmHWM:\s+(\d+)\s+kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // no procfs (macOS, Windows)
  }
  return process.resourceUsage().maxRSS;
}

const file = process.env.BENCH_PEAK_RSS_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({ maxRssKiB: peakRssKiB(), cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
    );
  });
