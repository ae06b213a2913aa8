import { runCli } from './run';
import { processIo } from './io';

// Entry point of the `pkce-pilot` binary (bin/pkce-pilot.js loads the built copy of this file).
// Exit explicitly once output is flushed: keep-alive sockets or keychain handles must not keep a
// finished command hanging in a script.
void runCli(process.argv.slice(2), processIo).then((code) => {
  process.stdout.write('', () => process.exit(code));
});
