"""Cross-field rule failures that keep the path of the field the user must change.

A pydantic model validator can only fail "the whole model", which would put e.g. "Vonage outbound
needs a username" on `registration` instead of `registration.auth_username`. So the models' rule
validators hand their findings to `raise_or_collect`: when `check_config` validates, it passes a
collector in the validation context and turns each finding into a Problem with its own path; when
anyone else calls `model_validate` directly, the findings become an ordinary ValidationError whose
message still names each field, so an invalid configuration can never slip through.
"""

from __future__ import annotations

from typing import Any, Iterable

from pydantic import ValidationInfo

COLLECTOR_KEY = "phonewizard.cross_field"
# Set when validating a stored document: files never hold the SIP password (it lives in the
# keyring), so "username without password" is not an error there; `register` checks it later.
SECRETS_ELSEWHERE_KEY = "phonewizard.secrets_elsewhere"

Finding = tuple[tuple[str | int, ...], str]


def secrets_elsewhere(info: ValidationInfo) -> bool:
    context: Any = info.context
    return isinstance(context, dict) and bool(context.get(SECRETS_ELSEWHERE_KEY))


def raise_or_collect(info: ValidationInfo, prefix: str, findings: Iterable[Finding]) -> None:
    """Record findings (loc relative to the model, prefixed with its place in the config)."""
    findings = [((prefix, *loc), message) for loc, message in findings]
    if not findings:
        return
    context: Any = info.context
    collector = context.get(COLLECTOR_KEY) if isinstance(context, dict) else None
    if isinstance(collector, list):
        collector.extend(findings)
        return
    raise ValueError(
        "; ".join(".".join(str(part) for part in loc) + ": " + message for loc, message in findings)
    )
