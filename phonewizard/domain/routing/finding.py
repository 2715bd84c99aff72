"""`Finding`: one thing about the project's routing worth knowing before a call is made.

Findings never block a registration: they are warnings (a call will, or very likely will, fail)
or information (a risk, or behaviour that surprises). Each has a stable `code` scripts can rely on,
the IDs of the objects concerned, a plain sentence, and what to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["warning", "info"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # e.g. "number.carrier_sends_without_plus"; stable, documented in docs/doctor.md
    object_ids: tuple[str, ...]
    message: str  # what is wrong, in a plain sentence
    fix: str  # what to change

    def __str__(self) -> str:
        return f"{self.severity}: {self.message} {self.fix}"

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "object_ids": list(self.object_ids),
            "message": self.message,
            "fix": self.fix,
        }


def dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop repeats (same code, objects and message), keeping the first."""
    seen: set[tuple[str, tuple[str, ...], str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.object_ids, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
