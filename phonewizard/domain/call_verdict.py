"""The verdict of a test call: its outcome, what it means, and what to change.

`failed_call` reads the SIP status LiveKit passed on (sip_status.py says what the code means at
this carrier) and adds what only this call's settings can say: encrypted media REQUIREd by the
trunk when the carrier answers 488, a country that needs region pinning when it answers 403, a
Twilio termination host that is not `*.pstn.twilio.com` when it answers 404, the D-code Telnyx
puts in its reason phrase. The other outcomes (`answered`, `no_answer` when the ringing timeout
ran out without a SIP answer, `cancelled`) have their own builders. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from phonewizard.domain.phone_numbers import region_of
from phonewizard.domain.sip_status import status_entry

Outcome = Literal["answered", "failed", "no_answer", "cancelled"]
OUTCOMES: tuple[Outcome, ...] = ("answered", "failed", "no_answer", "cancelled")

# Codes LiveKit's bridge files as "the user was unavailable" rather than refused (livekit/sip
# pkg/sip/errors.go classifyInviteError: request-timeout, unavailable). The issue names 408/480
# "no answer".
NO_ANSWER_CODES = frozenset({408, 480})

# Countries whose carriers require the call to originate in the country (LiveKit troubleshooting,
# "403 - Domestic Anchored Terms Not Met"; reference/providers.md §3 for India).
REGION_PINNED = frozenset({"IN"})

_NAMES = {"twilio": "Twilio", "telnyx": "Telnyx", "vonage": "Vonage", "bandwidth": "Bandwidth",
          "livekit": "LiveKit"}
_TELNYX_CODE = re.compile(r"\bD\d{1,2}\b")


@dataclass(frozen=True)
class CallContext:
    """The settings a call went out with, as found on the registration's outbound trunk."""

    provider: str | None
    caller_id: str
    destination: str
    trunk_address: str = ""
    media_encryption: str = "ALLOW"  # DISABLE | ALLOW | REQUIRE (the trunk's media.encryption)
    destination_country: str = ""


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    explanation: str  # one or two sentences: what happened and what it means
    what_to_change: tuple[str, ...] = ()


def carrier_name(provider: str | None) -> str:
    return _NAMES.get((provider or "").lower(), "the carrier")


def outcome_for_status(code: int | None) -> Outcome:
    """The outcome of a call that ended with SIP `code` (None: LiveKit gave no code)."""
    return "no_answer" if code in NO_ANSWER_CODES else "failed"


def failed_call(code: int, status: str | None, ctx: CallContext) -> Verdict:
    """A call the carrier answered with a final failure `code` (reason phrase `status`)."""
    entry = status_entry(code, ctx.provider)
    carrier = carrier_name(ctx.provider)
    said = f"{code} {status}".strip() if status else str(code)
    meaning, fixes = entry.meaning, list(entry.fixes)
    extra = _context_fixes(code, status or "", ctx)
    if code == 488 and ctx.media_encryption == "REQUIRE":
        meaning = (f"the outbound trunk REQUIREs encrypted media (SRTP) and {carrier} offered none, "
                   "so no media could be agreed")
    explanation = f"{_cap(carrier)} answered {said}: {meaning}."
    telnyx = _TELNYX_CODE.search(status or "") if (ctx.provider or "").lower() == "telnyx" else None
    if telnyx:
        explanation += f" Telnyx's code {telnyx.group(0)} names the exact cause in its SIP response code list."
    return Verdict(outcome_for_status(code), explanation, tuple(_unique(extra + fixes)))


def _context_fixes(code: int, status: str, ctx: CallContext) -> list[str]:
    """Fixes that follow from this call's settings, put before the table's general ones."""
    fixes: list[str] = []
    if code == 488 and ctx.media_encryption == "REQUIRE":
        fixes.append("set media_encryption to ALLOW (encrypt when the carrier offers it), or switch on "
                     "SRTP/secure trunking at the carrier and use transport TLS")
    if code == 403:
        regions = {region_of(ctx.destination), region_of(ctx.caller_id)} & REGION_PINNED
        if ("domestic anchored" in status.lower() or regions) and not ctx.destination_country:
            country = (sorted(regions)[0] if regions else "IN").lower()
            fixes.append(f'set destination_country "{country}" on the outbound trunk (region pinning): calls '
                         "to or from this country must originate inside it")
    if code == 404 and (ctx.provider or "").lower() == "twilio" and ctx.trunk_address \
            and not _host(ctx.trunk_address).endswith("pstn.twilio.com"):
        fixes.append(f"the outbound address {ctx.trunk_address} is not a Twilio termination host: it must end "
                     "in pstn.twilio.com")
    return fixes


