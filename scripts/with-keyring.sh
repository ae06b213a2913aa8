#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so keychain
# code meets a real Secret Service without touching the user's own keyring. Linux only.
set -euo pipefail
if [ "$(uname -s)" != "Linux" ]; then exec "$@"; fi
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session and gnome-keyring-daemon are needed (apt-get install dbus-daemon dbus-bin gnome-keyring)" >&2
  exit 1
fi
keyring_home="$(mktemp -d)"
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home"
# The password only unlocks this throwaway keyring.
dbus-run-session -- sh -c 'echo -n pkce-pilot-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
