"""Undo a failed registration run from its journal (see registrar_run.py).

Order: the phone-number attachment, then dispatch rules (they point at trunks), then trunks,
then re-create any leftover this run had already deleted. Within each phase the requests go out
concurrently. Every undo is attempted even if another fails; whatever could not be undone is
returned as plain-words descriptions ("ST_abc (inbound trunk)") for `PartialRollback`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable

from phonewizard.domain.naming import parse_marker
from phonewizard.services.livekit_client import within
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.registrar_run import Entry, Run
from phonewizard.services.sip_objects import KINDS, create_again_request, delete_request, list_all, object_id, update_request

log = logging.getLogger(__name__)
KIND_WORDS = {"inbound": "inbound trunk", "outbound": "outbound trunk", "dispatch": "dispatch rule",
              "number": "phone number attachment"}


class Outcome:
    def __init__(self) -> None:
        self.remaining: list[str] = []  # "ID (what)" that this run leaves behind
        self.unknown = False  # requests without an answer, and no listing to check them
        self.failed_steps: set[str] = set()


async def rollback(run: Run) -> Outcome:
    out = Outcome()
    if run.tasks:  # let every in-flight request finish, so its outcome is in the journal
        await asyncio.gather(*run.tasks, return_exceptions=True)
    api, journal = run.api, run.journal
    deleted = [e for e in journal if e.action == "deleted" and e.state != "failed"]
    current: tuple[list, list, list] | None = None
    # A tracked run lists too when it wrote anything: another run may have taken an object over
    # since (registrar_race.py), and that object is no longer ours to delete or restore.
    wrote = run.run_id is not None and any(e.action in ("created", "updated") for e in journal)
    if run.uncertain or deleted or wrote:
        try:
            current = await list_all(api, run.conn)
        except Exception:  # the undo goes on from the journal alone; `unknown` tells the user
            # debug, not warning: with logging not set up, Python prints warnings (with the
            # traceback) on the user's terminal.
            log.debug("rollback: could not list LiveKit's objects", exc_info=True)
            out.unknown = run.uncertain
    created_ids = {e.object_id for e in journal if e.action == "created"}
    handed_over = _handed_over(run, current)
    gone: set[str] = set()  # created objects this rollback removed (or found already removed)

    async def attempt(entry: Entry | None, label: str | None, call: Awaitable[Any]) -> bool:
        try:
            await within(run.conn, call)
        except Exception as exc:
            if getattr(exc, "code", None) == "not_found" and entry and entry.action == "created":
                gone.add(entry.object_id)
                return True  # already gone: that is the goal
            if label is not None:
                out.remaining.append(label)
            if entry and entry.step:
                out.failed_steps.add(entry.step)
            return False
        if entry is not None and entry.action == "created":
            gone.add(entry.object_id)
        return True

    def label(e: Entry) -> str:
        return f"{e.object_id} ({KIND_WORDS[e.kind]})"

    def restore(e: Entry) -> Awaitable[Any]:
        return update_request(api, e.kind, e.object_id, e.previous)

    # Phase 1: the number goes back to the rule it pointed at (or to none). A refusal is judged
    # after phase 2: deleting the rule the number points at detaches it as well.
    attached = [e for e in journal if e.action == "attached" and e.state != "failed"]
    results = await asyncio.gather(*(attempt(None, None, run.numbers.attach(e.object_id, e.previous or ""))  # type: ignore[union-attr]
                                     for e in attached))
    refused = [e for e, ok in zip(attached, results) if not ok]

    # Phase 2 and 3: rules, then trunks — created ones deleted, updated ones restored, except
    # those another run has written since (handed over: they are that run's now).
    stray = _strays(run, current, created_ids)
    for kinds in (("dispatch",), ("inbound", "outbound")):
        phase = []
        for e in journal:
            if e.kind not in kinds or e.state == "failed" or e.object_id in handed_over:
                continue
            if e.action == "created":
                phase.append(attempt(e, label(e), delete_request(api, e.kind, e.object_id)))
            elif e.action == "updated":
                phase.append(attempt(e, f"{e.object_id} ({KIND_WORDS[e.kind]}, changed and not restored)",
                                     restore(e)))
        for kind, oid in stray:
            if kind in kinds:
                phase.append(attempt(None, f"{oid} ({KIND_WORDS[kind]})", delete_request(api, kind, oid)))
        await asyncio.gather(*phase)
        if kinds == ("dispatch",):
            for e, what in _attachments_left(run, refused, gone):
                out.remaining.append(what)
                out.failed_steps.add(e.step or "attach_number")

    # Phase 4: leftovers deleted by this run are re-created (new IDs, same settings and marker).
    present = _ids(current) if current is not None else None
    phase = []
    for e in sorted(deleted, key=lambda e: e.kind == "dispatch"):
        if present is not None and e.object_id in present:
            continue  # the delete never happened
        if present is None and e.state == "unknown":
            out.unknown = True
            continue
        phase.append(attempt(None, f"{e.object_id} ({KIND_WORDS[e.kind]}, removed and not re-created)",
                             _recreate(api, e)))
    await asyncio.gather(*phase)
    return out


def _strays(run: Run, current: tuple[list, list, list] | None, created_ids: set[str]) -> list[tuple[str, str]]:
    """Objects marked for this number that appeared during the run without us learning their
    ID (the answer to a create was lost). A tracked run takes only those carrying its own run
    ID: any other new one belongs to another run registering the number at the same moment."""
    if current is None:
        return []
    phone = normalize_number(run.plan.phone_number)
    known = run.inventory.known_ids | created_ids
    found = []
    for kind, items in zip(KINDS, current):
        for obj in items:
            oid = object_id(kind, obj)
            m = parse_marker(obj.metadata)
            if oid in known or m is None or normalize_number(m.phone_number) != phone:
                continue
            if run.run_id is None or m.run == run.run_id:
                found.append((kind, oid))
    return found


def _handed_over(run: Run, current: tuple[list, list, list] | None) -> set[str]:
    """IDs this run created or updated that now carry another run's ID: that run wrote them
    after us and relies on them, so undoing them would break its registration."""
    if run.run_id is None or current is None:
        return set()
    written = {e.object_id for e in run.journal if e.action in ("created", "updated")}
    taken = set()
    for kind, items in zip(KINDS, current):
        for obj in items:
            oid = object_id(kind, obj)
            m = parse_marker(obj.metadata)
            if oid in written and m is not None and m.run != run.run_id:
                taken.add(oid)
    if taken:
        log.info("rollback: %s now belong to another run; left in place", ", ".join(sorted(taken)))
    return taken


def _attachments_left(run: Run, refused: list[Entry], gone: set[str]) -> list[tuple[Entry, str]]:
    """The number attachments that really remain after phase 2. A refused detach is no leftover
    when the rule the number pointed at was deleted: LiveKit detaches a number from a deleted
    rule (the sandbox does the same: tests/sandbox/test_sandbox_phone_numbers.py)."""
    ours = [e.object_id for e in run.journal if e.kind == "dispatch" and e.action in ("created", "updated")]
    target = ours[0] if ours else ""
    left = []
    for e in refused:
        if not e.previous and target in gone:
            continue
        if e.previous and target in gone:
            left.append((e, f"{e.object_id} (phone number, not re-attached to dispatch rule {e.previous})"))
        elif e.previous:
            left.append((e, f"{e.object_id} (phone number, attached to {target} instead of {e.previous})"))
        else:
            left.append((e, f"{e.object_id} (still attached to the new dispatch rule)"))
    return left


def _ids(current: tuple[list, list, list]) -> set[str]:
    a, b, c = current
    return {t.sip_trunk_id for t in a} | {t.sip_trunk_id for t in b} | {r.sip_dispatch_rule_id for r in c}


def _recreate(api: Any, e: Entry) -> Awaitable[Any]:
    info = type(e.previous)()
    info.CopyFrom(e.previous)  # the journal's copy stays as it was
    return create_again_request(api, e.kind, info)
