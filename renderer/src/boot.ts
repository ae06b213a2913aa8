/**
 * A tiny first script: it asks main for the start-up data while the browser is still loading and
 * compiling React and the app (main.tsx), which then takes the answers from startup.ts.
 */
import { rememberedOrg, startInitialLoad } from './startup';

startInitialLoad(rememberedOrg());
