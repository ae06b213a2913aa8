import { setFlagsFromString } from 'node:v8';
import { runCli } from './run';
import { processIo } from './io';

// Entry point of the `pkce-pilot` binary (bin/pkce-pilot.js loads the built copy of this file).
//
// Node's fetch parses HTTP with llhttp compiled to WebAssembly. After the first request V8 starts
// optimising that module on a background thread, and a process cannot end (even through
// process.exit) before that job is done: measured here it kept a finished sign-in alive 70–500 ms
// after printing its result. A command sends a handful of requests, for which the baseline compiler
// is plenty, so the optimising tier is switched off before anything is fetched.
setFlagsFromString('--liftoff-only');

// No process.exit: every command closes what it opened (the loopback listener before the sign-in
// result is printed; fetch's idle keep-alive sockets do not hold the process), so the process ends
// by itself once the output is flushed. bench/test/cli-exit.test.ts checks nothing is left open.
void runCli(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
});
