"""Fault injection and a request log, for tests and benchmarks of the clients.

``Faults`` is shared between the server's loop thread and the test thread, so every access goes
through one lock. A fault is queued per method (``"*"`` matches any method) and consumed in order,
one per request. Kinds:
- ``"error"``: a twirp error (``code``/``msg``, default invalid_argument / "injected fault");
- ``"5xx"``: twirp ``internal`` with HTTP 500;
- ``"drop"``: the connection is closed without any response;
- ``"timeout"``: the request hangs for ``seconds`` (default 30 s, longer than livekit-api's 10 s).
``latency`` seconds are added to every request.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

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
        if kind == "error":
            if code not in HTTP_STATUS:
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


class RequestLog:
    """Method names in arrival order and the highest number of requests in flight at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._methods: list[str] = []
        self._in_flight = 0
        self._max = 0

    @property
    def methods(self) -> list[str]:
        with self._lock:
            return list(self._methods)

    @property
    def max_concurrency(self) -> int:
        with self._lock:
            return self._max

    def enter(self, method: str) -> None:
        with self._lock:
            self._methods.append(method)
            self._in_flight += 1
            self._max = max(self._max, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def clear(self) -> None:
        with self._lock:
            self._methods.clear()
            self._max = self._in_flight
