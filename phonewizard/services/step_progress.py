"""A run's named steps told to a progress display: the registrar's run and a carrier set-up's journal.

Both report each step as "started", then "done" or "failed" (and the registrar later "rolled_back"
for every step in `started`). The display is the user's window or terminal: its failure is one
WARNING line, never a traceback on the terminal and never a reason to stop (or undo) the run.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[str, str], None]


class StepProgress:
    """`step(name, state)` to the optional display; `in_step` wraps one step's work;
    `started` lists the steps begun, in order (what a rollback reports as rolled back)."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self.started: list[str] = []

    def step(self, name: str, state: str) -> None:
        if state == "started":
            self.started.append(name)
        if self._progress is None:
            return
        try:
            self._progress(name, state)
        except Exception as exc:  # a broken progress display must not break (or undo) the run
            # One line, no traceback on the user's terminal; the traceback is there at DEBUG.
            log.warning("progress display failed for %s/%s: %s", name, state, type(exc).__name__)
            log.debug("progress display failure", exc_info=True)

    async def in_step(self, name: str, work: Awaitable[T]) -> T:
        self.step(name, "started")
        try:
            result = await work
        except BaseException:
            self.step(name, "failed")
            raise
        self.step(name, "done")
        return result
