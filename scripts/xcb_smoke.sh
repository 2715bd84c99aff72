#!/usr/bin/env bash
# CI's check that the wizard opens on a real X server: Xvfb, Qt's xcb platform (not offscreen),
# the real `phonewizard` command as a user starts it, then a screenshot of the screen taken from
# another X client. A missing xcb library, a Qt abort or a window that never paints fails it.
# Usage: bash scripts/xcb_smoke.sh [PNG]   (default test-output/xcb-smoke.png; an ignored folder)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-test-output/xcb-smoke.png}"
bash scripts/bootstrap.sh
bash scripts/apt_install.sh xcb-smoke xvfb xauth
command -v Xvfb >/dev/null || { echo "xcb-smoke: Xvfb is not installed (apt-get install xvfb)" >&2; exit 1; }

work="$(mktemp -d)"
app_pid="" xvfb_pid=""
cleanup() {
  set +e  # keep the script's own exit status
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$work"
  return 0
}
trap cleanup EXIT

# A display number nobody uses (another run or developer may have one open).
display=""
for n in $(seq 90 140); do
  if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
done
[ -n "$display" ] || { echo "xcb-smoke: no free X display number" >&2; exit 1; }
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 100); do
  [ -e "/tmp/.X11-unix/X${display#:}" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; echo "xcb-smoke: Xvfb did not start" >&2; exit 1; }
  sleep 0.1
done

# The user's command, in a throwaway home (no saved profile: it opens in sandbox mode).
mkdir -p "$work/home"
env -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM DISPLAY="$display" QT_QPA_PLATFORM=xcb HOME="$work/home" \
  XDG_CONFIG_HOME="$work/home/.config" XDG_DATA_HOME="$work/home/.local/share" \
  XDG_STATE_HOME="$work/home/.local/state" .venv/bin/phonewizard >"$work/app.log" 2>&1 &
app_pid=$!

mkdir -p "$(dirname "$out")"
if ! DISPLAY="$display" QT_QPA_PLATFORM=xcb .venv/bin/python scripts/grab_screen.py \
    --pid "$app_pid" --out "$out"; then
  echo "xcb-smoke: the wizard's output:" >&2
  cat "$work/app.log" >&2
  exit 1
fi
echo "xcb-smoke: the wizard opened on Xvfb with the xcb platform; screenshot $out"
