"""Rules across several registration fields, each reported under the field the user must change.

Called from `Registration`'s after-validator once every single field is valid; the findings go
through cross_field.raise_or_collect. Pure functions over the model instance (duck-typed to avoid
an import cycle with registration.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from phonewizard.domain.carrier_options import carrier_findings
from phonewizard.domain.cross_field import Finding
from phonewizard.domain.phone_numbers import is_indian
from phonewizard.domain.provider_addresses import VONAGE_HINT, outbound_host_problem
from phonewizard.domain.sip_addresses import host_of

if TYPE_CHECKING:
    from phonewizard.domain.registration import Registration

DIGEST_KEY = "inbound_digest_auth"
_LISTS = ("trunk_numbers", "allowed_numbers", "outbound_numbers", "allowed_addresses")


def apply_defaults(reg: "Registration") -> None:
    """The seed's defaults: trunk_numbers and outbound_numbers fall back to [phone_number]."""
    if not reg.trunk_numbers:
        reg.trunk_numbers = [reg.phone_number]
    if not reg.outbound_numbers:
        reg.outbound_numbers = [reg.phone_number]


def findings(reg: "Registration", secrets_elsewhere: bool = False) -> list[Finding]:
    """Cross-field problems. With `secrets_elsewhere` (a stored file), a missing password is not
    reported: it is looked up in the keyring when registering."""
    found = [*_duplicates(reg), *_outbound(reg), *_credentials(reg), *_india(reg), *_transfers(reg),
             *carrier_findings(reg)]
    if secrets_elsewhere and reg.auth_password is None:
        found = [f for f in found if f[0] != ("auth_password",)]
    return found


def _duplicates(reg: "Registration") -> Iterator[Finding]:
    lists = [((name,), getattr(reg, name)) for name in _LISTS]
    lists.append((("transfer_config", "allowed_destinations"), reg.transfer_config.allowed_destinations))
    for loc, values in lists:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                yield (*loc, index), (
                    f"{value} is already entry {first[value] + 1} of this list; remove the duplicate"
                )
            else:
                first[value] = index


def _outbound(reg: "Registration") -> Iterator[Finding]:
    if reg.provider == "livekit":
        if reg.enable_outbound:
            yield ("enable_outbound",), (
                "LiveKit Phone Numbers are inbound-only: turn outbound calling off, or choose the "
                "carrier you bought the number from (twilio, vonage, telnyx, bandwidth or custom)"
            )
        return
    if reg.outbound_address:
        problem = outbound_host_problem(reg.provider, host_of(reg.outbound_address))
        if problem and problem[0] == "error":
            yield ("outbound_address",), problem[1]
    elif reg.enable_outbound:
        message = {
            "vonage": VONAGE_HINT,
            "twilio": "required for outbound calling: enter your trunk's termination host, e.g. mytrunk.pstn.twilio.com",
            "telnyx": "required for outbound calling: enter Telnyx's host, e.g. sip.telnyx.com",
            "bandwidth": "required for outbound calling: enter your SIP realm, {realm}.{hash}.auth.bandwidth.com",
        }.get(reg.provider, "required for outbound calling: enter your provider's SIP host, e.g. sip.example.com")
        yield ("outbound_address",), message
    if reg.provider == "vonage" and reg.enable_outbound:
        if not reg.auth_username:
            yield ("auth_username",), (
                "required for Vonage outbound calling: enter the User Key from your trunk's "
                "Outbound Calling → Authentication section"
            )
        if reg.auth_password is None:
            yield ("auth_password",), (
                "required for Vonage outbound calling: enter the Secret from your trunk's "
                "Outbound Calling → Authentication section"
            )


def _credentials(reg: "Registration") -> Iterator[Finding]:
    digest = reg.provider_config.get(DIGEST_KEY, False)
    if not isinstance(digest, bool):
        yield ("provider_config", DIGEST_KEY), "must be true or false"
        return
    vonage_outbound = reg.provider == "vonage" and reg.enable_outbound  # reported above
    if digest and reg.provider != "livekit":
        if not reg.auth_username and not vonage_outbound:
            yield ("auth_username",), (
                "required because inbound digest auth is on (provider_config.inbound_digest_auth): "
                "enter the username your carrier will authenticate with, or turn it off"
            )
        if reg.auth_password is None and not vonage_outbound:
            yield ("auth_password",), (
                "required because inbound digest auth is on (provider_config.inbound_digest_auth): "
                "enter the password, or turn it off"
            )
        return
    if vonage_outbound:
        return
    if reg.auth_username and reg.auth_password is None:
        yield ("auth_password",), "enter the password that goes with auth_username (or clear both)"
    if reg.auth_password is not None and not reg.auth_username:
        yield ("auth_username",), "enter the username that goes with auth_password (or clear both)"


def indian_numbers(reg: "Registration") -> list[str]:
    """Every number whose calls India's rules pin to LiveKit's India region."""
    numbers = [reg.phone_number, *reg.trunk_numbers, *reg.outbound_numbers]
    transfer = reg.transfer_config
    for target in (*transfer.allowed_destinations, transfer.supervisor_phone):
        if target and target.startswith("tel:"):
            numbers.append(target[4:])
    return [n for n in dict.fromkeys(numbers) if is_indian(n)]


def _india(reg: "Registration") -> Iterator[Finding]:
    indian = indian_numbers(reg)
    if indian and not reg.destination_country:
        yield ("destination_country",), (
            f"required because {indian[0]} is an Indian number: India's telecom rules (TRAI) require "
            "calls to be handled inside India, so LiveKit must pin them to its India region. "
            "Enter IN (and point your provider at <project>.india.sip.livekit.cloud)"
        )


def _transfers(reg: "Registration") -> Iterator[Finding]:
    """Warm transfer never uses SIP REFER: the agent dials the supervisor through an outbound
    trunk (LiveKit's WarmTransferTask takes its sip_trunk_id), so without one it cannot work."""
    if not reg.transfer_config.warm_transfer_enabled or reg.enable_outbound:
        return
    if reg.provider == "livekit":
        yield ("transfer_config", "warm_transfer_enabled"), (
            "needs an outbound trunk, because warm transfer dials the supervisor through it, and "
            "LiveKit Phone Numbers are inbound-only: turn warm transfer off, or register the number "
            "through a carrier with outbound calling"
        )
        return
    yield ("transfer_config", "warm_transfer_enabled"), (
        "needs outbound calling, because warm transfer dials the supervisor through the outbound "
        "trunk: turn on enable_outbound (Outbound calls page) or turn warm transfer off"
    )
