"""The steps a user takes in each carrier's dashboard, with the exact values to paste.

Source: reference/providers.md §2.2–§2.7 (menu names as the carriers' and LiveKit's guides give
them); provider_facts.py dates each fact. Steps depend on the configuration: outbound steps only
when outbound is on, TLS when the user chose it, transfer settings when transfers are on, LiveKit's
India host when an Indian number is involved (providers.md §3), and for Twilio and Telnyx the
regional fallback endpoint LiveKit suggests (priority 2 behind the global one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from phonewizard.domain.phone_numbers import region_of
from phonewizard.domain.registration_rules import indian_numbers
from phonewizard.domain.sip_addresses import sip_domain

if TYPE_CHECKING:  # registration.py imports the validators; only the type is needed here
    from phonewizard.domain.registration import Registration

_NO_URI = "<your-project>.sip.livekit.cloud"


@dataclass(frozen=True)
class CarrierStep:
    text: str
    value: str | None = None  # the exact string to paste, shown with a copy button


def livekit_host(sip_uri: str | None, registration: Registration) -> str:
    """Host of the LiveKit SIP URI, switched to the India region when India's rules require it."""
    host = sip_domain(sip_uri) or _NO_URI
    labels = host.split(".")
    needs_india = bool(indian_numbers(registration)) or registration.destination_country == "IN"
    if needs_india and host.endswith(".sip.livekit.cloud") and len(labels) == 4:
        host = f"{labels[0]}.india.sip.livekit.cloud"
    return host


# LiveKit's SIP regions (reference/providers.md §1; "sa" is Saudi Arabia there) by the country of
# the number, for the fallback endpoint: the region nearest the callers, else the US one.
_EUROPE = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE NO CH IS LI".split()
)
_LIVEKIT_REGION = {"US": "us", "CA": "canada", "GB": "uk", "JP": "japan", "AU": "aus", "SA": "sa"}


def livekit_fallback_host(host: str, phone_number: str) -> str | None:
    """LiveKit's regional endpoint nearest the number, `<project>.<region>.sip.livekit.cloud`, for a
    global Cloud host; None for anything else (a pinned region, a self-hosted server)."""
    labels = host.split(".")
    if not host.endswith(".sip.livekit.cloud") or len(labels) != 4:
        return None
    country = region_of(phone_number) or ""
    region = "eu" if country in _EUROPE else _LIVEKIT_REGION.get(country, "us")
    return f"{labels[0]}.{region}.sip.livekit.cloud"


def _transport(registration: Registration) -> str:
    return "tls" if registration.outbound_transport == "TLS" else "tcp"


def _needs_pstn_transfer(reg: Registration) -> bool:
    """Cold transfers may go to a phone number: none listed (anything goes) or a tel: among them."""
    targets = reg.transfer_config.allowed_destinations
    return not targets or any(t.startswith("tel:") for t in targets)


def steps_for(registration: Registration, sip_uri: str | None) -> list[CarrierStep]:
    provider = registration.provider
    host = livekit_host(sip_uri, registration)
    builder = _BUILDERS.get(provider, _custom)
    steps = builder(registration, host)
    if not sip_uri and provider != "livekit":
        steps.insert(0, CarrierStep(
            "Find your SIP URI in LiveKit Cloud → Settings → Project (SIP URI) and use its host "
            "wherever the steps below say <your-project>.sip.livekit.cloud."
        ))
    if host.endswith(".india.sip.livekit.cloud") and provider != "livekit":
        steps.append(CarrierStep(
            "An Indian number is involved: the address above is LiveKit's India region, as India's "
            "rules require; do not use the global address."
        ))
    return steps


def _livekit(reg: Registration, host: str) -> list[CarrierStep]:
    return [
        CarrierStep(f"Check that {reg.phone_number} is listed in LiveKit Cloud → Telephony → Phone numbers."),
        CarrierStep("Nothing to set up at a carrier: phonewizard attached the number to the dispatch rule."),
    ]


def _twilio(reg: Registration, host: str) -> list[CarrierStep]:
    steps = [
        CarrierStep("In the Twilio Console open Elastic SIP Trunking → Manage → Trunks and open your trunk (or create one)."),
        CarrierStep("Origination tab → Add new Origination URI with priority 1, and paste:", f"sip:{host};transport={_transport(reg)}"),
    ]
    fallback = livekit_fallback_host(host, reg.phone_number)
    if fallback:
        steps.append(CarrierStep(
            "Recommended fallback (LiveKit's suggestion): add a second Origination URI with priority 2, "
            "LiveKit's regional endpoint nearest your number, used if the global one fails:",
            f"sip:{fallback};transport={_transport(reg)}",
        ))
    if reg.enable_outbound:
        steps.append(CarrierStep("Termination tab → Termination SIP URI: it must match the outbound address:", reg.outbound_address))
        if reg.auth_username:
            steps.append(CarrierStep(
                "Termination → Authentication → Credential Lists: add a list (Voice → Credential lists) "
                "with this username and the password you entered here:", reg.auth_username))
    steps.append(CarrierStep("Numbers tab → Add an existing number to the trunk:", reg.phone_number))
    # Cold transfer is a SIP REFER that Twilio carries out; to a phone number it also needs PSTN
    # transfer (TransferMode enable-all; LiveKit's call-forwarding page). Warm transfer sends no
    # REFER at all: the agent dials the supervisor through the outbound trunk.
    if reg.transfer_config.cold_transfer_enabled:
        if _needs_pstn_transfer(reg):
            steps.append(CarrierStep(
                "General → Features → Call Transfer (SIP REFER): enable it, and tick Enable PSTN Transfer (the trunk's "
                "TransferMode enable-all), or transfers to phone numbers fail."))
        else:
            steps.append(CarrierStep(
                "General → Features → Call Transfer (SIP REFER): enable it so the agent can transfer callers to the "
                "SIP addresses you allowed (PSTN transfer is only needed for phone numbers)."))
    if reg.transfer_config.warm_transfer_enabled:
        steps.append(CarrierStep(
            "Warm transfer uses no SIP REFER: the agent dials the supervisor through the outbound "
            "trunk, so the Termination settings above must allow calls to that number."))
    if _transport(reg) == "tls":
        steps.append(CarrierStep("General → Features → turn on Secure Trunking (TLS and SRTP)."))
    return steps


