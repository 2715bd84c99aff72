#!/usr/bin/env bash
# One-time set-up on a fresh machine: the system libraries Qt, its X11 plugin and the keyring tests
# need (installed when we are root and apt-get exists, else the exact command is printed), then a
# virtualenv in .venv with the project and its test extra. Quiet unless something needs saying.
set -euo pipefail
cd "$(dirname "$0")/.."

# What Qt's offscreen platform and the keyring tests need, then what the wizard's window needs on
# an X11 desktop: the libraries of Qt's xcb platform plugin (the list lives in
# phonewizard/ui/xcb_libraries.py, checked against the plugin by the tests). desktop-file-validate
# checks resources/phonewizard.desktop (tests/test_packaging.py); without it that test would be
# skipped on every CI machine.
need_pkgs=(dbus gnome-keyring fonts-dejavu-core fontconfig libegl1 libgl1 libxkbcommon0 libfontconfig1
  libglib2.0-0 libdbus-1-3 desktop-file-utils)
if [ "$(uname -s)" = Linux ]; then
  read -r -a xcb_pkgs <<<"$(python3 phonewizard/ui/xcb_libraries.py debian-packages)"
  need_pkgs+=("${xcb_pkgs[@]}")
fi
bash scripts/apt_install.sh bootstrap "${need_pkgs[@]}"

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # setuptools prints a boxed "Editable installation … be careful with folders …" notice for
  # every editable install; it is advice for package authors, not a problem of this install.
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
