"""Fault injection and a request log, for tests and benchmarks of the clients.

``Faults`` is shared between the server's loop thread and the test thread, so every access goes
through one lock. A fault is queued per method (``"*"`` matches any method) and consumed in order,
one per request. Kinds:
- ``"error"``: a twirp error (``code``/``msg``, default invalid_argument / "injected fault");
- ``"5xx"``: twirp ``internal`` with HTTP 500;
- ``"drop"``: the connection is closed without any response;
- ``"timeout"``: the request hangs for ``seconds`` (default 30 s, longer than livekit-api's 10 s).
``latency`` seconds are added to every request. ``RequestLog`` keeps each request's method and its
start/end time, from which ``sequential_rounds`` counts the round trips that followed one another.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .errors import HTTP_STATUS

KINDS = ("error", "5xx", "drop", "timeout")
DEFAULT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Fault:
    kind: str
    code: str = "invalid_argument"
    msg: str = "injected fault"
    seconds: float = DEFAULT_TIMEOUT_SECONDS


class Faults:
    def __init__(self, methods: Iterable[str] | None = None) -> None:
        # Known method names, so that a typo in a test fails loudly instead of never firing.
        self._methods = frozenset(methods) if methods is not None else None
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Fault]] = {}
        self._latency = 0.0

    @property
    def latency(self) -> float:
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency must be >= 0 seconds")
        with self._lock:
            self._latency = float(seconds)

    def fail(
        self,
        method: str,
        kind: str,
        times: int = 1,
        code: str = "invalid_argument",
        msg: str | None = None,
        seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (e.g. "CreateSIPInboundTrunk") fail."""
        if kind not in KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if times < 1:
            raise ValueError("times must be >= 1")
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        if self._methods is not None and method != "*" and method not in self._methods:
            raise ValueError(f"unknown method {method!r}; one of: {', '.join(sorted(self._methods))} or '*'")
        if kind == "error" and code not in HTTP_STATUS:
            raise ValueError(f"unknown twirp error code {code!r}")
        if msg is None:
            msg = "injected server failure" if kind == "5xx" else "injected fault"
        fault = Fault(kind=kind, code="internal" if kind == "5xx" else code, msg=msg, seconds=seconds)
        with self._lock:
            self._queues.setdefault(method, deque()).extend([fault] * times)

    def take(self, method: str) -> Fault | None:
        """The next queued fault for this method (exact name first, then ``"*"``), if any."""
        with self._lock:
            for key in (method, "*"):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
            return None

    def pending(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._queues.values())

    def clear(self) -> None:
        with self._lock:
            self._queues.clear()
            self._latency = 0.0


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it: `started` when its handler began, `ended` when it returned
    its response (``time.perf_counter()`` seconds; `ended` is None while it is still running)."""

    method: str
    started: float
    ended: float | None = None


class RequestLog:
    """Method names in arrival order, their start/end times, and the highest number of requests
    in flight at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._methods: list[str] = []
        self._requests: list[LoggedRequest] = []
        self._in_flight = 0
        self._max = 0

    @property
    def methods(self) -> list[str]:
        with self._lock:
            return list(self._methods)

    @property
    def requests(self) -> list[LoggedRequest]:
        """The requests in arrival order, with their times (benchmarks count sequential rounds)."""
        with self._lock:
            return list(self._requests)

    def sequential_rounds(self) -> int:
        """How many round trips had to follow one another: the longest chain of requests in which
        each one started only after the one before it had ended (requests that overlap in time
        went out together and count once). Unfinished requests are left out."""
        done = sorted((r for r in self.requests if r.ended is not None), key=lambda r: r.started)
        depth: list[int] = []
        for i, r in enumerate(done):
            depth.append(1 + max((depth[j] for j in range(i) if done[j].ended <= r.started), default=0))
        return max(depth, default=0)

    @property
    def max_concurrency(self) -> int:
        with self._lock:
            return self._max

    def enter(self, method: str) -> int:
        """Log a request's start; returns the ticket to pass to `leave`."""
        now = time.perf_counter()
        with self._lock:
            self._methods.append(method)
            self._requests.append(LoggedRequest(method, now))
            self._in_flight += 1
            self._max = max(self._max, self._in_flight)
            return len(self._requests) - 1

    def leave(self, ticket: int | None = None) -> None:
        now = time.perf_counter()
        with self._lock:
            self._in_flight -= 1
            # A ticket from before clear() no longer indexes this request: only its count drops.
            if ticket is not None and 0 <= ticket < len(self._requests) and self._requests[ticket].ended is None:
                self._requests[ticket] = replace(self._requests[ticket], ended=now)

    def clear(self) -> None:
        with self._lock:
            self._methods.clear()
            self._requests.clear()
            self._max = self._in_flight
