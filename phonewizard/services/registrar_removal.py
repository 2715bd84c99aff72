"""Removing a number's objects for `unregister`: rules first, then trunks, every deletion tried.

Rules go first because they name the trunks; if a rule cannot be deleted its trunks stay (a rule
pointing at a deleted trunk would be worse than both staying). Within a phase every deletion is
attempted and awaited even when one fails, so the outcome is exact: `PartialUnregister` lists
what was removed and what remains. A cancel that arrives once deletions have started does not
stop them: the removal is finished and marked `interrupted` (see Registrar.unregister). Each
deletion is reported to the observer (the run journal) before it is sent and when answered.
"""

from __future__ import annotations

import asyncio
from typing import Any

from livekit.api import LiveKitAPI

from phonewizard.services.errors import PartialUnregister
from phonewizard.services.livekit_client import Connection, is_definite_refusal, map_error, within
from phonewizard.services.run_entries import Entry, Tracking
from phonewizard.services.sip_objects import delete_request, object_id


class Removal:
    """One unregister: what it is to delete, what it sent, what it removed."""

    def __init__(self, phone_number: str, rules: list[tuple[str, Any]], trunks: list[tuple[str, Any]],
                 tracking: Tracking | None) -> None:
        self.phone_number = phone_number
        self.rules = rules  # (kind, object) as listed
        self.trunks = trunks
        self.run_id = tracking.run_id if tracking is not None else None
        self._observe = tracking.observe if tracking is not None else None
        self.sent: list[Entry] = []
        self.removed: list[str] = []
        self.interrupted = False

    def planned(self) -> list[dict[str, str]]:
        return [{"kind": kind, "action": "delete", "object_id": object_id(kind, obj)}
                for kind, obj in (*self.rules, *self.trunks)]

    def notify(self, event: str) -> None:
        if self._observe is not None:
            self._observe(self, event)


async def remove_all(api: LiveKitAPI, conn: Connection, removal: Removal) -> None:
    """Delete the rules, then the trunks; finished even when cancelled part-way (see module doc)."""
    if not removal.rules and not removal.trunks:
        return
    work = asyncio.ensure_future(_phases(api, conn, removal))
    while True:
        try:
            await asyncio.shield(work)
            return
        except asyncio.CancelledError:
            if work.done():
                break
            removal.interrupted = True
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # the removal has begun: finishing it is the consistent end
    work.result()  # the removal's own outcome (PartialUnregister, or the first failure)


async def _phases(api: LiveKitAPI, conn: Connection, removal: Removal) -> None:
    cause: BaseException | None = None
    remaining: list[str] = []
    for phase in (removal.rules, removal.trunks):
        if cause is not None:
            remaining += [object_id(kind, obj) for kind, obj in phase]
            continue
        results = await asyncio.gather(*(_delete(api, conn, removal, kind, obj) for kind, obj in phase),
                                       return_exceptions=True)
        for (kind, obj), result in zip(phase, results):
            if isinstance(result, BaseException):
                remaining.append(object_id(kind, obj))
                cause = cause or result
            else:
                removal.removed.append(object_id(kind, obj))
    if cause is None:
        return
    shown = map_error(cause, conn)
    if removal.removed and shown is not None:
        raise PartialUnregister(removal.phone_number, removal.removed, remaining, shown) from cause
    raise cause  # nothing was removed: the plain failure says it all (exit 3 or 4)


async def _delete(api: LiveKitAPI, conn: Connection, removal: Removal, kind: str, obj: Any) -> None:
    entry = Entry(None, kind, "deleted", object_id(kind, obj), obj)
    removal.sent.append(entry)
    removal.notify("sent")
    try:
        await within(conn, delete_request(api, kind, entry.object_id))
    except Exception as exc:
        if getattr(exc, "code", None) != "not_found":  # already gone is what we wanted
            entry.state = "failed" if is_definite_refusal(exc) else "unknown"
            entry.answered = True
            removal.notify("answered")
            raise
    entry.answered = True
    removal.notify("answered")
