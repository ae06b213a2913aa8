// Preloaded (node --require) into a timed child when the bench wants its peak memory: writes
// process.resourceUsage().maxRSS (KiB, the whole life of the process) to $BENCH_PEAK_RSS_FILE at exit.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a `node --require` preload is CommonJS
const fs = require('node:fs');
const file = process.env.BENCH_PEAK_RSS_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
