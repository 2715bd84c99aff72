"""Validation results as field-path problems, the one shape every front end displays.

`check_config(data)` is the single entry point: the GUI calls it on every edit, the file loader and
the CLI on every file. Errors block; warnings (possible-but-unusual numbers, provider password rules,
normalisations such as a stripped `sip:` prefix) are shown but do not block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from phonewizard.domain.config_document import PhoneWizardConfig


@dataclass(frozen=True)
class Problem:
    """One message about one field. `field` is a dotted path, e.g. `registration.phone_number`
    or `registration.transfer_config.allowed_destinations.0`."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass
class Report:
    config: PhoneWizardConfig | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.errors

    def errors_under(self, prefix: str) -> list[Problem]:
        """Errors for one field or one subtree (a wizard page shows only its own)."""
        return [p for p in self.errors if p.field == prefix or p.field.startswith(prefix + ".")]


def check_config(data: Mapping[str, Any]) -> Report:
    raise NotImplementedError("filled in by the domain validation work")
