import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { protocolClientRegistration } from '../../main/electron/protocol-client';

const schemes = { production: 'com.pkcepilot.app', development: 'com.pkcepilot.app.dev' };

describe('protocolClientRegistration', () => {
  it('packaged builds claim the production scheme for the app executable itself', () => {
    expect(
      protocolClientRegistration(
        {
          isPackaged: true,
          defaultApp: false,
          execPath: '/opt/PKCE Pilot/pkce-pilot',
          argv: ['/opt/PKCE Pilot/pkce-pilot'],
          appPath: '/opt/PKCE Pilot/resources/app.asar',
        },
        schemes,
      ),
    ).toEqual({ scheme: 'com.pkcepilot.app', executable: '/opt/PKCE Pilot/pkce-pilot', args: [] });
  });

  it('development builds claim the dev scheme and pass Electron plus the absolute app path', () => {
    expect(
      protocolClientRegistration(
        {
          isPackaged: false,
          defaultApp: true,
          execPath: '/n/electron',
          // Under a debugger or test runner argv[1] is an inspector flag, not the app.
          argv: ['/n/electron', '--inspect=0', 'out/main/index.js'],
          appPath: 'out/main/index.js',
        },
        schemes,
      ),
    ).toEqual({
      scheme: 'com.pkcepilot.app.dev',
      executable: '/n/electron',
      args: [path.resolve('out/main/index.js')],
    });
  });

  it('an unpackaged build without an app argument still uses the dev scheme', () => {
    expect(
      protocolClientRegistration(
        {
          isPackaged: false,
          defaultApp: false,
          execPath: '/n/app',
          argv: ['/n/app'],
          appPath: '/n/resources/app',
        },
        schemes,
      ),
    ).toEqual({ scheme: 'com.pkcepilot.app.dev', executable: '/n/app', args: [] });
  });
});
