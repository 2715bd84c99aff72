"""One registration run: conflict check, create or update, and the undo journal.

Every change is written to the journal: updates and deletions *before* they are sent (so an
update whose answer was lost is still restored — restoring is idempotent), creations from inside
the request task as soon as LiveKit returns the new ID. Mutating requests run as shielded tasks:
a cancel never abandons a request half-way, the run waits for its answer and then undoes it.
When a request failed without a clear answer (timeout, dropped connection, 5xx) the rollback
re-lists LiveKit and also deletes any object marked for this number that did not exist before.
The rollback itself lives in `registrar_rollback.py`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, TypeVar

from livekit.api import LiveKitAPI
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    DeleteSIPDispatchRuleRequest,
    DeleteSIPTrunkRequest,
    ListSIPDispatchRuleRequest,
    ListSIPInboundTrunkRequest,
    ListSIPOutboundTrunkRequest,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.result import RegistrationResult, complete_result, result_template
from phonewizard.services.livekit_client import Connection, LiveKitRefused, is_definite_refusal, within
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.registrar_inventory import Inventory, RegistrationConflict, classify

log = logging.getLogger(__name__)
Progress = Callable[[str, str], None]
T = TypeVar("T")
U = TypeVar("U")


@dataclass
class Entry:
    """One change to undo. kind: inbound|outbound|dispatch|number; action: created|updated|
    deleted|attached. `previous` is the object as it was (updated/deleted) or the number's
    previous rule ID (attached); a trunk may hold its SIP password, so it is not in the repr.
    state: done | failed (LiveKit said no: nothing changed) | unknown (no clear answer)."""

    step: str | None
    kind: str
    action: str
    object_id: str
    previous: Any = field(default=None, repr=False)
    state: str = "done"


async def list_all(api: LiveKitAPI, conn: Connection) -> tuple[list, list, list]:
    """Inbound trunks, outbound trunks and dispatch rules, in one concurrent round trip."""
    a, b, c = await within(conn, asyncio.gather(
        api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest()),
        api.sip.list_outbound_trunk(ListSIPOutboundTrunkRequest()),
        api.sip.list_dispatch_rule(ListSIPDispatchRuleRequest()),
    ))
    return list(a.items), list(b.items), list(c.items)


def object_id(kind: str, obj: Any) -> str:
    """The ID of a trunk (kind inbound/outbound) or dispatch rule (kind dispatch)."""
    return obj.sip_dispatch_rule_id if kind == "dispatch" else obj.sip_trunk_id


def delete_request(api: LiveKitAPI, kind: str, oid: str) -> Awaitable[Any]:
    """The request that deletes one dispatch rule (kind "dispatch") or trunk (any other kind)."""
    if kind == "dispatch":
        return api.sip.delete_dispatch_rule(DeleteSIPDispatchRuleRequest(sip_dispatch_rule_id=oid))
    return api.sip.delete_trunk(DeleteSIPTrunkRequest(sip_trunk_id=oid))


class Run:
    """One registration: its plan, what the conflict check found, the undo journal and the
    request tasks still to be awaited before undoing."""

    def __init__(self, api: LiveKitAPI, conn: Connection, plan: RegistrationPlan,
                 numbers: PhoneNumberClient | None, progress: Progress | None, take_over: bool,
                 adopt: frozenset[str] = frozenset()) -> None:
        self.api, self.conn, self.plan, self.numbers = api, conn, plan, numbers
        self._progress, self.take_over, self.adopt = progress, take_over, adopt
        self.journal: list[Entry] = []
        self.tasks: list[asyncio.Task] = []
        self.uncertain = False  # some request may have changed LiveKit without telling us
        self.started: list[str] = []
        self.inventory = Inventory()

    def step(self, name: str, state: str) -> None:
        if state == "started":
            self.started.append(name)
        if self._progress is None:
            return
        try:
            self._progress(name, state)
        except Exception as exc:  # a broken progress display must not break (or undo) a registration
            # One line, no traceback on the user's terminal; the traceback is there at DEBUG.
            log.warning("progress display failed for %s/%s: %s", name, state, type(exc).__name__)
            log.debug("progress display failure", exc_info=True)

    async def mutate(self, entry: Entry, request: Awaitable[Any],
                     on_success: Callable[[Any], None] | None = None) -> Any:
        """Send one change as a shielded task; `entry` is journaled first unless it is a creation
        (a creation is journaled by `on_success`, inside the task, the moment its ID is known)."""
        if entry.action != "created":
            self.journal.append(entry)

        async def run() -> Any:
            try:
                result = await within(self.conn, request)
            except BaseException as exc:
                entry.state = "failed" if is_definite_refusal(exc) else "unknown"
                if entry.state == "unknown":
                    self.uncertain = True
                raise
            if on_success is not None:
                on_success(result)
            return result

        task = asyncio.ensure_future(run())
        self.tasks.append(task)
        return await asyncio.shield(task)

    async def in_step(self, name: str, work: Awaitable[Any]) -> Any:
        self.step(name, "started")
        try:
            result = await work
        except BaseException:
            self.step(name, "failed")
            raise
        self.step(name, "done")
        return result

    # ---- forward ---------------------------------------------------------------------------

    async def forward(self) -> RegistrationResult:
        p = self.plan
        # The result's plan-only part (instructions, providers) is computed while the conflict
        # check's requests are in flight, so only the IDs are left for after the last answer.
        inv, template = await while_waiting(self.in_step("conflict_check", self._check()),
                                            lambda: result_template(p))
        self.inventory = inv

        async def inbound_then_rule() -> tuple[str | None, str]:
            # The rule depends on the inbound trunk only (it names its ID), not on the outbound
            # trunk: it goes out as soon as the inbound trunk exists, while outbound may still run.
            inbound = None
            if p.inbound is not None:
                inbound = await self.in_step("inbound_trunk", self._put_inbound(inv))
            return inbound, await self.in_step("dispatch_rule", self._put_rule(inv, inbound))

        jobs = [inbound_then_rule()]
        if p.outbound is not None:
            jobs.append(self.in_step("outbound_trunk", self._put_outbound(inv)))
        results = await gather_all(jobs)
        inbound_id, rule_id = results[0]
        outbound_id = results[1] if p.outbound is not None else None
        if p.attach_number:
            await self.in_step("attach_number", self._attach(inv, rule_id))
        await self._remove_leftovers(inv)
        return complete_result(template, inbound_trunk_id=inbound_id, outbound_trunk_id=outbound_id,
                               dispatch_rule_id=rule_id, updated=self.updated)

    @property
    def updated(self) -> bool:
        """True when this run changed or removed objects that existed before it."""
        return any(e.action in ("updated", "deleted") for e in self.journal)

    async def _check(self) -> Inventory:
        p = self.plan
        lookups: list[Awaitable[Any]] = [list_all(self.api, self.conn)]
        if p.attach_number and self.numbers is not None:
            lookups.append(self.numbers.get(p.attach_number))
        found = await asyncio.gather(*lookups)
        inbound, outbound, rules = found[0]
        number = found[1] if len(found) > 1 else None
        if p.attach_number and number is None:
            raise LiveKitRefused(
                "not_found",
                f"{p.attach_number} is not a phone number of this LiveKit project. Buy it first "
                "(LiveKit Cloud → Telephony → Phone numbers), or choose your carrier as provider.",
            )
        inv = classify(p, inbound, outbound, rules, take_over=self.take_over, number=number, adopt=self.adopt)
        if inv.conflicts:
            raise RegistrationConflict(p.phone_number, inv.conflicts)
        return inv

    async def _put_inbound(self, inv: Inventory) -> str:
        sip = self.api.sip
        return await self._put_trunk(
            "inbound", SIPInboundTrunkInfo(), self.plan.inbound.trunk, inv.inbound,  # type: ignore[union-attr]
            sip.update_inbound_trunk,
            lambda trunk: sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=trunk)))

    async def _put_outbound(self, inv: Inventory) -> str:
        sip = self.api.sip
        return await self._put_trunk(
            "outbound", SIPOutboundTrunkInfo(), self.plan.outbound.trunk, inv.outbound,  # type: ignore[union-attr]
            sip.update_outbound_trunk,
            lambda trunk: sip.create_outbound_trunk(CreateSIPOutboundTrunkRequest(trunk=trunk)))

    async def _put_trunk(self, role: str, trunk: Any, planned: Any, existing: list,
                         update: Callable[[str, Any], Awaitable[Any]],
                         create: Callable[[Any], Awaitable[Any]]) -> str:
        """Update our existing trunk of this role in place, or create it; journaled for rollback."""
        step = f"{role}_trunk"
        trunk.CopyFrom(planned)
        if existing:
            prev = existing[0]
            trunk.sip_trunk_id = prev.sip_trunk_id
            await self.mutate(Entry(step, role, "updated", prev.sip_trunk_id, prev),
                              update(prev.sip_trunk_id, trunk))
            return prev.sip_trunk_id
        info = await self.mutate(Entry(step, role, "created", ""), create(trunk),
                                 self._created(step, role, lambda i: i.sip_trunk_id))
        return info.sip_trunk_id

    async def _put_rule(self, inv: Inventory, inbound_id: str | None) -> str:
        rule = SIPDispatchRuleInfo()
        rule.CopyFrom(self.plan.dispatch.dispatch_rule)
        if inbound_id:
            rule.trunk_ids[:] = [inbound_id]
        if inv.rules:
            prev = inv.rules[0]
            rule.sip_dispatch_rule_id = prev.sip_dispatch_rule_id
            await self.mutate(Entry("dispatch_rule", "dispatch", "updated", prev.sip_dispatch_rule_id, prev),
                              self.api.sip.update_dispatch_rule(prev.sip_dispatch_rule_id, rule))
            return prev.sip_dispatch_rule_id
        info = await self.mutate(Entry("dispatch_rule", "dispatch", "created", ""),
                                 self.api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=rule)),
                                 self._created("dispatch_rule", "dispatch", lambda i: i.sip_dispatch_rule_id))
        return info.sip_dispatch_rule_id

    async def _attach(self, inv: Inventory, rule_id: str) -> None:
        assert self.numbers is not None and self.plan.attach_number
        previous = inv.number.dispatch_rule_ids[0] if inv.number and inv.number.dispatch_rule_ids else ""
        if previous == rule_id:
            return  # already attached (a repeated registration): nothing to change or undo
        await self.mutate(Entry("attach_number", "number", "attached", self.plan.attach_number, previous),
                          self.numbers.attach(self.plan.attach_number, rule_id))

    async def _remove_leftovers(self, inv: Inventory) -> None:
        """Our objects the new plan no longer needs (outbound switched off, duplicates left by an
        earlier interrupted run): deleted last, after everything else succeeded."""
        p = self.plan
        doomed: list[tuple[str, Any]] = []
        doomed += [("inbound", t) for t in (inv.inbound[1:] if p.inbound else inv.inbound)]
        doomed += [("outbound", t) for t in (inv.outbound[1:] if p.outbound else inv.outbound)]
        doomed += [("dispatch", r) for r in inv.rules[1:]]
        jobs = [self.mutate(Entry(None, kind, "deleted", object_id(kind, obj), obj),
                            delete_request(self.api, kind, object_id(kind, obj)))
                for kind, obj in doomed]
        if jobs:
            await gather_all(jobs)

    def _created(self, step: str, kind: str, get_id: Callable[[Any], str]) -> Callable[[Any], None]:
        def record(info: Any) -> None:
            self.journal.append(Entry(step, kind, "created", get_id(info)))
        return record


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
