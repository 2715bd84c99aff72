"""Fault injection and a request log, for tests and benchmarks of the clients.

``Faults`` is shared between the server's loop thread and the test thread, so every access goes
through one lock. A fault is queued per method (``"*"`` matches any method) and consumed in order,
one per request. Only authenticated requests (a valid token) see faults and latency, so a stranger
cannot use up a test's faults. Kinds:
- ``"error"``: a twirp error (``code``/``msg``, default invalid_argument / "injected fault");
- ``"5xx"``: twirp ``internal`` with HTTP 500;
- ``"drop"``: the connection is closed without any response;
- ``"timeout"``: a slow server. The request's body is read, then the server waits ``seconds``
  (default 30 s, longer than livekit-api's 10 s), then it *applies the request as usual*: an object
  the client gave up on is created all the same, after the client stopped waiting. That is the
  "created after the client gave up" case a registration must report and a later run must clean up.
``latency`` seconds are added to every authenticated request. ``RequestLog`` keeps each
authenticated request's method and its start/end time (a ring of the last ``capacity``, so a flood
cannot grow it without bound), from which ``sequential_rounds`` counts the round trips that
followed one another; requests answered without a valid token are only counted (``rejected``).
"""

from __future__ import annotations

import asyncio
import threading
import time
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
        self._hangs: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []

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

    async def hang(self, seconds: float) -> None:
        """A "timeout" fault's wait: `seconds`, or until `release_hangs()` ends it sooner."""
        loop = asyncio.get_running_loop()
        released = loop.create_future()
        entry = (loop, released)
        with self._lock:
            self._hangs.append(entry)
        try:
            await asyncio.wait_for(released, seconds)
        except asyncio.TimeoutError:
            pass
        finally:
            with self._lock:
                self._hangs.remove(entry)

    @property
    def hanging(self) -> int:
        """How many requests are inside a "timeout" fault's wait right now."""
        with self._lock:
            return len(self._hangs)

    def release_hangs(self) -> int:
        """End every current "timeout" wait now (from any thread): the hung requests go on and
        are applied. Lets a test decide *when* the late apply happens instead of guessing a
        duration. Returns how many were released."""
        with self._lock:
            hangs = list(self._hangs)
        for loop, released in hangs:
            loop.call_soon_threadsafe(lambda f=released: f.done() or f.set_result(None))
        return len(hangs)

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


class _Entry:
    """The mutable record behind a LoggedRequest; also the ticket `enter` hands out."""

    __slots__ = ("method", "started", "ended")

    def __init__(self, method: str, started: float) -> None:
        self.method = method
        self.started = started
        self.ended: float | None = None

    def frozen(self) -> LoggedRequest:
        return LoggedRequest(self.method, self.started, self.ended)


DEFAULT_LOG_CAPACITY = 10_000


class RequestLog:
    """Authenticated requests in arrival order (the last `capacity` of them), their start/end
    times, the highest number in flight at once, and a count of requests answered without a
    valid token (`rejected`), which are never stored."""

    def __init__(self, capacity: int = DEFAULT_LOG_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be >= 1")
        self._lock = threading.Condition()
        self._entries: deque[_Entry] = deque(maxlen=capacity)
        self._in_flight = 0
        self._max = 0
        self.capacity = capacity
        self.dropped = 0  # entries that fell off the front of the ring
        self.rejected = 0

    @property
    def methods(self) -> list[str]:
        with self._lock:
            return [e.method for e in self._entries]

    @property
    def requests(self) -> list[LoggedRequest]:
        """The requests in arrival order, with their times (benchmarks count sequential rounds)."""
        with self._lock:
            return [e.frozen() for e in self._entries]

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

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def enter(self, method: str) -> _Entry:
        """Log a request's start; returns the ticket to pass to `leave`."""
        entry = _Entry(method, time.perf_counter())
        with self._lock:
            if len(self._entries) == self._entries.maxlen:
                self.dropped += 1
            self._entries.append(entry)
            self._in_flight += 1
            self._max = max(self._max, self._in_flight)
            return entry

    def leave(self, ticket: _Entry | None = None) -> None:
        now = time.perf_counter()
        with self._lock:
            self._in_flight -= 1
            if ticket is not None and ticket.ended is None:
                ticket.ended = now  # also fine after clear(): the entry is simply no longer listed
            self._lock.notify_all()

    def reject(self) -> None:
        """Count a request answered without a valid token (it is not stored)."""
        with self._lock:
            self.rejected += 1

    def wait_idle(self, timeout: float) -> bool:
        """Block until no logged request is in flight (e.g. a "timeout" fault has applied its
        request late); False if that did not happen within `timeout` seconds."""
        with self._lock:
            return self._lock.wait_for(lambda: self._in_flight == 0, timeout)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._max = self._in_flight
            self.dropped = 0
            self.rejected = 0
