"""Shared helpers for the safety suite: config files for the CLI, an in-process CLI runner with a
short client timeout, and the secrets every test searches for.

The CLI's `Connection` normally waits 10 s; the fault tests give it 1 s (the sandbox's
"timeout" fault hangs for 30 s) so the whole suite stays fast on two cores.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from phonewizard import cli

SIP_PASSWORD = "Safety-SIP-Pa55word-zq81"
TRUNK_NUMBER = "+13125550142"
LK_NUMBER = "+14155550100"  # one of the sandbox's "purchased" LiveKit numbers
ID_RE = re.compile(r"\b(?:ST|SDR)_[A-Za-z0-9]{12}\b")
CLIENT_TIMEOUT = 1.0


def trunk_document(url: str, number: str = TRUNK_NUMBER, agent: str = "sales-agent",
                   password: str | None = SIP_PASSWORD, **registration: Any) -> dict:
    """Telnyx with outbound: inbound trunk + outbound trunk + dispatch rule."""
    reg = {"phone_number": number, "provider": "telnyx", "allowed_addresses": ["192.76.120.10"],
           "auth_username": "acme-sales", "enable_outbound": True, "outbound_address": "sip.telnyx.com"}
    if password is not None:
        reg["auth_password"] = password
    reg.update(registration)
    return {"format": "phonewizard/1", "agent_name": agent,
            "livekit": {"url": url, "api_key": "devkey"}, "registration": reg}


def livekit_number_document(url: str, number: str = LK_NUMBER) -> dict:
    """provider=livekit: dispatch rule + the number attached to it (PhoneNumberService)."""
    return {"format": "phonewizard/1", "agent_name": "receptionist",
            "livekit": {"url": url, "api_key": "devkey"},
            "registration": {"phone_number": number, "provider": "livekit"}}


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@dataclasses.dataclass
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def short_timeouts(monkeypatch):
    """Every Connection built while the test runs waits at most CLIENT_TIMEOUT seconds per request."""
    import functools

    from phonewizard.services import livekit_client

    monkeypatch.setattr(livekit_client, "Connection",
                        functools.partial(livekit_client.Connection, timeout=CLIENT_TIMEOUT))


@pytest.fixture
def cli_run(capsys):
    def run(*argv: Any) -> Outcome:
        code = cli.main([str(a) for a in argv])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        return Outcome(code, captured.out, captured.err)
    return run


def object_ids(snapshot: dict) -> set[str]:
    return set(snapshot.get("inbound", {})) | set(snapshot.get("outbound", {})) | set(snapshot.get("rules", {}))
