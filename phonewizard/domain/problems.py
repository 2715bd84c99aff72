"""`Problem`: one message about one field, the shape every front end displays.

Kept in its own module so that report.py and advice.py can both use it without an import cycle;
report.py re-exports it (the public contract is `phonewizard.domain.report.Problem`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One message about one field. `field` is a dotted path, e.g. `registration.phone_number`
    or `registration.transfer_config.allowed_destinations.0`."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
