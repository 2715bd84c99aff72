"""How a simulated call ends: the sandbox's switches for CreateSIPParticipant.

A call's outcome is chosen, in this order:
1. a scripted outcome (`CallSwitches.script`, the Python API tests use, like `Faults`), for one
   destination or for any (`"*"`), consumed once or `times` times (None: until `clear()`);
2. the magic destination numbers (what a user of `phonewizard sandbox` dials to choose):
   `+1 555 000 0SSS` ends with SIP status SSS (403, 404, 408, 480, 486, 488, 503, any 4xx–6xx),
   `+1 555 000 0000` is never answered (the ringing timeout runs out),
   `+1 555 000 1NNN` is answered and the callee hangs up after NNN seconds;
3. a number of this sandbox's own project (on an inbound trunk, or one of its phone numbers):
   the call comes back in and is routed like an inbound call (`inbound_calls.py`);
4. anything else: answered, and the callee hangs up after `DEFAULT_HANGUP_SECONDS`.
`CallTiming` sets how long dialling, ringing and an agent's start take (short in tests).
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

from .ids import normalize_number

Kind = Literal["answer", "reject", "no_answer", "inbound"]
DEFAULT_HANGUP_SECONDS = 5.0

# RFC 3261 §21 reason phrases (plus 6xx), the text a carrier usually sends with each code.
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
    408: "Request Timeout", 410: "Gone", 415: "Unsupported Media Type", 480: "Temporarily Unavailable",
    481: "Call/Transaction Does Not Exist", 482: "Loop Detected", 483: "Too Many Hops",
    484: "Address Incomplete", 485: "Ambiguous", 486: "Busy Here", 487: "Request Terminated",
    488: "Not Acceptable Here", 491: "Request Pending", 500: "Server Internal Error",
    501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Server Time-out",
    600: "Busy Everywhere", 603: "Decline", 604: "Does Not Exist Anywhere", 606: "Not Acceptable",
}

MAGIC_PREFIX = "+1555000"
_MAGIC = re.compile(r"^\+1555000(?P<kind>[01])(?P<value>\d{3})$")


@dataclass(frozen=True)
class CallOutcome:
    kind: Kind
    sip_code: int = 0  # reject: the final SIP status the "carrier" answers
    reason: str = ""  # reject: its reason phrase ("" → the RFC 3261 one)
    hangup_after: float = DEFAULT_HANGUP_SECONDS  # answer: the callee hangs up this long after answering

    @classmethod
    def answer(cls, hangup_after: float = DEFAULT_HANGUP_SECONDS) -> CallOutcome:
        if hangup_after < 0:
            raise ValueError("hangup_after must be >= 0 seconds")
        return cls("answer", hangup_after=hangup_after)

    @classmethod
    def reject(cls, sip_code: int, reason: str = "") -> CallOutcome:
        if not 300 <= sip_code <= 699:
            raise ValueError(f"a failed call ends with a SIP status 300–699, not {sip_code}")
        return cls("reject", sip_code=sip_code, reason=reason or REASONS.get(sip_code, ""))

    @classmethod
    def busy(cls) -> CallOutcome:
        return cls.reject(486)

    @classmethod
    def no_answer(cls) -> CallOutcome:
        return cls("no_answer")

    @classmethod
    def inbound(cls) -> CallOutcome:
        return cls("inbound")


@dataclass(frozen=True)
class CallTiming:
    dial_seconds: float = 0.3  # from the INVITE to the first 180 Ringing
    ring_seconds: float = 1.5  # ringing before the scripted outcome
    agent_join_seconds: float = 0.5  # from a dispatch to the agent joining the room


def magic_outcome(destination: str) -> CallOutcome | None:
    """The outcome a magic destination number selects (module docstring), else None."""
    match = _MAGIC.match(normalize_number(destination))
    if match is None:
        return None
    value = int(match.group("value"))
    if match.group("kind") == "1":
        return CallOutcome.answer(hangup_after=float(value))
    if value == 0:
        return CallOutcome.no_answer()
    if 300 <= value <= 699:
        return CallOutcome.reject(value)
    return None


class CallSwitches:
    """The scripted outcomes, the timing and the agents that never start. Thread-safe: tests set
    them from their thread while the server's loop reads them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._scripted: dict[str, deque[tuple[CallOutcome, int | None]]] = {}
        self._timing = CallTiming()
        self._offline: set[str] = set()

    def script(self, outcome: CallOutcome, destination: str = "*", times: int | None = 1) -> None:
        """The next `times` calls to `destination` ("*": any) end with `outcome` (None: every call
        until `clear()`)."""
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 (or None for every call)")
        key = destination if destination == "*" else normalize_number(destination)
        with self._lock:
            self._scripted.setdefault(key, deque()).append((outcome, times))

    def take(self, destination: str) -> CallOutcome | None:
        """The scripted outcome for a call to `destination` (exact number first, then "*")."""
        with self._lock:
            for key in (normalize_number(destination), "*"):
                queue = self._scripted.get(key)
                if queue:
                    outcome, left = queue[0]
                    if left is not None:
                        if left <= 1:
                            queue.popleft()
                        else:
                            queue[0] = (outcome, left - 1)
                    return outcome
            return None

    @property
    def timing(self) -> CallTiming:
        with self._lock:
            return self._timing

    def set_timing(self, **seconds: float) -> None:
        """e.g. `set_timing(dial_seconds=0.01, ring_seconds=0.05)`."""
        if any(v < 0 for v in seconds.values()):
            raise ValueError("timings must be >= 0 seconds")
        with self._lock:
            self._timing = CallTiming(**{**self._timing.__dict__, **seconds})

    def set_agent_offline(self, agent_name: str, offline: bool = True) -> None:
        """A dispatched agent of this name never joins (no worker running for it)."""
        with self._lock:
            (self._offline.add if offline else self._offline.discard)(agent_name)

    def agent_online(self, agent_name: str) -> bool:
        with self._lock:
            return agent_name not in self._offline

    def clear(self) -> None:
        with self._lock:
            self._scripted.clear()
            self._offline.clear()
            self._timing = CallTiming()
