/** Chromium permission requests and checks go through the pure policy; everything else is denied. */
import type { Session } from 'electron';
import { isPermissionGranted } from './policy';

export function applyPermissionPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
  // USB/HID/serial/Bluetooth device access: the app never needs a device.
  session.setDevicePermissionHandler(() => false);
}
