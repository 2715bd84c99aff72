"""Run a command's coroutine so that Ctrl-C, SIGTERM and SIGHUP cancel it cleanly.

`run_cancellable(factory)` is `asyncio.run(factory())`, except that SIGINT, SIGTERM and SIGHUP
cancel the coroutine (so its `finally` blocks run: the test call deletes its room) and then
`Interrupted` is raised with the signal's name. A second signal while cleaning up cancels again,
which shielded cleanups absorb (services/room_watch.py), instead of asyncio's default of raising
KeyboardInterrupt in the middle of them. Where the loop cannot install signal handlers (Windows),
Ctrl-C still arrives as asyncio's KeyboardInterrupt after the coroutine was cancelled, and is
reported as `Interrupted("SIGINT")` too. Used by `call` and `probe`; any command may use it.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None)


class Interrupted(Exception):
    """The command was stopped by a signal after its coroutine had unwound."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


def run_cancellable(factory: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        received: list[int] = []
        installed = []

        def on_signal(number: int) -> None:
            received.append(number)
            task.cancel()

        for number in SIGNALS:
            try:
                loop.add_signal_handler(number, on_signal, number)
                installed.append(number)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread, or not supported here: asyncio's Ctrl-C handling stays
        try:
            return await factory()
        except asyncio.CancelledError:
            if received:
                raise Interrupted(signal.Signals(received[0]).name) from None
            raise
        finally:
            for number in installed:
                loop.remove_signal_handler(number)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        raise Interrupted("SIGINT") from None
