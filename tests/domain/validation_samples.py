"""Sample configs for the domain validation tests: a valid base plus a way to change one field."""

from __future__ import annotations

import copy
from typing import Any

from phonewizard.domain.report import Report, check_config

BASE: dict[str, Any] = {
    "format": "phonewizard/1",
    "agent_name": "inbound-agent",
    "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123", "sip_uri": "sip:abc123.sip.livekit.cloud"},
    "registration": {"phone_number": "+14155550101", "provider": "twilio"},
}


def config(**registration: Any) -> dict[str, Any]:
    """BASE with registration fields replaced (a deep copy; callers may mutate it)."""
    data = copy.deepcopy(BASE)
    data["registration"].update(registration)
    return data


def check(**registration: Any) -> Report:
    return check_config(config(**registration))


def errors(report: Report) -> dict[str, str]:
    """field path -> message of the errors (first one per field)."""
    found: dict[str, str] = {}
    for problem in report.errors:
        found.setdefault(problem.field, problem.message)
    return found


def warnings(report: Report) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in report.warnings:
        found.setdefault(problem.field, problem.message)
    return found
