#!/usr/bin/env bash
# One-time set-up on a fresh machine: the system libraries Qt and the keyring tests need (when we
# are root and apt-get exists), then a virtualenv in .venv with the project and its test extra.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v dbus-run-session >/dev/null || need_pkgs+=(dbus)
command -v gnome-keyring-daemon >/dev/null || need_pkgs+=(gnome-keyring)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need_pkgs+=(fonts-dejavu-core fontconfig)
# desktop-file-validate checks resources/phonewizard.desktop (tests/test_packaging.py); without it
# that test would be skipped on every CI machine.
command -v desktop-file-validate >/dev/null || need_pkgs+=(desktop-file-utils)
for lib in libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3; do
  dpkg -s "$lib" >/dev/null 2>&1 || need_pkgs+=("$lib")
done
if [ ${#need_pkgs[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing ${need_pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "bootstrap: please install: ${need_pkgs[*]} (sudo apt-get install ...)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
