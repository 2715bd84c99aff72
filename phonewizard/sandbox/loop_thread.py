"""A server's own event loop on a daemon thread: how every sandbox server runs outside a loop.

`SandboxServer`, the carrier stand-ins and the SIP OPTIONS responder each have async `start`/`stop`;
tests, `phonewizard sandbox` and the wizard run them beside synchronous code with
`start_loop_thread` (returns once `start` has finished, raising what it raised) and
`stop_loop_thread` (stops the loop, runs `stop`, cancels what is still pending, joins the thread).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

STOP_JOIN_SECONDS = 10.0  # a stuck handler must not hold the caller for ever


def start_loop_thread(start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]],
                      name: str) -> tuple[threading.Thread, asyncio.AbstractEventLoop]:
    """Run `start()` on a new loop in a daemon thread named `name`; the loop then runs until
    `stop_loop_thread`, after which `stop()` runs on it. Returns (thread, loop) once started."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            loop.run_until_complete(start())
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(stop())
        # Handlers still sleeping (a "timeout" fault, an open connection): cancel and await them,
        # or asyncio reports each one as "Task was destroyed but it is pending!" at exit.
        pending = asyncio.all_tasks(loop)
        if pending:
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    ready.wait()
    if failure:
        raise failure[0]
    return thread, loop


def stop_loop_thread(thread: threading.Thread, loop: asyncio.AbstractEventLoop) -> None:
    """Stop the loop `start_loop_thread` runs (its `stop()` then runs) and wait for the thread."""
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=STOP_JOIN_SECONDS)
