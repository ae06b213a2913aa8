import { runCli } from './run';
import { processIo } from './io';

// Entry point of the `pkce-pilot` binary (bin/pkce-pilot.js loads the built copy of this file).
// (Commands that go on the network first switch off V8's optimising WebAssembly tier: see
// loadServices in context.ts.)
//
// No process.exit: every command closes what it opened (the loopback listener before the sign-in
// result is printed; fetch's idle keep-alive sockets do not hold the process), so the process ends
// by itself once the output is flushed. bench/test/cli-exit.test.ts checks nothing is left open.
void runCli(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
});
