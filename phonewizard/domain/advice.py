"""Warnings: things that do not block a registration but that the user should look at.

Computed from a valid config plus the raw input (to notice what validation normalised, such as a
pasted `sip:` URI reduced to its host). Pure: no I/O. Each warning names the field it is about.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from phonewizard.domain import carrier_advice
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.phone_numbers import is_valid, region_of
from phonewizard.domain.problems import Problem
from phonewizard.domain.provider_addresses import outbound_host_problem
from phonewizard.domain.registration import Registration
from phonewizard.domain.registration_rules import indian_numbers
from phonewizard.domain.sip_addresses import AddressError, host_of, normalise_outbound_address

# destination_country values LiveKit can pin outbound calls to (reference/providers.md §3).
PINNABLE_COUNTRIES = frozenset("AE AU BR CA DE FR GB IL IN JP SA SG US ZA".split())
# Fields that only configure trunks; provider='livekit' creates none.
_TRUNK_ONLY = (
    "trunk_numbers", "allowed_addresses", "allowed_numbers", "auth_username", "auth_password",
    "outbound_address", "outbound_numbers", "custom_headers", "headers_to_attributes",
)


def warnings(config: PhoneWizardConfig, raw: Mapping[str, Any]) -> list[Problem]:
    raw_reg = raw.get("registration")
    raw_reg = raw_reg if isinstance(raw_reg, Mapping) else {}
    raw_lk = raw.get("livekit")
    raw_lk = raw_lk if isinstance(raw_lk, Mapping) else {}
    reg = config.registration
    found = [
        *_numbers(reg),
        *_normalised(reg, raw_reg),
        *_passwords(reg),
        *_provider(reg, raw_reg),
        *_country(reg),
        *carrier_advice.warnings(config),
    ]
    raw_uri = raw_lk.get("sip_uri")
    if isinstance(raw_uri, str) and config.livekit.sip_uri and raw_uri.strip() != config.livekit.sip_uri:
        found.append(("livekit.sip_uri", f"was normalised to {config.livekit.sip_uri}"))
    return [Problem(path, message) for path, message in dict.fromkeys(found)]


def _numbers(reg: Registration) -> Iterator[tuple[str, str]]:
    """Possible-but-not-valid numbers: accepted (new ranges exist) but worth a second look."""
    entries = [("registration.phone_number", reg.phone_number)]
    for name in ("trunk_numbers", "allowed_numbers", "outbound_numbers"):
        entries += [(f"registration.{name}.{i}", n) for i, n in enumerate(getattr(reg, name))]
    transfer = reg.transfer_config
    entries += [
        (f"registration.transfer_config.allowed_destinations.{i}", t[4:])
        for i, t in enumerate(transfer.allowed_destinations) if t.startswith("tel:")
    ]
    if transfer.supervisor_phone and transfer.supervisor_phone.startswith("tel:"):
        entries.append(("registration.transfer_config.supervisor_phone", transfer.supervisor_phone[4:]))
    seen: set[str] = set()
    for path, number in entries:
        if number in seen or is_valid(number):
            continue
        seen.add(number)
        yield path, (
            f"{number} has a possible length but is not in its country's numbering plan (a test or "
            "fiction range?); check it, calls to or from it may fail"
        )


def _normalised(reg: Registration, raw: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    text = raw.get("outbound_address")
    if not isinstance(text, str) or not reg.outbound_address:
        return
    try:
        pasted = normalise_outbound_address(text)
    except AddressError:
        return
    if pasted.was_uri and text.strip() != reg.outbound_address:
        note = f"reduced to {reg.outbound_address}: LiveKit wants a bare host, not a SIP URI"
        if pasted.transport and pasted.transport == reg.outbound_transport:
            note += f"; outbound_transport set to {pasted.transport} from the pasted address"
        yield "registration.outbound_address", note
    if pasted.transport and pasted.transport != reg.outbound_transport:
        yield "registration.outbound_transport", (
            f"the pasted address asked for {pasted.transport} but outbound_transport is "
            f"{reg.outbound_transport}; {reg.outbound_transport} is used"
        )


def _password_rules(password: str, low: int, high: int | None) -> list[str]:
    missing = []
    if len(password) < low:
        missing.append(f"at least {low} characters")
    if high is not None and len(password) > high:
        missing.append(f"at most {high} characters")
    if not any(c.isdigit() for c in password):
        missing.append("a digit")
    if not (any(c.islower() for c in password) and any(c.isupper() for c in password)):
        missing.append("both lower- and upper-case letters")
    return missing


def _passwords(reg: Registration) -> Iterator[tuple[str, str]]:
    rules = {"twilio": ("Twilio", 12, None), "vonage": ("Vonage", 12, 64)}
    if reg.provider in rules and reg.auth_password is not None:
        name, low, high = rules[reg.provider]
        missing = _password_rules(reg.auth_password.get_secret_value(), low, high)
        if missing:
            yield "registration.auth_password", (
                f"{name} will refuse this password: it needs {', '.join(missing)}"
            )
    if reg.provider == "twilio" and reg.auth_username and len(reg.auth_username) > 32:
        yield "registration.auth_username", "Twilio usernames are at most 32 characters"


def _provider(reg: Registration, raw: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if reg.provider == "livekit":
        for name in _TRUNK_ONLY:
            if raw.get(name) not in (None, "", [], {}):
                yield f"registration.{name}", (
                    "is ignored for LiveKit Phone Numbers: LiveKit manages the trunk itself"
                )
        return
    if reg.outbound_address:
        problem = outbound_host_problem(reg.provider, host_of(reg.outbound_address))
        if problem and problem[0] == "warning":
            yield "registration.outbound_address", problem[1]
    if reg.enable_outbound and not reg.auth_username and reg.provider != "vonage":
        yield "registration.auth_username", (
            "outbound calls usually authenticate with a username and password from your "
            "carrier; without them the carrier must accept LiveKit's IP addresses instead"
        )


def _country(reg: Registration) -> Iterator[tuple[str, str]]:
    country = reg.destination_country
    if country is None:
        region = region_of(reg.phone_number)
        if reg.enable_outbound and region in PINNABLE_COUNTRIES and region != "IN":
            yield "registration.destination_country", (
                f"consider {region} (the country of {reg.phone_number}) so LiveKit places "
                "outbound calls from its nearest region"
            )
        return
    if country not in PINNABLE_COUNTRIES:
        yield "registration.destination_country", (
            f"LiveKit has no region for {country}, so this setting has no effect "
            f"(it supports {', '.join(sorted(PINNABLE_COUNTRIES))})"
        )
    if country != "IN" and indian_numbers(reg):
        yield "registration.destination_country", (
            "an Indian number is involved: India's rules require LiveKit's India region (IN); "
            f"with {country} calls may fail"
        )
