/**
 * TEST ONLY entry of the web bridge the Playwright `web` project runs the app against. The bridge itself
 * lives in main/dev/web-bridge.ts (shared with `npm run preview`); by default it captures the "system
 * browser" so a second Playwright page can play it, and requires no token.
 */
export {
  DEFAULT_RENDERER_DIR,
  startBridgeServer,
  type BridgeServer,
  type BridgeServerOptions,
} from '../../../main/dev/web-bridge';
