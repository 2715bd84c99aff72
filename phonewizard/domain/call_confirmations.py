"""What only a real call can prove: the result's "confirm with a test call" list.

Some facts a registration depends on cannot be checked from here (how the carrier or LiveKit Cloud
presents the called number, whether a carrier answers a digest challenge, whether a transfer is
allowed). Each line names one, for this configuration only, and says what a failure looks like.
The facts and their sources are in provider_facts.py; reference/providers.md §6 lists the open
questions. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from phonewizard.domain.registration_rules import DIGEST_KEY

if TYPE_CHECKING:
    from phonewizard.domain.plan import RegistrationPlan


def confirm_by_test_call(p: RegistrationPlan) -> list[str]:
    reg = p.registration
    checks: list[str] = []
    if p.provider == "livekit":
        checks.append(
            f"Call {p.phone_number} and hear the agent answer: the dispatch rule filters on the called "
            f"number as the exact text {p.phone_number} (LiveKit compares it as a string), so a call "
            "that rings unanswered means LiveKit Cloud presented the number in another form."
        )
    else:
        checks.append(
            f"Call {p.phone_number} and hear the agent answer: it proves the carrier sends the call to "
            "LiveKit with a called number the inbound trunk accepts."
        )
    if reg.provider_config.get(DIGEST_KEY) is True and p.provider != "livekit":
        checks.append(
            "Inbound digest authentication is on: the test call proves the carrier answers LiveKit's "
            "challenge with your username and password; a refused call (401/407 in LiveKit's call "
            "log) means it does not."
        )
    if p.inbound is not None and p.inbound.trunk.allowed_addresses:
        checks.append(
            "You restricted allowed addresses: a call refused as “not authorized by trunk "
            "configuration” means the carrier signalled from an address not on your list (or, on "
            "LiveKit Cloud, that support has not enabled the field yet)."
        )
    if p.outbound is not None:
        line = (f"Place an outbound test call from {', '.join(p.outbound.trunk.numbers)}: a 403 means "
                "the carrier refused the credentials or the caller ID")
        if p.provider == "telnyx":
            line += " (Telnyx identifies your account by the X-Telnyx-Username header)"
        elif p.provider == "vonage":
            line += " (Vonage writes numbers without +; a 484 may mean it wants them that way)"
        checks.append(line + ".")
    transfer = reg.transfer_config
    if transfer.cold_transfer_enabled:
        if p.provider == "livekit":
            checks.append("Cold transfer is on, but LiveKit Phone Numbers cannot transfer calls yet: "
                          "expect the agent's transfers to fail until LiveKit supports them.")
        else:
            line = ("Let the agent transfer a test call (cold transfer): a 603 or a silent failure "
                    "means the carrier does not allow SIP REFER on this trunk")
            if reg.outbound_transport == "TLS":
                line += "; REFER over TLS was reported not to work in 2025, so check it on TLS"
            checks.append(line + ".")
    if transfer.warm_transfer_enabled and p.outbound is not None:
        checks.append("Let the agent make a warm transfer: it dials the supervisor through the "
                      "outbound trunk, so the carrier must allow calls to that number.")
    return checks
