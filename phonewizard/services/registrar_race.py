"""Two runs registering one number at the same moment, on different machines: which one keeps it.

The conflict check (list, then create) cannot stop two runs that both list before either
creates, and LiveKit lets two inbound trunks share a number when their allowed_numbers differ.
The local lock (run_lock.py) serialises runs on one machine; across machines each run looks at
LiveKit again once its first object exists (registrar_run.py starts that listing right after the
inbound trunk, beside the dispatch rule's request, so it costs no extra round trip) and
`settle()` applies this rule before the run reports success:

* A *rival* is another run's footprint on the number since our conflict check: an object marked
  for the number that was not there then, or an object we wrote that now carries another run's
  ID. Run IDs start with the UTC time the run began (run_journal.new_run_id).
* No rival: we keep our objects. A rival whose ID sorts before ours (it started earlier; a
  marker without a run ID, from an older phonewizard, counts as earliest): we lose, undo our run
  and raise `LostRace` naming the winner (exit 3: nothing of ours is left).
* Every rival sorts after us: we wait until their objects are gone (each of them sees ours and
  loses), listing again every `POLL_SECONDS`, at most the connection timeout. If they are still
  there then, a rival most likely finished without seeing us and already reported success, so we
  give way and lose too.

Why at most one run keeps its objects: a run keeps them only after a listing, taken after its
first object existed, that shows no rival. If A's listing shows nothing of B, B's first object
came after that listing, hence after A's first object; so B's listing (taken after B's first
object) shows A, and B either loses at once or waits for A's objects, which never go: B gives way.
Both losing is possible (a rival that crashed without cleaning up): that is safe, and the
crashed run's journal reports its leftovers. Two runs that only *update* the same existing
objects create nothing to compare: LiveKit has no compare-and-swap, so the last write stands
(one set of objects, no duplicates).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import parse_marker
from phonewizard.services.errors import LostRace
from phonewizard.services.sip_objects import KINDS, list_all, object_id

if TYPE_CHECKING:
    from phonewizard.services.registrar_run import Run

POLL_SECONDS = 0.25
LEGACY_RUN = ""  # objects of a phonewizard without run IDs: treated as the earliest run


def rivals(run: Run, listing: tuple[list, list, list], written: set[str]) -> dict[str, list[str]]:
    """Other runs' footprints on our number since our conflict check: run ID → object IDs.
    `written`: the objects we had written (and LiveKit had confirmed) before `listing` was taken;
    only those can show another run's ID because that run overwrote ours."""
    phone = normalize_number(run.plan.phone_number)
    known = run.inventory.known_ids
    found: dict[str, list[str]] = {}
    for kind, items in zip(KINDS, listing):
        for obj in items:
            marker = parse_marker(obj.metadata)
            if marker is None or normalize_number(marker.phone_number) != phone:
                continue
            token = marker.run or LEGACY_RUN
            oid = object_id(kind, obj)
            if token != run.run_id and (oid in written or oid not in known):
                found.setdefault(token, []).append(oid)
    return found


async def settle(run: Run, listing: tuple[list, list, list], written: set[str]) -> None:
    """Return when this run keeps its objects; raise LostRace when another run does (the caller's
    rollback then removes ours). `listing` was taken once `written` were confirmed. See the
    module docstring for the rule."""
    assert run.run_id is not None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + run.conn.timeout
    while True:
        found = rivals(run, listing, written)
        if not found:
            return
        first = min(found)
        if first < run.run_id:
            raise LostRace(run.plan.phone_number, _name(first), found[first],
                           "the run that started first keeps the number")
        if loop.time() >= deadline:
            raise LostRace(run.plan.phone_number, _name(first), found[first],
                           f"it did not give way within {run.conn.timeout:g} s (it most likely "
                           "finished before it could see this run)")
        await asyncio.sleep(POLL_SECONDS)
        written = run.written()  # every write of ours has been answered by now
        listing = await list_all(run.api, run.conn)


def _name(token: str) -> str:
    return token or "of an older phonewizard"
