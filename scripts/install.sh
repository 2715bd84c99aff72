#!/usr/bin/env bash
# `make install` / `make uninstall`: the `phonewizard` command on your PATH, as a symbolic link
#     ~/.local/bin/phonewizard -> <this checkout>/.venv/bin/phonewizard
# (BINDIR=/some/dir overrides ~/.local/bin). A link rather than pipx: pipx would build a second
# virtualenv with another copy of Qt (about 270 MB) that does not follow `git pull`, while the link
# reuses the .venv that `make run` keeps up to date, and removing it is all uninstalling takes.
# The link only works while this checkout stays where it is: run `make uninstall` before moving
# or deleting it. Never touches a `phonewizard` in BINDIR that is not this checkout's link.
# Usage: bash scripts/install.sh [--uninstall]   (`make install` runs scripts/bootstrap.sh first)
set -euo pipefail
cd "$(dirname "$0")/.."
bindir="${BINDIR:-$HOME/.local/bin}"
target="$PWD/.venv/bin/phonewizard"
link="$bindir/phonewizard"

ours() { [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; }

if [ "${1:-}" = --uninstall ]; then
  if ours; then
    rm -- "$link"
    echo "uninstall: removed $link"
  elif [ -e "$link" ] || [ -L "$link" ]; then
    echo "uninstall: $link is not this checkout's link (it points to $(readlink "$link" || echo 'a file')); left alone" >&2
    exit 1
  else
    echo "uninstall: nothing to remove ($link does not exist)"
  fi
  exit 0
fi

if [ ! -x "$target" ]; then
  echo "install: $target does not exist yet; run \`make install\` (it sets up .venv first)" >&2
  exit 1
fi
if ours; then
  echo "install: already installed: $link -> $target"
elif [ -e "$link" ] || [ -L "$link" ]; then
  echo "install: $link already exists and is not this checkout's (it points to $(readlink "$link" || echo 'a file'))." >&2
  echo "install: remove it first, or install elsewhere: make install BINDIR=/another/dir" >&2
  exit 1
else
  mkdir -p "$bindir"
  ln -s "$target" "$link"
  echo "install: $link -> $target"
fi
case ":$PATH:" in
  *":$bindir:"*) echo "install: done; try: phonewizard --help" ;;
  *)
    echo "install: $bindir is not on your PATH yet. Debian and Ubuntu add ~/.local/bin at your next login"
    echo "         when it exists; for this shell (or other systems, in ~/.profile) add it with:"
    echo "    export PATH=\"$bindir:\$PATH\""
    ;;
esac
