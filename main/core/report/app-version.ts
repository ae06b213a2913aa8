/** The app's version for reports; package.json is inlined by the bundler (electron-vite) and by vitest. */
import packageJson from '../../../package.json';

export const APP_VERSION: string = typeof packageJson.version === 'string' ? packageJson.version : 'unknown';
