#!/usr/bin/env bash
# The build command (`make build`): set-up, PyInstaller into .venv (the `build` extra), then the
# onedir bundle dist/phonewizard/ from build.spec, and a first smoke run of the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# bootstrap.sh installed the libraries of Qt's xcb platform plugin (when root): present on the build
# host they get bundled; absent they only produce "Library not found" warnings and a bundle that
# needs them installed.

if ! .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install -q -e ".[build]"
fi
# The PySide6 meta-package pulls Addons (WebEngine, Pdf, ...); the spec filters them, but say so.
if .venv/bin/python -m pip show -q PySide6-Addons >/dev/null 2>&1; then
  echo "build: warning: PySide6-Addons is installed; build from a PySide6-Essentials-only venv" >&2
fi

.venv/bin/pyinstaller --noconfirm --log-level WARN build.spec
./dist/phonewizard/phonewizard --version
echo "build: dist/phonewizard/ is $(du -sh dist/phonewizard | cut -f1); check it with:" \
  "QT_QPA_PLATFORM=offscreen dist/phonewizard/phonewizard --selftest"
