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
from typing import Any, Mapping

from pydantic import ValidationError

from phonewizard.domain import advice
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.cross_field import COLLECTOR_KEY, SECRETS_ELSEWHERE_KEY
from phonewizard.domain.error_messages import dotted, translate
from phonewizard.domain.problems import Problem

__all__ = ["Problem", "Report", "check_config"]


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
    collector: list[tuple[tuple[Any, ...], str]] = []
    try:
        context = {COLLECTOR_KEY: collector, SECRETS_ELSEWHERE_KEY: secrets_elsewhere}
        config = PhoneWizardConfig.model_validate(data, context=context)
        errors: list[Problem] = []
    except ValidationError as exc:
        config = None
        errors = [translate(error) for error in exc.errors(include_url=False, include_input=True)]
    errors.extend(Problem(dotted(loc), message) for loc, message in collector)
    errors = _unique(errors)
    if errors:
        return Report(None, errors)
    assert config is not None
    return Report(config, [], advice.warnings(config, data))


def _unique(problems: list[Problem]) -> list[Problem]:
    # A value can fail at two layers (e.g. a type check and a union branch); say it once.
    return list(dict.fromkeys(problems))
