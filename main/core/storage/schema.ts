/**
 * zod for the data files and keychain items: zod/mini, with zod's English messages.
 *
 * Why mini and not zod's classic API: every CLI command that opens the data folder or the keychain loads
 * these schemas, and classic zod (every schema type with its whole method set) made the chunk holding
 * them 200 KB and 38 ms to load here; with mini (and the IPC contract, preload/contract.ts, on mini too,
 * since that chunk is shared with the app's main process) it is 91 KB and 20 ms — same core, same checks,
 * same messages. `status`, `org list` and `checklist` start 8–10 % sooner, a sign-in ends 6 % sooner.
 * mini ships no messages of its own ("Invalid input"), so the English ones are set here, before any store
 * can parse; the stores import zod only through this module.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
