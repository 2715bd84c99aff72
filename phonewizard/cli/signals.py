"""Ctrl-C, SIGTERM and SIGHUP while a command talks to LiveKit: cancel the work so it cleans up.

`timeout`, `systemctl stop`, a CI job being cancelled and a closed terminal send SIGTERM or
SIGHUP, not SIGINT; left at their default, they kill the process in the middle of a registration
and skip its rollback. `run_interruptibly(coro)` runs the command's coroutine with asyncio.run and
turns each of the three signals into a cancel of that coroutine, so the registrar rolls back (or
`unregister` finishes what it started) exactly as for Ctrl-C. Further signals while that cleanup
runs are cancels too, which the cleanup waits out (it is shielded): it is never abandoned
half-way. Outside `run_interruptibly` (reading files, printing) the signals keep their default.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any, Coroutine, TypeVar

T = TypeVar("T")

HANDLED = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None),
                            getattr(signal, "SIGHUP", None)) if s is not None)


class Interrupted(Exception):
    """The command's coroutine was cancelled by `signal_name` and has finished cleaning up."""

    def __init__(self, signal_name: str) -> None:
        self.signal_name = signal_name
        super().__init__(f"interrupted by {signal_name}")


def run_interruptibly(main: Coroutine[Any, Any, T]) -> tuple[T, str | None]:
    """Run `main`; returns its result and the name of a signal that arrived (None if none).
    Raises Interrupted when a signal cancelled it, after its cleanup has run."""
    received: list[str] = []

    async def guarded() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def on_signal(sig: signal.Signals) -> None:
            received.append(sig.name)
            task.cancel()

        installed: list[tuple[signal.Signals, Any]] = []
        for sig in HANDLED:
            try:
                loop.add_signal_handler(sig, on_signal, sig)
                installed.append((sig, None))
            except (NotImplementedError, RuntimeError, ValueError):
                # Windows' loops have no add_signal_handler: a plain handler that hops to the loop.
                previous = signal.signal(sig, lambda *_a, s=sig: loop.call_soon_threadsafe(on_signal, s))
                installed.append((sig, previous))
        try:
            return await main
        finally:
            for sig, previous in installed:
                if previous is None:
                    loop.remove_signal_handler(sig)
                else:
                    signal.signal(sig, previous)

    try:
        result = asyncio.run(guarded())
    except asyncio.CancelledError:
        if received:
            raise Interrupted(received[0]) from None
        raise
    return result, (received[0] if received else None)
