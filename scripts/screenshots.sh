#!/usr/bin/env bash
# `make screenshots`: regenerate the documented screenshots in docs/screenshots/ (light and dark
# palette) by running the tests that take them with PHONEWIZARD_SCREENSHOT_DIR pointing there.
# The normal test run writes the same pictures to test-output/screenshots/ (ignored) instead, so
# `make test` never changes tracked files; fonts differ between machines, so the pictures do too.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export QT_QPA_PLATFORM=offscreen PHONEWIZARD_SCREENSHOT_DIR="$PWD/docs/screenshots"
.venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/ui/test_wizard_screenshots.py \
  "tests/ui/test_registration_flow.py::test_full_registration_through_the_wizard" \
  tests/ui/test_registrations_screenshots.py \
  tests/ui/test_carrier_screenshots.py \
  tests/ui/test_doctor_dialog.py \
  tests/ui/test_doctor_wizard.py \
  tests/ui/test_test_call_screenshots.py
git status --short -- docs/screenshots
