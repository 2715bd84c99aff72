"""Delete exactly the LiveKit objects a user confirmed, and say what happened to each one.

`remove_objects(conn, rule_ids=…, trunk_ids=…, detach=…)` works from IDs only: it never lists
the project and never touches an object that was not named (a new object that appeared since the
confirmation stays). Order, each phase concurrent: (1) detach the LiveKit numbers from the rules
being deleted (a number keeps any other rule it names), (2) delete the dispatch rules, (3) delete
the trunks. Every deletion is attempted even when another fails; an object already gone counts as
removed (`gone`). If a number cannot be detached nothing is deleted, so it is never left pointing
at a deleted rule. Failures are sentences (the mapped LiveKit errors), never raised: the caller
names what was removed and what remains. Nothing here can be undone, which is why the front ends
confirm first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Callable, Sequence

from phonewizard.services.livekit_client import Connection, map_error, open_api, within
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.registrar_run import delete_request

# progress(object_id, state): state "started" | "done" | "failed"; a detached number's phone number
# stands in for its ID.
Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class Detach:
    """Point LiveKit number `phone_number` at `keep` (another rule it named) or at none."""

    phone_number: str
    keep: str = ""


@dataclass
class RemovedObjects:
    removed: list[str] = field(default_factory=list)  # deleted now
    gone: list[str] = field(default_factory=list)  # already absent
    detached: list[str] = field(default_factory=list)  # phone numbers
    failed: dict[str, str] = field(default_factory=dict)  # ID (or number) → why it remains

    @property
    def complete(self) -> bool:
        return not self.failed


async def remove_objects(conn: Connection, *, rule_ids: Sequence[str], trunk_ids: Sequence[str],
                         detach: Sequence[Detach] = (), progress: Progress | None = None) -> RemovedObjects:
    out = RemovedObjects()
    report = progress or (lambda _id, _state: None)

    async def attempt(oid: str, request: Callable[[], object]) -> None:
        report(oid, "started")
        try:
            await within(conn, request())  # type: ignore[arg-type]
        except Exception as exc:  # each failure is named, the others still run
            if getattr(exc, "code", None) == "not_found":
                out.gone.append(oid)
                report(oid, "done")
                return
            mapped = map_error(exc, conn)
            out.failed[oid] = str(mapped) if mapped is not None else f"unexpected {type(exc).__name__}"
            report(oid, "failed")
            return
        report(oid, "done")
        (out.detached if oid in numbers else out.removed).append(oid)

    numbers = {d.phone_number for d in detach}
    if detach:
        async with PhoneNumberClient(conn) as client:
            await asyncio.gather(*(attempt(d.phone_number, lambda d=d: client.attach(d.phone_number, d.keep))
                                   for d in detach))
        if out.failed:
            for oid in (*rule_ids, *trunk_ids):
                out.failed[oid] = "not deleted: the LiveKit number could not be detached from its rule first"
            return out
    async with open_api(conn, sip_admin=True) as api:
        await asyncio.gather(*(attempt(rid, lambda rid=rid: delete_request(api, "dispatch", rid)) for rid in rule_ids))
        await asyncio.gather(*(attempt(tid, lambda tid=tid: delete_request(api, "trunk", tid)) for tid in trunk_ids))
    return out
