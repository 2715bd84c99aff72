"""The whole phonewizard configuration: agent name, LiveKit profile and the registration.

This is the one model that the GUI, config files and the CLI validate against
(DESIGN.md: `{"format": "phonewizard/1", "agent_name", "livekit": {...}, "registration": {...}}`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from phonewizard.domain.registration import Registration, StrictModel

CONFIG_FORMAT = "phonewizard/1"


class LiveKitProfile(StrictModel):
    url: str
    api_key: str
    api_secret: SecretStr | None = None  # never written to a file; lives in the keyring
    sip_uri: str | None = None
    # Plain http/ws to a non-local host sends the signed token in clear; only on explicit request.
    allow_insecure_transport: bool = False


class PhoneWizardConfig(StrictModel):
    format: Literal["phonewizard/1"] = CONFIG_FORMAT
    agent_name: str
    livekit: LiveKitProfile
    registration: Registration
