"""Validation results as field-path problems, the one shape every front end displays.

`check_config(data)` is the single entry point: the GUI calls it on every edit, the file loader and
the CLI on every file. Errors block; warnings (possible-but-unusual numbers, provider password rules,
normalisations such as a stripped `sip:` prefix) are shown but do not block.

It never raises: whatever the input (wrong types, None, a list, huge or deeply nested values) the
answer is a Report whose errors say what to fix. The model's validators are built once at import,
so a call costs only the validation itself (well under the 2 ms the GUI needs per keystroke).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, TypeVar

from pydantic import ValidationError

from phonewizard.domain import advice
from phonewizard.domain.config_document import LiveKitProfile, PhoneWizardConfig
from phonewizard.domain.cross_field import COLLECTOR_KEY, SECRETS_ELSEWHERE_KEY, Finding
from phonewizard.domain.error_messages import dotted, translate
from phonewizard.domain.problems import Problem

__all__ = ["Problem", "Report", "check_config", "check_profile"]

_Model = TypeVar("_Model", PhoneWizardConfig, LiveKitProfile)


@dataclass
class Report:
    config: PhoneWizardConfig | None  # None whenever there is an error: never a half-valid config
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.errors


def check_config(data: Mapping[str, Any], *, secrets_elsewhere: bool = False) -> Report:
    """Validate a whole config dict; never raises.

    `secrets_elsewhere=True` validates a stored document, whose SIP password lives in the
    keyring: a username without a password is then not an error (registering checks it)."""
    try:
        return _check(data, secrets_elsewhere)
    except RecursionError:
        return Report(None, [Problem("config", "the configuration is nested too deeply to read")])
    except Exception as exc:  # last line of defence: the GUI must never see a traceback
        return Report(None, [Problem("config", f"could not be checked ({type(exc).__name__})")])


def _check(data: Any, secrets_elsewhere: bool) -> Report:
    if not isinstance(data, Mapping):
        return Report(None, [Problem(
            "config", "the configuration must be a JSON object with agent_name, livekit and registration"
        )])
    if not isinstance(data, dict):
        data = dict(data)
    config, errors = _validate(PhoneWizardConfig, data, (), {SECRETS_ELSEWHERE_KEY: secrets_elsewhere})
    if config is None:
        return Report(None, errors)
    return Report(config, [], advice.warnings(config, data))


def check_profile(data: Mapping[str, Any]) -> tuple[LiveKitProfile | None, list[Problem]]:
    """Validate a `livekit` profile on its own (the CLI's `list`/`unregister` have no registration):
    the profile, or None and every problem under `livekit.…`."""
    return _validate(LiveKitProfile, data, ("livekit",), {})


def _validate(
    model: type[_Model], data: Any, prefix: tuple[str, ...], context: dict[str, Any]
) -> tuple[_Model | None, list[Problem]]:
    """`model.model_validate` with the cross-field findings collected (cross_field.py), every
    failure turned into a Problem. The instance only when there is no problem at all."""
    collector: list[Finding] = []
    try:
        instance = model.model_validate(data, context={**context, COLLECTOR_KEY: collector})
        errors: list[Problem] = []
    except ValidationError as exc:
        instance = None
        errors = [translate(error, prefix) for error in exc.errors(include_url=False, include_input=True)]
    # Findings carry their full path already (raise_or_collect prefixes them).
    errors.extend(Problem(dotted(loc), message) for loc, message in collector)
    # A value can fail at two layers (e.g. a type check and a union branch); say it once.
    errors = list(dict.fromkeys(errors))
    return (None if errors else instance), errors
