import { runCli } from './run';
import { processIo } from './io';

// Entry point of the `pkce-pilot` binary (bin/pkce-pilot.js loads the built copy of this file).
// (Commands that go on the network first switch off V8's optimising WebAssembly tier: see
// loadServices in context.ts.)
//
// Every command closes what it opened (the loopback listener before the sign-in result is printed;
// fetch's idle keep-alive sockets do not hold the process), so the event loop drains by itself once the
// output is flushed; bench/test/cli-exit.test.ts checks nothing is left open. Only then — 'beforeExit'
// fires when nothing is left to run, so this cannot cut work short or hide a handle left open — the
// process ends through process.exit: Node's own teardown of a finished process (the environment, then
// V8's heap page by page) took 3–4 ms of a sign-in's exit here, which the kernel does at once.
void runCli(process.argv.slice(2), processIo).then((code) => {
  process.exitCode = code;
  process.once('beforeExit', () => process.exit());
});
