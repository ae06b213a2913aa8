// Preloaded (node --require) into a timed child when the bench wants its resource use: at exit, writes
// process.resourceUsage()'s maxRSS (KiB, the whole life of the process) and CPU time (user + system,
// ms) as JSON to $BENCH_PEAK_RSS_FILE.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a `node --require` preload is CommonJS
const fs = require('node:fs');
const file = process.env.BENCH_PEAK_RSS_FILE;
if (file)
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
    );
  });
