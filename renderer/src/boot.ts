/**
 * A tiny first script: it asks main for the start-up data (and the fleet's rows when the app opens on
 * "All orgs") while the browser is still loading and compiling React and the app (main.tsx), which
 * then takes the answers from startup.ts.
 */
import { rememberedHome, rememberedOrg, startInitialLoad } from './startup';

startInitialLoad(rememberedOrg(), rememberedHome());
