"""Provider catalog: what each carrier needs, its outbound address rules, and the dashboard steps.

Facts come from reference/providers.md §2 and the carriers' pages; each one's source and the date
it was last checked are in provider_facts.py (`ProviderInfo.facts`), shown by the wizard's hints
and by `validate` once they are old. The steps are what a user does in the carrier's dashboard
after phonewizard has created the LiveKit side. Each step can carry the exact string to paste
(`CarrierStep.value`), which the result page shows with a copy button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from phonewizard.domain.provider_addresses import (  # the address builders are re-exported for the UI
    TELNYX_HOSTS,
    TWILIO_EDGES,
    VONAGE_HINT,
    VONAGE_REGIONS,
    telnyx_address,
    twilio_address,
    vonage_address,
)
from phonewizard.domain.provider_facts import CarrierFact, facts_for
from phonewizard.domain.provider_steps import CarrierStep, steps_for

if TYPE_CHECKING:
    from phonewizard.domain.config_document import PhoneWizardConfig
    from phonewizard.domain.registration import Registration


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    label: str
    summary: str  # one line: what the user needs from this carrier
    outbound_address_hint: str  # the form of the outbound host, shown as placeholder/help
    default_outbound_address: str | None  # a shared host that works as is (Telnyx only)
    outbound_address_suffix: str | None  # what every valid host ends with, when there is a rule
    default_transport: str  # LiveKit's guides use TCP for Twilio and Telnyx
    number_format_note: str
    signalling_ranges: tuple[str, ...] = ()  # carrier IPs/CIDRs for allowed_addresses; () = unpublished
    regions: tuple[str, ...] = ()  # edges/regions the UI offers when building the host
    supports_outbound: bool = True
    # The carrier may put numbers in the INVITE without the leading + (To and From users). Harmless
    # for a trunk (LiveKit normalises its numbers), fatal for a dispatch rule's exact-match filters.
    may_send_without_plus: bool = False
    # Whether the carrier answers LiveKit's digest challenge (407) on inbound calls: False when a
    # source says it cannot, None when no source says either way.
    answers_inbound_digest: bool | None = None
    # Where to find the signalling addresses when they are not one public list (Bandwidth: per account).
    signalling_where: str = ""

    @property
    def facts(self) -> list[CarrierFact]:
        """Every catalog fact this carrier's configuration relies on, with source and check date."""
        return facts_for(self.id)


_TWILIO_RANGES = (
    "54.172.60.0/30", "54.244.51.0/30", "177.71.206.192/30", "54.171.127.192/30",
    "35.156.191.128/30", "54.65.63.192/30", "54.169.127.128/30", "54.252.254.64/30",
)
# Telnyx publishes its signalling addresses on three pages that do not agree (provider_facts.py:
# telnyx.signalling, telnyx.failover_ips, telnyx.srv_hosts). A call from an address missing here is
# refused, while an extra Telnyx address costs nothing, so the list is their union.
_TELNYX_RANGES = (
    # "SIP Info" (sipdev.telnyx.com): US, EU, AU, CA, and Asia in beta.
    "192.76.120.10", "64.16.250.10", "185.246.41.140", "185.246.41.141",
    "103.115.244.145", "103.115.244.146", "192.76.120.31", "64.16.250.13",
    "103.115.244.158", "103.115.244.159",
    # "Failover and Retries": EU, Canada, Australia origination addresses.
    "5.172.39.10", "5.172.39.25", "193.108.220.10", "193.108.220.25", "103.135.104.10", "103.135.104.25",
    # "SRV Records": what sip-au.telnyx.com resolves to there.
    "193.108.104.10", "193.108.104.25",
)
# Secondary source only (providers.md §2.1 [S]): Vonage's signalling hosts 216.147.0-5.1/.2.
_VONAGE_RANGES = tuple(f"216.147.{third}.{last}" for third in range(6) for last in (1, 2))

