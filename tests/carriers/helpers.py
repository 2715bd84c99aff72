"""Documents and a runner for the carrier set-up tests: app.register over HTTP, the real SDKs, the
LiveKit sandbox and a carrier stand-in."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from phonewizard.app.carrier_setup import CarrierCredentials, CarrierSetup
from phonewizard.app.errors import CarrierPartialRollback
from phonewizard.app.project import ApiSecret
from phonewizard.app.register import Registered, RegistrationRequest, register
from phonewizard.domain.config_document import PhoneWizardConfig

PASSWORD = "Carrier-Setup-Pa55word"
NUMBER = "+14155550123"
OTHER = "+13125550142"
EMPTY_LIVEKIT = {"inbound": 0, "outbound": 0, "rules": 0}


def twilio_document(url: str, number: str = NUMBER, setup: Any = True, **registration: Any) -> dict:
    reg = {"phone_number": number, "provider": "twilio", "enable_outbound": True,
           "outbound_address": "acme.pstn.twilio.com", "auth_username": "acme-sales", "auth_password": PASSWORD,
           "transfer_config": {"cold_transfer_enabled": True}, "provider_config": {"carrier_setup": setup}}
    reg.update(registration)
    return {"format": "phonewizard/1", "agent_name": "sales-agent",
            "livekit": {"url": url, "api_key": "devkey", "sip_uri": "sip:abc123.sip.livekit.cloud"},
            "registration": reg}


def telnyx_document(url: str, number: str = NUMBER, setup: Any = True, **registration: Any) -> dict:
    reg = {"phone_number": number, "provider": "telnyx", "enable_outbound": True,
           "outbound_address": "sip.telnyx.com", "auth_username": "acme-sales", "auth_password": PASSWORD,
           "outbound_transport": "TCP", "provider_config": {"carrier_setup": setup}}
    reg.update(registration)
    return {"format": "phonewizard/1", "agent_name": "sales-agent",
            "livekit": {"url": url, "api_key": "devkey", "sip_uri": "sip:abc123.sip.livekit.cloud"},
            "registration": reg}


def run(sandbox, standin, document: dict, progress=None, timeout: float = 5.0, secret: str | None = None) -> Registered:
    config = PhoneWizardConfig.model_validate(document)
    request = RegistrationRequest(config, ApiSecret(sandbox.api_secret, "env"))
    plan = request.plan.carrier
    assert plan is not None
    if plan.carrier == "twilio":
        credentials = CarrierCredentials("twilio", secret or standin.auth_token, "env", standin.account_sid)
    else:
        credentials = CarrierCredentials("telnyx", secret or standin.api_key, "env")
    carrier = CarrierSetup(plan, credentials, standin.url, timeout=timeout)
    request = RegistrationRequest(config, ApiSecret(sandbox.api_secret, "env"), carrier=carrier)
    return asyncio.run(register(request, None, progress))


def failure_undoes_everything(sandbox, standin, document: dict, empty_carrier: dict) -> None:
    """A run that fails (the caller has set the carrier's fault) raises, has undone everything
    (no partial rollback), and leaves nothing at the carrier (`empty_carrier`) nor in LiveKit."""
    with pytest.raises(Exception) as info:
        run(sandbox, standin, document)
    assert not isinstance(info.value, CarrierPartialRollback), info.value
    assert standin.counts() == empty_carrier
    assert sandbox.counts() == EMPTY_LIVEKIT
