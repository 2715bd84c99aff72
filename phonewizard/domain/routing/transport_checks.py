"""Checks of signalling transport against media encryption, and of India's region pinning.

Transport and SRTP go together: with TLS signalling a carrier's secure trunking (Twilio "Secure
Trunking", Telnyx TLS + SRTP) offers only encrypted media, and LiveKit with media encryption off
refuses the call (``400``, "no common crypto": livekit/sip ``pkg/sip/inbound.go`` ``runMedia``);
with encryption required over UDP/TCP the SRTP keys travel in clear text and carriers offer no
SRTP there, so the call fails the same way. India's rules make LiveKit place calls from its India
region, chosen by the outbound trunk's ``destination_country`` (providers.md §3, §0.7).
"""

from __future__ import annotations

from livekit.protocol.sip import SIPMediaEncryption, SIPOutboundTrunkInfo, SIPTransport

from phonewizard.domain.phone_numbers import is_indian
from phonewizard.domain.routing.finding import Finding
from phonewizard.domain.routing.trunks import normalize

DISABLE, ALLOW, REQUIRE = "DISABLE", "ALLOW", "REQUIRE"


def encryption_name(value: int) -> str:
    return SIPMediaEncryption.Name(value).removeprefix("SIP_MEDIA_ENCRYPT_")


def outbound_encryption(trunk: SIPOutboundTrunkInfo) -> str:
    """media.encryption when set, else the deprecated media_encryption (``SIPMediaConfig.UpgradeWith``)."""
    if trunk.HasField("media") and trunk.media.HasField("encryption"):
        return encryption_name(trunk.media.encryption)
    return encryption_name(trunk.media_encryption)


def media_findings(object_ids: tuple[str, ...], what: str, transport: str, encryption: str) -> list[Finding]:
    """`transport` is AUTO/UDP/TCP/TLS; `encryption` DISABLE/ALLOW/REQUIRE; `what` names the object."""
    if transport == "TLS" and encryption == DISABLE:
        return [Finding(
            "warning", "media.tls_without_srtp", object_ids,
            f"{what} signals over TLS with media encryption off: a carrier's secure trunking offers "
            "only encrypted media (SRTP), and LiveKit then refuses the call (400, no common crypto).",
            "Set media encryption to ALLOW or REQUIRE, or use TCP at both ends.")]
    if transport != "TLS" and encryption == REQUIRE:
        return [Finding(
            "warning", "media.srtp_without_tls", object_ids,
            f"{what} requires encrypted media but signals over {transport}: the SRTP keys would "
            "travel in clear text and carriers offer SRTP only with TLS, so calls fail (400, no "
            "common crypto).",
            "Use TLS (;transport=tls at the carrier, SIP_TRANSPORT_TLS outbound), or set media "
            "encryption to ALLOW.")]
    return []


def outbound_trunk_findings(trunk: SIPOutboundTrunkInfo) -> list[Finding]:
    tid = trunk.sip_trunk_id
    transport = SIPTransport.Name(trunk.transport).removeprefix("SIP_TRANSPORT_")
    found = media_findings((tid,), f"Outbound trunk {tid}", transport, outbound_encryption(trunk))
    found += india_findings((tid,), f"Outbound trunk {tid}", list(trunk.numbers), trunk.destination_country)
    return found


def india_findings(object_ids: tuple[str, ...], what: str, numbers: list[str], country: str) -> list[Finding]:
    indian = [n for n in numbers if is_indian(normalize(n))]
    if not indian or country.strip().upper() == "IN":
        return []
    now = f"destination_country is {country!r}" if country else "no destination_country is set"
    return [Finding(
        "warning", "india.destination_country", object_ids,
        f"{what} places calls from Indian numbers ({', '.join(indian)}) but {now}: India's rules "
        "require LiveKit's India region, and calls placed from elsewhere fail.",
        "Set destination_country to \"in\" on the outbound trunk.")]