PROVIDERS: dict[str, ProviderInfo] = {
    "livekit": ProviderInfo(
        id="livekit",
        label="LiveKit Phone Numbers",
        summary="A number bought in LiveKit Cloud (Telephony → Phone numbers); nothing else needed.",
        outbound_address_hint="not used: LiveKit Phone Numbers are inbound-only",
        default_outbound_address=None,
        outbound_address_suffix=None,
        default_transport="AUTO",
        number_format_note="US local and toll-free numbers, +E.164.",
        supports_outbound=False,
    ),
    "twilio": ProviderInfo(
        id="twilio",
        label="Twilio Elastic SIP Trunking",
        summary="An Elastic SIP trunk with your number; for outbound its termination host and a credential list.",
        outbound_address_hint="{trunk}.pstn.twilio.com, or {trunk}.pstn.{edge}.twilio.com for an edge",
        default_outbound_address=None,
        outbound_address_suffix="pstn.twilio.com",
        default_transport="TCP",
        number_format_note="+E.164 (Twilio sends and expects the leading +).",
        signalling_ranges=_TWILIO_RANGES,
        regions=TWILIO_EDGES,
        # providers.md §0.5 and §2.2 "Inbound options" (source [7], LiveKit's inbound-trunk page).
        answers_inbound_digest=False,
    ),
    "vonage": ProviderInfo(
        id="vonage",
        label="Vonage SIP Trunking",
        summary="A Vonage SIP trunk; outbound needs its trunk domain plus the User Key and Secret.",
        outbound_address_hint="{your-trunk-domain}.sip-{us|eu|ap}.vonage.com",
        default_outbound_address=None,
        outbound_address_suffix="vonage.com",
        default_transport="AUTO",
        number_format_note="Vonage shows numbers without the + (14155550101); enter them with + here.",
        signalling_ranges=_VONAGE_RANGES,
        regions=VONAGE_REGIONS,
        # providers.md §2.1 "Number format" and §2.4 "Numbers" (source [25]): E.164 without +.
        may_send_without_plus=True,
    ),
    "telnyx": ProviderInfo(
        id="telnyx",
        label="Telnyx",
        summary="An FQDN SIP connection with credentials and an outbound voice profile (paid account).",
        outbound_address_hint=(
            "sip.telnyx.com (US), sip.telnyx.eu, sip.telnyx.com.au, sip.telnyx.ca, sip.telnyx.asia, "
            "or the SRV hosts sip-eu/sip-ca/sip-au.telnyx.com"
        ),
        default_outbound_address="sip.telnyx.com",
        outbound_address_suffix=None,
        default_transport="TCP",
        number_format_note="Set the connection's number format to +E.164 (Telnyx's default omits the +).",
        signalling_ranges=_TELNYX_RANGES,
        regions=tuple(TELNYX_HOSTS),
        # providers.md §2.1 "Number format" and §2.3 "Setup" (source [14]): the connection's
        # default ANI/DNIS format omits the +, unless set to +E.164.
        may_send_without_plus=True,
    ),
    "bandwidth": ProviderInfo(
        id="bandwidth",
        label="Bandwidth",
        summary="A Voice Configuration Package routing to LiveKit, and a SIP credentials realm for outbound.",
        outbound_address_hint="{realm}.{hash}.auth.bandwidth.com (your SIP credentials realm)",
        default_outbound_address=None,
        outbound_address_suffix="auth.bandwidth.com",
        default_transport="AUTO",
        number_format_note="+E.164 in both directions.",
        signalling_where=(
            "Bandwidth publishes its signalling addresses per account: in the Bandwidth App see "
            "Account › Trunk Group Configurations, and add those addresses here."
        ),
    ),
    "custom": ProviderInfo(
        id="custom",
        label="Other SIP provider",
        summary="Any SIP trunk: its host, transport, and usually a username and password.",
        outbound_address_hint="your provider's SIP host or IP, optionally :port (no sip: prefix)",
        default_outbound_address=None,
        outbound_address_suffix=None,
        default_transport="AUTO",
        number_format_note="Ask your provider to send +E.164; LiveKit matches numbers with or without +.",
    ),
}


def provider_info(provider_id: str) -> ProviderInfo:
    """Catalog entry; unknown ids get the generic 'custom' entry (never raises)."""
    return PROVIDERS.get(provider_id, PROVIDERS["custom"])


def supported_providers() -> list[dict[str, Any]]:
    """The result document's `supported_providers`: id, label and default outbound address."""
    return [
        {
            "id": info.id,
            "label": info.label,
            "default_outbound_address": info.default_outbound_address,
            "outbound_address_format": info.outbound_address_hint,
            "default_transport": info.default_transport,
            "supports_outbound": info.supports_outbound,
        }
        for info in PROVIDERS.values()
    ]


def carrier_steps(sip_uri: str | None, config: PhoneWizardConfig | Registration) -> list[CarrierStep]:
    """What the user does in the carrier's dashboard, with the values to paste.

    `config` is a PhoneWizardConfig or a Registration; `sip_uri` the project's SIP URI (None when
    unknown: the steps then say where to find it)."""
    registration = getattr(config, "registration", config)
    return steps_for(registration, sip_uri)


__all__ = [
    "PROVIDERS", "TELNYX_HOSTS", "TWILIO_EDGES", "VONAGE_HINT", "CarrierFact", "CarrierStep", "ProviderInfo",
    "carrier_steps", "provider_info", "supported_providers", "telnyx_address", "twilio_address",
    "vonage_address",
]
