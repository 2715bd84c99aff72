"""The call the doctor is asked about, and the project it reaches (LiveKit Cloud or self-hosted).

The called number is kept exactly as given: it is what the carrier puts in the To header, and
LiveKit compares it as sent (a rule's `numbers` as an exact string). Nothing here normalises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence
from urllib.parse import urlsplit

from phonewizard.domain.problems import Problem
from phonewizard.domain.routing.addresses import parse_addr
from phonewizard.domain.routing.rpc import SIPCall
from phonewizard.domain.routing.trunks import normalize

# pinPrompt (livekit/sip pkg/sip/inbound.go) gathers DTMF digits until '#', at most 16 of them.
PIN_LIMIT = 16
_PIN = re.compile(r"^[0-9*A-D]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CLOUD_SUFFIX = ".livekit.cloud"
PhoneNumbers = Mapping[str, Sequence[str]]  # LiveKit Phone Number → IDs of the rules it is attached to


@dataclass(frozen=True)
class InboundCall:
    """One inbound call: `to` exactly as the carrier sends it; the rest optional.

    `caller` None: a caller passing every caller filter is assumed. `source_ip` None: every
    address filter is taken to pass. `pin` None: the caller types no PIN when asked; "" presses #
    alone. `from_host` is the From header's host, which LiveKit compares with host names in
    `allowed_addresses`."""

    to: str
    caller: str | None = None
    source_ip: str | None = None
    pin: str | None = None
    from_host: str = ""

    def problems(self) -> list[Problem]:
        """What is wrong with the input, one Problem per field (empty when usable)."""
        found: list[Problem] = []
        if not self.to.strip():
            found.append(Problem("to", "give the called number exactly as the carrier sends it, e.g. +14155550123"))
        elif _CONTROL.search(self.to) or self.to != self.to.strip():
            found.append(Problem("to", "must not contain spaces at the ends or control characters"))
        if self.caller is not None and (not self.caller.strip() or _CONTROL.search(self.caller)):
            found.append(Problem("from", "give the caller's number as the carrier sends it, or leave it out"))
        if self.source_ip is not None and parse_addr(self.source_ip) is None:
            found.append(Problem("source_ip", f"{self.source_ip!r} is not an IPv4 or IPv6 address "
                                              "(give the carrier's signalling address, e.g. 54.172.60.1)"))
        if self.pin is not None and (len(self.pin) > PIN_LIMIT or not _PIN.match(self.pin)):
            found.append(Problem("pin", f"up to {PIN_LIMIT} keypad digits (0-9, *, A-D), as the caller would type them"))
        if _CONTROL.search(self.from_host) or " " in self.from_host:
            found.append(Problem("from_host", "a host name or address without spaces"))
        return found

    def sip_call(self, caller: str | None = None) -> SIPCall:
        """The ``rpc.SIPCall`` LiveKit would build; `caller` overrides the (maybe unknown) caller."""
        return SIPCall(
            to_user=self.to,
            from_user=caller if caller is not None else (self.caller or ""),
            from_host=self.from_host,
            source_ip=self.source_ip or "",
        )


def is_cloud_url(project_url: str) -> bool:
    """A LiveKit Cloud project: the URL's host is ``*.livekit.cloud``. Anything else is treated as
    a self-hosted server (the two differ when no trunk matches)."""
    text = project_url.strip()
    host = urlsplit(text if "://" in text else "//" + text).hostname or ""
    return host.rstrip(".").endswith(CLOUD_SUFFIX)


def livekit_number_rules(to: str, phone_numbers: PhoneNumbers | None, cloud: bool) -> list[str] | None:
    """The rules a LiveKit Phone Number is attached to, when `to` is one (Cloud only)."""
    if not cloud or not phone_numbers:
        return None
    target = normalize(to)
    for number, rule_ids in phone_numbers.items():
        if normalize(number) == target:
            return list(rule_ids)
    return None
