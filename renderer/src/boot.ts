/**
 * The page's first module: it asks main for the start-up data (and the fleet's rows when the app opens on
 * "All orgs") before React and the app (main.tsx) are evaluated; they then take the answers from
 * startup.ts. Vite bundles both scripts into one file, so the request leaves once the browser has compiled
 * that file, and main answers it while React is evaluated. Measured (14 loads each): main.tsx as a chunk
 * of its own, preloaded from index.html, sent the request ~35 ms earlier but had the checklist ready no
 * sooner (530 vs 518 ms): the first screen waits for the bundle's evaluation, not for this answer.
 */
import { rememberedHome, rememberedOrg, startInitialLoad } from './startup';

startInitialLoad(rememberedOrg(), rememberedHome());
