"""Which test calls a number allows, and why not, in the words `phonewizard call` uses.

A front end offers "Test call…" and "Check inbound" only where they can work, and says why not
where they cannot, before any request is sent:

    target = target_for_entry(entry)      # a row of the registrations page (domain/inventory.py)
    target = target_for_result(result)    # what Register just made (domain/result.py)
    target.call_problem                   # None, or why no test call can be placed
    target.inbound_problem                # None, or why the inbound check cannot run

Both need an outbound trunk that phonewizard registered for the number: the test call rings out
through it, and the inbound check rings the number itself through it (app/calls.py and
app/inbound.py find it by phonewizard's marker). `no_outbound_reason` is the message
`phonewizard call` stops with (InvalidInput, exit 2) for a number without one, so the wizard and
the command line say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonewizard.domain.inventory import InventoryEntry
    from phonewizard.domain.result import RegistrationResult

INBOUND_NEEDS_OUTBOUND = "The inbound check rings the number through its own outbound trunk. "


def no_outbound_reason(number: str, provider: str | None) -> str:
    """Why `number` cannot place calls: it has no outbound trunk (what to do about it included)."""
    if provider == "livekit":
        return (f"{number} is a LiveKit Phone Number, which is inbound-only: a test call needs a carrier "
                "number with outbound calling")
    return (f"{number} has no outbound trunk, so it cannot place calls. Enable outbound: in its config file set "
            '"enable_outbound": true and "outbound_address" (the carrier\'s termination host, plus '
            '"auth_username"/"auth_password" if the carrier wants them) and run `phonewizard register FILE` '
            "again, or turn on Outbound calling in the wizard and register again")


def not_registered_reason(number: str) -> str:
    """Why a number set up outside phonewizard cannot place a test call from here."""
    return (f"{number}'s outbound trunk was not made by phonewizard, and test calls use only what phonewizard "
            "registered: Adopt… the number first (Register then takes its objects over)")


@dataclass(frozen=True)
class CallTarget:
    """A number the test calls may act on, with why each cannot run (None: it can)."""

    number: str
    provider: str | None
    agent: str | None  # the agent the number's dispatch rule names
    call_problem: str | None
    inbound_problem: str | None

    @property
    def can_call(self) -> bool:
        return self.call_problem is None

    @property
    def can_check_inbound(self) -> bool:
        return self.inbound_problem is None


def target_for_entry(entry: InventoryEntry) -> CallTarget:
    """For a row of the registrations page."""
    number, provider = entry.phone_number, entry.carrier
    ours = any(r.kind == "outbound_trunk" and r.phonewizard for r in entry.refs)
    if ours:
        problem = None
    elif entry.outbound:
        problem = not_registered_reason(number)
    else:
        problem = no_outbound_reason(number, provider)
    if problem is not None:
        inbound = INBOUND_NEEDS_OUTBOUND + problem
    elif not entry.inbound:
        inbound = (f"{number} has no inbound trunk, so calls to it cannot arrive in LiveKit: Edit it and "
                   "Register again to recreate the trunk")
    else:
        inbound = None
    return CallTarget(number, provider, entry.agent_name, problem, inbound)


def target_for_result(result: RegistrationResult) -> CallTarget:
    """For the registration the result page shows (its objects were all made by phonewizard)."""
    number = result.phone_number
    problem = None if result.outbound_trunk_id else no_outbound_reason(number, result.provider)
    inbound = INBOUND_NEEDS_OUTBOUND + problem if problem else None
    return CallTarget(number, result.provider, result.agent_id or None, problem, inbound)


__all__ = ["CallTarget", "no_outbound_reason", "not_registered_reason", "target_for_entry", "target_for_result"]
