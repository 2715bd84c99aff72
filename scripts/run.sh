#!/usr/bin/env bash
# The run command: set-up, then the wizard (against the built-in sandbox when no LiveKit
# project is configured).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/phonewizard "$@"
