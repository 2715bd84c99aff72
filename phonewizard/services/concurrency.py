"""Two asyncio helpers of the registrar: overlap local work with a request's wait, and run
requests together while letting every one of them finish before reporting the first failure."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, TypeVar

T = TypeVar("T")
U = TypeVar("U")


async def while_waiting(work: Awaitable[T], compute: Callable[[], U], settle: float = 0.005) -> tuple[T, U]:
    """Await `work` and run `compute` (plain CPU work, no I/O) while `work` waits for the network.

    `compute` runs once `work` has had `settle` seconds to put its requests on the wire, or as soon
    as `work` finishes if that is sooner: so it never delays a request going out, overlaps the
    wait for the answer when that wait is longer than `settle` + `compute`, and is never slower
    than computing afterwards. Cancelling the caller (or `compute` failing) cancels `work` and
    returns once it has stopped, as awaiting `work` directly would.
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task}, timeout=settle)
        computed = compute()
    except BaseException:
        task.cancel()
        await asyncio.wait({task})  # its own cleanup (progress "failed") happens before we raise
        if not task.cancelled():
            task.exception()  # retrieved, not reported as lost: the error raised here is ours
        raise
    return await task, computed


async def gather_all(jobs: list[Awaitable[Any]]) -> list[Any]:
    """Run concurrently and let every job finish (so each one's outcome is journaled) before
    raising the first failure."""
    results = await asyncio.gather(*jobs, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    return results