def no_answer(ringing_timeout: float, ctx: CallContext) -> Verdict:
    """The ringing timeout ran out: LiveKit cancelled the INVITE and has no SIP code to give
    (livekit/sip: psrpc Canceled, "sip request timed out")."""
    return Verdict(
        "no_answer",
        f"Nobody answered {ctx.destination} within {_seconds(ringing_timeout)}; LiveKit stopped ringing.",
        ("answer the phone when it rings, or allow more time with --ringing-timeout",
         f"if it never rang at all, {carrier_name(ctx.provider)} did not pass the call on: check its call log"),
    )


def answered(ctx: CallContext, *, agent_name: str | None, agent_joined: bool | None,
             hung_up_by_callee: bool, duration: float) -> Verdict:
    """A call that was picked up. `agent_joined` None: no agent was dispatched."""
    how = "the callee hung up" if hung_up_by_callee else "phonewizard ended it at the time limit"
    text = (f"The call went through: {ctx.destination} answered a call from {ctx.caller_id}; "
            f"{how} after {_seconds(duration)}.")
    if agent_name and agent_joined:
        return Verdict("answered", text + f" Agent “{agent_name}” joined the call.")
    if agent_name and agent_joined is False:
        return Verdict("answered", text + f" Agent “{agent_name}” was dispatched but never joined.", (
            f"start a worker that registers agent_name “{agent_name}” (explicit dispatch needs that exact name)",
            "check the worker's logs for errors when it received the job"))
    return Verdict("answered", text)


def cancelled(ctx: CallContext, *, was_answered: bool) -> Verdict:
    state = "after it was answered" if was_answered else "before it was answered"
    return Verdict("cancelled", f"The call to {ctx.destination} was cancelled {state}.")


def _host(address: str) -> str:
    return address.split(":", 1)[0].lower()


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (i in seen or seen.add(i))]


# ---- failures LiveKit's bridge reports without a SIP status ----------------------------------
# livekit/sip pkg/sip/protocol.go and errors.go: the texts of the errors a dial can end with when
# the carrier gave no final SIP answer LiveKit could pass on.
BridgeFailure = Literal["no_answer", "no_response", "auth", "dns", "media"]
_BRIDGE_TEXTS: tuple[tuple[str, BridgeFailure], ...] = (
    ("sip request timed out", "no_answer"),  # ErrSIPRequestTimeout: ringing timeout, no answer
    ("transaction failed to complete", "no_response"),  # transactionTimeoutError: INVITE unanswered
    ("max auth retry attempts", "auth"),  # ErrAuthMaxRetry: credentials refused 5 times
    ("required auth, but no username or password", "auth"),  # ErrAuthMissingCreds
    ("no such host", "dns"),  # *net.DNSError from the termination host's lookup
    ("no common", "media"),  # sdp.ErrNoCommonMedia / ErrNoCommonCrypto (SDPError)
)


def bridge_failure(message: str) -> BridgeFailure | None:
    """The kind of a dial failure LiveKit reported without a SIP status, or None when `message`
    is not one (then LiveKit refused the request itself)."""
    text = message.lower()
    return next((kind for needle, kind in _BRIDGE_TEXTS if needle in text), None)


def bridge_verdict(kind: BridgeFailure, message: str, ctx: CallContext, ringing_timeout: float) -> Verdict:
    """The verdict for a dial that failed without a SIP status (`kind` from `bridge_failure`)."""
    carrier, host = carrier_name(ctx.provider), ctx.trunk_address or "the outbound address"
    if kind == "no_answer":
        return no_answer(ringing_timeout, ctx)
    if kind == "no_response":
        return Verdict("failed", f"{_cap(carrier)} never answered LiveKit's INVITE at {host} ({message}).", (
            f"check the outbound address {host}: it must be the carrier's termination host for your trunk",
            "check the transport (UDP/TCP/TLS) and port the carrier expects on that host"))
    if kind == "auth":
        return Verdict("failed", f"{_cap(carrier)} asked for credentials and did not accept the outbound trunk's "
                                 f"({message}).", (
            "set auth_username and auth_password on the outbound trunk to the credentials at the carrier",
            "at the carrier, attach those credentials to the trunk's termination (outbound) side"))
    if kind == "dns":
        return Verdict("failed", f"The outbound address {host} does not resolve ({message}).", (
            "correct the outbound address: the carrier's termination host, without sip: or ;transport=",))
    return Verdict("failed", f"LiveKit and {carrier} agreed on no codec or encryption ({message}).", (
        "set media_encryption to ALLOW unless the carrier has SRTP switched on",
        "allow G.711 (PCMU/PCMA) at the carrier"))


def _seconds(value: float) -> str:
    shown = f"{value:.0f}" if value >= 1 else f"{value:.1f}"
    return f"{shown} second" + ("" if shown == "1" else "s")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
