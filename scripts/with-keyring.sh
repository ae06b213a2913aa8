#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so keychain
# code meets a real Secret Service without touching the user's own keyring. Linux only.
set -uo pipefail
if [ "$(uname -s)" != "Linux" ]; then exec "$@"; fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (apt-get install dbus-daemon dbus-bin gnome-keyring)" >&2
  exit 1
fi
keyring_home="$(mktemp -d)"

# gnome-keyring-daemon detaches and outlives the D-Bus session, holding inherited descriptors (a CI
# log pipe would then never close): stop the one daemon that belongs to this keyring folder.
cleanup() {
  for pid in $(pgrep -f gnome-keyring-daemon || true); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "XDG_DATA_HOME=$keyring_home"; then
      kill "$pid" 2>/dev/null || true
      # Let it finish writing its keyring files before the folder goes.
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    fi
  done
  rm -rf "$keyring_home"
}
trap cleanup EXIT

export XDG_DATA_HOME="$keyring_home"
# The password only unlocks this throwaway keyring. dbus prints a harmless "Failed to set fd limit".
dbus-run-session -- sh -c 'echo -n pkce-pilot-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@"