def _vonage(reg: Registration, host: str) -> list[CarrierStep]:
    steps = [CarrierStep("In the Vonage Dashboard open SIP Trunks and open your trunk (or create one and choose its domain name).")]
    if reg.enable_outbound:
        steps.append(CarrierStep("Outbound Calling → Add Authentication → User Key and Secret; the User Key is:", reg.auth_username))
        steps.append(CarrierStep("The regional termination host shown there must match the outbound address:", reg.outbound_address))
    steps += [
        CarrierStep("Inbound Calling → select the region, then Add URI (host only, no sip:):", host),
        CarrierStep("Link Numbers → link your number (Vonage writes it without the +):", reg.phone_number.lstrip("+")),
    ]
    if _transport(reg) == "tls":
        steps.append(CarrierStep(
            "You chose TLS, but Vonage's inbound URI takes a host only (no ;transport=), so TLS cannot "
            "be set for the calls Vonage sends to LiveKit; it applies to your outbound calls only."))
    if reg.enable_outbound:
        steps.append(CarrierStep("Fraud Defender → allow the countries the agent will call (trial accounts can only call their own number)."))
    return steps


def _telnyx(reg: Registration, host: str) -> list[CarrierStep]:
    tls = _transport(reg) == "tls"
    steps = [
        CarrierStep("In the Telnyx Portal open Real-Time Communications → Voice → SIP Trunking → Create SIP connection → FQDN."),
        CarrierStep(f"+ Add FQDN (A record, port {5061 if tls else 5060}); it is the first route:", host),
        CarrierStep("Inbound tab: set Destination and Origination number format to +E.164 and transport to "
                    f"{'TLS with SRTP media' if tls else 'TCP'}; choose the SIP region."),
    ]
    fallback = livekit_fallback_host(host, reg.phone_number)
    if fallback:
        steps.insert(2, CarrierStep(
            "Recommended fallback: + Add FQDN again with LiveKit's regional endpoint nearest your "
            "number, as the second route, used if the global one fails:", fallback))
    if reg.enable_outbound:
        if reg.auth_username:
            steps.append(CarrierStep("Outbound Calls Authentication → Credentials; the username is:", reg.auth_username))
        steps.append(CarrierStep("Outbound tab: pick an Outbound Voice Profile that allows the destinations the agent calls."))
    steps.append(CarrierStep("Numbers → Manage Numbers: assign your number to this connection:", reg.phone_number))
    return steps


def _bandwidth(reg: Registration, host: str) -> list[CarrierStep]:
    steps = [
        CarrierStep("In the Bandwidth App open Service Management → Voice Configuration → Create New, then Add Route → Route to Domain Name:", host),
        CarrierStep("Assign your number to that Voice Configuration Package:", reg.phone_number),
    ]
    if reg.enable_outbound:
        steps.append(CarrierStep("Account → SIP Credentials → Manage Realms: the realm must match the outbound address:", reg.outbound_address))
        if reg.auth_username:
            steps.append(CarrierStep("Add SIP credentials under that realm with this username:", reg.auth_username))
        steps.append(CarrierStep("If the SIP Credentials tab is missing, ask Bandwidth support to enable SIP authentication."))
    return steps


def _custom(reg: Registration, host: str) -> list[CarrierStep]:
    steps = [
        CarrierStep("In your provider's portal, point inbound calls for the number at LiveKit:", f"sip:{host};transport={_transport(reg)}"),
        CarrierStep("Put the dialled number in the request URI's user part, formatted +E.164:", reg.phone_number),
    ]
    if reg.enable_outbound:
        if reg.auth_username:
            steps.append(CarrierStep("Create SIP credentials for outbound calls with this username:", reg.auth_username))
        steps.append(CarrierStep("Outbound calls go to this host; check it is your provider's termination host:", reg.outbound_address))
    return steps


_BUILDERS = {
    "livekit": _livekit,
    "twilio": _twilio,
    "vonage": _vonage,
    "telnyx": _telnyx,
    "bandwidth": _bandwidth,
    "custom": _custom,
}
