"""One carrier set-up run: its requests, its undo journal, and the rollback.

The same discipline as the LiveKit registrar (registrar_run.py): every change is journaled — an
update or detachment *before* it is sent (restoring is idempotent, so one whose answer was lost is
still put back), a creation from inside the request task the moment the carrier returns its ID.
Each change runs as a shielded task under our own timeout, so a cancel never abandons a request
half-way. On any failure or cancellation `undo()` waits for every request in flight, then undoes
the journal newest first (an attachment goes before the object it points at), every undo attempted
even if another fails; what could not be undone is raised as `CarrierPartialRollback`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, TypeVar

from phonewizard.services.carriers.errors import (
    CarrierError,
    CarrierPartialRollback,
    CarrierRefused,
    CarrierUnreachable,
)
from phonewizard.services.step_progress import Progress, StepProgress

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Undo:
    label: str  # what it undoes, in words: "TK… (Twilio trunk)"
    action: Callable[[], Awaitable[Any]] = field(repr=False)
    deletes: bool = False  # a deletion: "already gone" counts as done


class Journal(StepProgress):
    def __init__(self, carrier: str, phone_number: str, timeout: float, progress: Progress | None = None) -> None:
        super().__init__(progress)
        self.carrier, self.phone_number, self.timeout = carrier, phone_number, timeout
        self.undos: list[Undo] = []
        self.tasks: list[asyncio.Task] = []
        self.uncertain = False  # a request got no clear answer: it may have been applied
        self.changed = False  # something that existed before was changed
        # When a creation got no answer: re-list and delete phonewizard-named objects that were not
        # there before the run; returns what it could not remove (set by the carrier's set-up).
        self.sweep: Callable[[], Awaitable[list[str]]] | None = None

    async def read(self, request: Awaitable[T]) -> T:
        """A request that changes nothing (a lookup), under our timeout."""
        return await asyncio.wait_for(request, self.timeout)

    async def change(self, request: Awaitable[T], *, undo_first: Undo | None = None,
                     undo_after: Callable[[T], Undo] | None = None, undo_if_lost: Undo | None = None) -> T:
        """Send one change, shielded. `undo_first` is journaled before sending (updates, detaching);
        `undo_after(result)` inside the task once the carrier answered (creations); `undo_if_lost`
        when the request got no clear answer and its undo needs no answer (attaching by known IDs).
        A creation whose answer was lost leaves an object we cannot name: the run is `uncertain`."""
        if undo_first is not None:
            self.undos.append(undo_first)
            self.changed = True

        async def run() -> T:
            try:
                result = await asyncio.wait_for(request, self.timeout)
            except BaseException as exc:
                if not _definite(exc):
                    if undo_if_lost is not None:
                        self.undos.append(undo_if_lost)
                    elif undo_after is not None:
                        self.uncertain = True
                raise
            if undo_after is not None:
                self.undos.append(undo_after(result))
            return result

        task = asyncio.ensure_future(run())
        self.tasks.append(task)
        return await asyncio.shield(task)

    async def undo(self, cause: BaseException) -> None:
        """Roll back, shielded from further cancellation. Raises CarrierPartialRollback when
        something remains; otherwise returns and the caller re-raises the original error."""
        task = asyncio.ensure_future(self._rollback())
        cancelled_again = False
        while not task.done():
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                cancelled_again = True
        remaining = task.result()
        for name in self.started:
            if name != "carrier_check":
                self.step(name, "rolled_back")
        if remaining:
            shown = None if isinstance(cause, asyncio.CancelledError) else cause
            raise CarrierPartialRollback(self.carrier, self.phone_number, remaining, shown) from cause
        if cancelled_again:
            raise asyncio.CancelledError()

    async def _rollback(self) -> list[str]:
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        remaining: list[str] = []
        for item in reversed(self.undos):
            try:
                await asyncio.wait_for(item.action(), self.timeout)
            except Exception as exc:
                if item.deletes and isinstance(exc, CarrierRefused) and exc.status == 404:
                    continue  # already gone: that is the goal
                log.debug("carrier rollback: %s failed", item.label, exc_info=True)
                remaining.append(item.label)
        if self.uncertain:
            try:
                if self.sweep is None:
                    raise LookupError("no sweep")
                remaining += await asyncio.wait_for(self.sweep(), self.timeout * 3)
            except Exception:
                log.debug("carrier rollback: the sweep for unanswered creations failed", exc_info=True)
                remaining.append("possibly an object whose creation got no answer (its name starts with “phonewizard”)")
        return remaining


def _definite(exc: BaseException) -> bool:
    """True when the carrier answered with a refusal: the request changed nothing."""
    return isinstance(exc, CarrierError) and not isinstance(exc, CarrierUnreachable)


async def delete_for_sweep(deletions: Iterable[tuple[str, Callable[[], Awaitable[Any]]]]) -> list[str]:
    """A sweep's deletions (label, action), one after another: every one is attempted, one refused
    as already gone (404) counts as done. Returns the labels of those still there."""
    left: list[str] = []
    for label, delete in deletions:
        try:
            await delete()
        except CarrierRefused as exc:
            if exc.status != 404:
                left.append(label)
        except Exception:
            left.append(label)
    return left


async def all_or_nothing(journal: Journal, work: Callable[[], Awaitable[T]]) -> T:
    """Run `work`; on any failure (or cancel) undo the journal, then re-raise."""
    try:
        return await work()
    except (Exception, asyncio.CancelledError) as exc:
        await journal.undo(exc)
        raise
