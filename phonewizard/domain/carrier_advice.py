"""Warnings about carrier and LiveKit Cloud limits that make calls fail although the settings are valid.

Each one rests on a catalog fact (provider_facts.py, with its source and check date): inbound digest
auth is only known to fail (Twilio) or to be unconfirmed (everyone else), LiveKit Phone Numbers
cannot transfer yet, LiveKit Cloud ignores allowed_addresses until support enables them, and
Vonage's inbound URI has no transport. Pure; advice.warnings adds these to the report.
"""

from __future__ import annotations

from typing import Iterator
from urllib.parse import urlsplit

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.registration_rules import DIGEST_KEY

CLOUD_ALLOWED_ADDRESSES_NOTE = (
    "On LiveKit Cloud, allowed addresses work only after LiveKit support has enabled them for your "
    "project (“Contact LiveKit support to request access”, LiveKit's inbound-trunk page): ask support "
    "before relying on them."
)
TWILIO_DIGEST = (
    "Twilio Elastic SIP Trunking cannot answer LiveKit's digest challenge: inbound calls will fail; "
    "turn this off and rely on the number (and allowed_addresses) instead"
)
_DIGEST_NAMES = {
    "telnyx": "Telnyx", "vonage": "Vonage", "bandwidth": "Bandwidth", "custom": "your provider",
}


def is_livekit_cloud(url: str | None) -> bool:
    """A LiveKit Cloud project URL (wss://<project>.livekit.cloud); never raises."""
    try:
        host = (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return False
    return host == "livekit.cloud" or host.endswith(".livekit.cloud")


def digest_caveat(provider: str | None) -> str | None:
    """What to know before asking `provider` to answer LiveKit's digest challenge; None for
    LiveKit numbers (no trunk). No source says any carrier can, so every carrier gets one."""
    if provider == "twilio":
        return TWILIO_DIGEST
    if provider is None or provider == "livekit":
        return None
    name = _DIGEST_NAMES.get(provider, "your provider")
    return (
        f"no source we know of says {name} answers LiveKit's digest challenge on the calls it sends "
        f"to LiveKit: check with {name} that the trunk can authenticate to a SIP destination with this "
        "username and password, then make a test call; otherwise calls are refused, so turn this off "
        "and rely on the number and allowed addresses"
    )


def warnings(config: PhoneWizardConfig) -> Iterator[tuple[str, str]]:
    reg = config.registration
    if reg.provider == "livekit":
        if reg.transfer_config.cold_transfer_enabled:
            yield "registration.transfer_config.cold_transfer_enabled", (
                "LiveKit Phone Numbers do not support call transfer (TransferSIPParticipant) yet, "
                "according to LiveKit's phone-numbers page: the agent's cold transfers will fail; turn "
                "this off, or register the number through a carrier that allows SIP REFER"
            )
        return
    if reg.provider_config.get(DIGEST_KEY) is True:
        caveat = digest_caveat(reg.provider)
        if caveat:
            yield f"registration.provider_config.{DIGEST_KEY}", caveat
    if reg.allowed_addresses and is_livekit_cloud(config.livekit.url):
        yield "registration.allowed_addresses", CLOUD_ALLOWED_ADDRESSES_NOTE
    if reg.provider == "vonage" and reg.outbound_transport == "TLS":
        yield "registration.outbound_transport", (
            "TLS applies to your outbound calls only: Vonage's inbound URI takes a host only (no "
            ";transport=), so TLS cannot be chosen for the calls Vonage sends to LiveKit"
        )
