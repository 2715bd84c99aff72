"""Two runs registering one number at the same moment, on different machines: which one keeps it.

The conflict check (list, then create) cannot stop two runs that both list before either
creates, and LiveKit lets two inbound trunks share a number when their allowed_numbers differ.
The local lock (run_lock.py) serialises runs on one machine; across machines each run looks at
LiveKit again once its first object exists (registrar_run.py starts that listing right after the
inbound trunk, beside the dispatch rule's request, so it costs no extra round trip) and
`settle()` applies this rule once all its own writes are answered, before it reports success:

* A *rival* is another run's footprint on the number since our conflict check: an object marked
  for the number that was not there then, or an object we wrote that now carries another run's
  ID. Run IDs start with the UTC time the run began (run_journal.new_run_id); a marker without
  a run ID, from an older phonewizard, counts as the earliest run.
* A rival *stands* once a dispatch rule marked for the number carries its ID, in the listing or
  in our conflict check (we took that rule over). LiveKit refuses a run over the race only at
  its inbound trunk (a second trunk for the number without allowed_numbers) or at its dispatch
  rule (a second rule for one trunk), never after its rule exists, so a standing rival is one
  LiveKit has let through. A rival that does not stand may still be refused; it then removes
  its objects itself (exit 3, LiveKit's own message).
* No rival: we keep our objects. An earlier rival that stands: we lose at once, undo our run and
  raise `LostRace` naming it (exit 3: nothing of ours is left). Otherwise (later rivals, earlier
  ones not standing yet) we list again every `POLL_SECONDS`, at most the connection timeout,
  until no rival is left (we keep) or an earlier one stands (we lose). A rival still there at
  the deadline most likely finished without seeing us (a later one) or stopped half-way (an
  earlier one), so we give way and lose too.

Why at most one run keeps its objects: a run keeps them only after a listing, taken after its
first object existed, that shows no rival. Only one of the two conflict checks can see the other
run's objects, as each run writes after its own check. If neither saw the other's, each run's
objects are new to the other and never written by it, so they show in its listings. If A's
listing shows nothing of B, B's first object came after that listing, hence after A's first
object; so B's listing (taken after B's first object) shows A, and B either loses at once or
waits for A's objects, which never go: B gives way. If B's check saw A's first objects, B updated
them in place (they now carry B's ID), and A's objects it did not see are new to it: B keeps only
when none of those is left, that is when B took over every object of A's, exactly as a run
started after A finished would. Never two sets.

Why at least one keeps them when neither fails on its own (a crash, a lost answer, a refusal that
is not about the other run): a run LiveKit refuses over the race has no rule, so it never stands,
and its rollback deletes what it created and restores what it took over, so the other run,
waiting, then sees no rival and keeps. When LiveKit refuses neither, both settle, their rules
answered. The earlier run never loses at once; it waits. The later run keeps if its listing
shows no rival (the earlier one gives way at its deadline); otherwise its first listing after
the earlier run's rule was answered shows that rule (new to it, or one of its own objects the
earlier run took over) or its check saw it (it took it over): the later run gives way, and once
its rollback has deleted its objects and handed back the earlier run's, the earlier run keeps.
Before a rival had to stand, both gave way whenever LiveKit refused the earlier run after its
first objects were visible: its outbound trunk, made beside its refused inbound trunk, counted
as an earlier run's claim.

Both give way, which is safe (each undoes what it changed), when a rival crashed without
cleaning up (its journal reports the leftovers), when the other run is slower than our timeout,
or when both update one registration that existed before either started: LiveKit has no
compare-and-swap, so one run's rollback can restore an object the other also wrote, and a rule
both overwrote proves nothing about the run that wrote it first.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import parse_marker
from phonewizard.services.errors import LostRace
from phonewizard.services.sip_objects import KINDS, list_all, object_id

if TYPE_CHECKING:
    from phonewizard.services.registrar_run import Run

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
LEGACY_RUN = ""  # objects of a phonewizard without run IDs: treated as the earliest run


def rivals(run: Run, listing: tuple[list, list, list], written: set[str]) -> dict[str, list[str]]:
    """Other runs' footprints on our number since our conflict check: run ID → object IDs.
    `written`: the objects we had written (and LiveKit had confirmed) before `listing` was taken;
    only those can show another run's ID because that run overwrote ours."""
    known = run.inventory.known_ids
    found: dict[str, list[str]] = {}
    for kind, items in zip(KINDS, listing):
        for obj in items:
            token = _run_of(run, obj)
            oid = object_id(kind, obj)
            if token is not None and token != run.run_id and (oid in written or oid not in known):
                found.setdefault(token, []).append(oid)
    return found


def standing(run: Run, listing: tuple[list, list, list]) -> set[str]:
    """The runs LiveKit has let past its checks between two runs: those whose ID a dispatch rule
    marked for our number carries, in `listing` or in our conflict check."""
    rules = [*listing[KINDS.index("dispatch")], *run.inventory.rules]
    return {token for token in (_run_of(run, rule) for rule in rules) if token is not None}


def _run_of(run: Run, obj: Any) -> str | None:
    """The run ID on an object marked for our number (LEGACY_RUN without one); None if unmarked
    or marked for another number."""
    marker = parse_marker(obj.metadata)
    if marker is None or normalize_number(marker.phone_number) != normalize_number(run.plan.phone_number):
        return None
    return marker.run or LEGACY_RUN


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
        earlier = sorted(token for token in found if token < run.run_id)
        stands = standing(run, listing)
        stood = [token for token in earlier if token in stands]
        if stood:
            raise LostRace(run.plan.phone_number, _name(stood[0]), found[stood[0]],
                           "the run that started first keeps the number")
        if loop.time() >= deadline:
            first = min(found)
            why = "stopped half-way" if earlier else "finished before it could see this run"
            raise LostRace(run.plan.phone_number, _name(first), found[first],
                           f"it did not give way within {run.conn.timeout:g} s (it most likely {why})")
        log.debug("race for %s: waiting for %s", run.plan.phone_number, ", ".join(_name(t) for t in found))
        await asyncio.sleep(POLL_SECONDS)
        written = run.written()  # every write of ours has been answered by now
        listing = await list_all(run.api, run.conn)


def _name(token: str) -> str:
    return token or "of an older phonewizard"
