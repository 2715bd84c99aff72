"""What every run that changes LiveKit goes through: the number's lock, then its journal.

`guarded_run(url, api_key, number, command)` takes the lock of (project, number) on this
machine — `RunInProgress` names the process holding it — and yields a `GuardedRun`: its
`record` (services/run_journal.RunRecord, on disk before the first change is sent), the
`tracking` to pass to the registrar (run ID, journal writer, race rule), and `earlier`: the
records of runs of the same number that did not finish (they hold no lock, since we do). The
caller ends the run with `finished()` (the record goes), `kept(remaining)` (a rollback that did
not finish: the record stays so the next command reports it) or by raising (`finished()` too:
a failure that rolled back completely leaves nothing to recover).
"""

from __future__ import annotations

import logging
import asyncio
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Awaitable, Iterator, TypeVar

from phonewizard.services.run_entries import Tracking
from phonewizard.services.run_journal import JournalWriter, RunRecord, load_records, new_run_id
from phonewizard.services.run_lock import hold_number
from phonewizard.domain.livekit_numbers import normalize_number

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class GuardedRun:
    record: RunRecord
    tracking: Tracking
    earlier: list[RunRecord]
    _ended: bool = False

    def finished(self) -> None:
        """The run ended cleanly (success, or a failure fully rolled back): forget it."""
        self._ended = True
        _delete(self.record)

    def kept(self, remaining: list[str], status: str = "rollback_incomplete") -> None:
        """The run did not end cleanly (its undo, or an unregister, stopped part-way): keep the
        record, with what is known to remain. A run that sent nothing is forgotten instead."""
        self._ended = True
        if not self.record.changes:
            _delete(self.record)
            return
        self.record.status = status
        self.record.remaining = list(remaining)
        try:
            self.record.save()
        except OSError:
            log.warning("could not update the run journal %s", self.record.path)

    def resolve_earlier(self) -> list[RunRecord]:
        """This run superseded the earlier unfinished runs of its number: forget them."""
        for record in self.earlier:
            _delete(record)
        return self.earlier


@contextmanager
def guarded_run(url: str, api_key: str, phone_number: str, command: str, **fields: object) -> Iterator[GuardedRun]:
    """See the module docstring. `fields` go into the record (agent_name, provider, config…)."""
    run_id = new_run_id()
    with hold_number(url, phone_number, command, run_id):
        earlier = [r for r in load_records().records
                   if r.same_project(url) and normalize_number(r.phone_number) == normalize_number(phone_number)]
        # Written by the journal writer when the first change is about to be sent: a run that
        # never sends one leaves nothing to recover.
        record = RunRecord(run_id, command, url, api_key, phone_number, **fields)  # type: ignore[arg-type]
        run = GuardedRun(record, Tracking(run_id, JournalWriter(record)), earlier)
        try:
            yield run
        finally:
            if not run._ended:
                run.finished()


def _delete(record: RunRecord) -> None:
    try:
        record.delete()
    except OSError:
        log.warning("could not delete the run journal %s", record.path)


async def regardless_of_cancel(work: Awaitable[T]) -> T:
    """Await `work` to the end even if the caller is cancelled meanwhile, then return normally:
    for the steps after LiveKit has changed (saving or forgetting secrets), where a cancel comes
    too late to mean "undo" and stopping half-way would only leave a mess."""
    task = asyncio.ensure_future(work)
    while True:
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                return task.result()
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()
