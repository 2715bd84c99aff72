#!/usr/bin/env bash
# The build command (`make build`): set-up, PyInstaller into .venv (the `build` extra), then the
# onedir bundle dist/phonewizard/ from build.spec, and a first smoke run of the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

# Libraries the xcb platform plugin links against; present on the build host they get bundled,
# absent they only produce "Library not found" warnings and a bundle that needs them installed.
need_pkgs=()
for lib in libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0; do
  dpkg -s "$lib" >/dev/null 2>&1 || need_pkgs+=("$lib")
done
if [ ${#need_pkgs[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "build: installing ${need_pkgs[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

if ! .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  .venv/bin/python -m pip install -q -e ".[build]"
fi
# The PySide6 meta-package pulls Addons (WebEngine, Pdf, ...); the spec filters them, but say so.
if .venv/bin/python -m pip show -q PySide6-Addons >/dev/null 2>&1; then
  echo "build: warning: PySide6-Addons is installed; build from a PySide6-Essentials-only venv" >&2
fi

.venv/bin/pyinstaller --noconfirm --log-level WARN build.spec
./dist/phonewizard/phonewizard --version
echo "build: dist/phonewizard/ is $(du -sh dist/phonewizard | cut -f1); check it with:" \
  "QT_QPA_PLATFORM=offscreen dist/phonewizard/phonewizard --selftest"
