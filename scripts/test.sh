#!/usr/bin/env bash
# The test command: set-up, then the whole suite; under a D-Bus session with an unlocked
# gnome-keyring when both are installed, so the real SecretService test runs too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
  exec dbus-run-session --dbus-daemon="$PWD/scripts/quiet_dbus_daemon.sh" -- \
    sh scripts/with_keyring.sh .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest "$@"
