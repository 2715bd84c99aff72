#!/bin/sh
# Runs a command with an unlocked gnome-keyring on the current D-Bus session (throwaway HOME for
# the keyring files). Usage: dbus-run-session -- sh scripts/with_keyring.sh CMD ...
set -e
KEYRING_HOME="$(mktemp -d)"
export PHONEWIZARD_REAL_KEYRING=1
eval "$(printf '%s' 'phonewizard-test' | HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec "$@"
