/**
 * Debian's Chromium as every test and benchmark launches it: no browser download ever happens (CI has
 * no internet), and the background-networking flags stop it from dialling out of a closed network.
 */
export const CHROMIUM_PATH = process.env['PKCE_PILOT_CHROMIUM'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
export const chromiumLaunchOptions = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS };
