"""The doctor's findings before a registration, as `register`, `register --dry-run` and `validate`
print them on stderr (app/doctor.py computes them; they never block a registration, so they never
change an exit code).

One line per finding, so scripts can grep them: `warning: doctor: …` for a warning (a call will,
or very likely will, fail), `note: doctor: …` for information (a risk, a surprise); each line is
the finding's sentence followed by what to change. Names in them come from LiveKit objects, so
`err` escapes control characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phonewizard.cli.errors import err

if TYPE_CHECKING:
    from phonewizard.app.doctor import RegistrationChecks


def print_findings(checks: RegistrationChecks) -> None:
    for f in checks.warnings:
        err(f"warning: doctor: {f.message} {f.fix}".rstrip())
    for f in checks.notes:
        err(f"note: doctor: {f.message} {f.fix}".rstrip())
    if checks.problem:
        err(f"warning: doctor: {checks.problem}")
