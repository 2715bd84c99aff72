"""Pytest fixtures for the carrier stand-ins (registered from tests/conftest.py).

``twilio_standin`` / ``telnyx_standin``: a fresh stand-in on a free port in its own thread.
Every test starts without the carriers' variables, so a developer's real credentials never count.
"""

from __future__ import annotations

import pytest

from phonewizard.sandbox.carriers import TelnyxStandIn, TwilioStandIn
from tests.sandbox_fixtures import stopped_after

CARRIER_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET",
                     "TWILIO_EDGE", "TWILIO_REGION", "TELNYX_API_KEY", "TELNYX_BASE_URL",
                     "PHONEWIZARD_TWILIO_BASE_URL", "PHONEWIZARD_TELNYX_BASE_URL")


@pytest.fixture(autouse=True)
def no_carrier_variables(monkeypatch):
    for name in CARRIER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def twilio_standin():
    yield from stopped_after(TwilioStandIn().start_in_thread())


@pytest.fixture
def telnyx_standin():
    yield from stopped_after(TelnyxStandIn().start_in_thread())
