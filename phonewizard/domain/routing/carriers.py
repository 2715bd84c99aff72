"""Which carrier sends the calls of trunks phonewizard did not make, for the doctor.

The doctor's carrier-aware parts (a password challenge Twilio cannot answer, number forms Vonage
and Telnyx send, the published signalling ranges) need each inbound trunk's carrier. phonewizard's
own trunks name it in their marker (`object_checks.carrier_of_trunk` reads it); for the others the
evidence is read as the registrations table reads it (`provider_detect.recognise_provider`): the
address of an outbound trunk serving one of the trunk's numbers, carrier headers on either trunk,
or allowed addresses that all lie in one carrier's published ranges. Nothing recognised, nothing
assumed: such a trunk stays without a carrier, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from livekit.protocol.sip import SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.naming import parse_marker
from phonewizard.domain.provider_detect import recognise_provider
from phonewizard.domain.providers import PROVIDERS
from phonewizard.domain.routing.trunks import normalize


@dataclass(frozen=True)
class RecognisedCarrier:
    trunk_id: str
    provider: str  # a provider id of domain/providers.py, never "custom"
    reason: str  # plain words: "outbound address mytrunk.pstn.twilio.com"

    @property
    def label(self) -> str:
        return PROVIDERS[self.provider].label


def recognised_carriers(inbound: Sequence[SIPInboundTrunkInfo],
                        outbound: Sequence[SIPOutboundTrunkInfo] = ()) -> dict[str, RecognisedCarrier]:
    """Trunk ID → the carrier recognised for each inbound trunk without phonewizard's marker."""
    by_number: dict[str, list[SIPOutboundTrunkInfo]] = {}
    for out in outbound:
        for number in out.numbers:
            by_number.setdefault(normalize(number), []).append(out)
    found: dict[str, RecognisedCarrier] = {}
    # Many trunks of one project show the same evidence (a carrier's ranges): judge it once.
    seen: dict[tuple, tuple[str, str]] = {}
    for trunk in inbound:
        if parse_marker(trunk.metadata) is not None:
            continue  # phonewizard's own: the marker says, and wins
        partners = [o for n in trunk.numbers for o in by_number.get(normalize(n), ())]
        if not (partners or trunk.headers or trunk.allowed_addresses):
            continue  # no evidence at all (most trunks of a large project)
        # One outbound trunk for the number says which carrier it is; several that disagree do not.
        addresses = {o.address for o in partners}
        address = addresses.pop() if len(addresses) == 1 else None
        headers = [dict(trunk.headers), *(dict(o.headers) for o in partners)]
        key = (address, tuple(tuple(sorted(h)) for h in headers), tuple(trunk.allowed_addresses))
        if key not in seen:
            guess = recognise_provider(address, headers, list(trunk.allowed_addresses))
            seen[key] = (guess.provider, guess.reason)
        provider, reason = seen[key]
        if provider in PROVIDERS and provider not in ("custom", "livekit"):
            found[trunk.sip_trunk_id] = RecognisedCarrier(trunk.sip_trunk_id, provider, reason)
    return found
