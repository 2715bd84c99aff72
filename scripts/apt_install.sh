#!/usr/bin/env bash
# Installs Debian/Ubuntu packages the project needs, quietly, when it can.
# Usage: bash scripts/apt_install.sh WHO PACKAGE...   (WHO prefixes the messages, e.g. "bootstrap")
#
# Packages already installed are skipped. As root with apt-get: `apt-get update` and install the
# rest, printing nothing unless something goes wrong (apt's output is shown then); the one line
# apt always prints without apt-utils ("debconf: delaying package configuration…") is dropped.
# Not root: it prints the exact command to run and returns 0: the caller goes on, and whatever
# needs the packages says so itself. Waits up to 5 minutes for another apt/dpkg run to finish.
set -euo pipefail
who="$1"; shift

# Not Debian/Ubuntu: nothing to check here; the wizard itself names a missing X11 library.
command -v dpkg >/dev/null && command -v apt-get >/dev/null || exit 0
missing=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "$who: please install the system packages the wizard needs:" >&2
  echo "    sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi

echo "$who: installing ${missing[*]}" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-qq -o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
if ! { apt-get "${apt_opts[@]}" update && \
       apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "$who: apt-get failed (above)" >&2
  exit 1
fi
# Harmless: apt-utils is not installed, so debconf configures after unpacking instead of before.
grep -v -e '^debconf: delaying package configuration' "$log" | grep -v '^$' >&2 || true
