"""One registration run: conflict check, create or update, and the undo journal.

Every change is written to the journal: updates and deletions *before* they are sent (so an
update whose answer was lost is still restored — restoring is idempotent), creations from inside
the request task as soon as LiveKit returns the new ID. Mutating requests run as shielded tasks:
a cancel never abandons a request half-way, the run waits for its answer and then undoes it.
When a request failed without a clear answer (timeout, dropped connection, 5xx) the rollback
re-lists LiveKit and also deletes any object marked for this number that did not exist before.
The rollback itself lives in `registrar_rollback.py`.

With `Tracking` (what app/register.py passes) the run also has an ID, stamped on every object
it writes (domain/naming.stamp_run), an observer told of every change before it is sent and when
it is answered (services/run_journal.py writes it to disk, for a crash), and it looks at LiveKit
again once its inbound trunk exists, to settle a race with another run for the same number
(services/registrar_race.py).
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from livekit.api import LiveKitAPI
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
    SIPOutboundTrunkInfo,
)

from phonewizard.domain.naming import stamp_run
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.result import RegistrationResult, complete_result, result_template
from phonewizard.services.concurrency import gather_all, while_waiting
from phonewizard.services.livekit_client import Connection, LiveKitRefused, is_definite_refusal, within
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.registrar_inventory import Inventory, RegistrationConflict, classify
from phonewizard.services.run_entries import Entry, Tracking
from phonewizard.services.sip_objects import delete_request, list_all, object_id
from phonewizard.services.step_progress import Progress, StepProgress

__all__ = ["Entry", "Run", "Tracking", "delete_request", "gather_all", "list_all", "object_id", "while_waiting"]


class Run(StepProgress):
    """One registration: its plan, what the conflict check found, the undo journal and the
    request tasks still to be awaited before undoing."""

    def __init__(self, api: LiveKitAPI, conn: Connection, plan: RegistrationPlan,
                 numbers: PhoneNumberClient | None, progress: Progress | None, take_over: bool,
                 tracking: Tracking | None = None, adopt: frozenset[str] = frozenset()) -> None:
        super().__init__(progress)
        self.api, self.conn, self.plan, self.numbers = api, conn, plan, numbers
        self.take_over, self.adopt = take_over, adopt
        self.journal: list[Entry] = []
        self.sent: list[Entry] = []  # every change sent, in order, creations included from the start
        self.tasks: list[asyncio.Task] = []
        self.uncertain = False  # some request may have changed LiveKit without telling us
        self.inventory = Inventory()
        self.run_id = tracking.run_id if tracking is not None else None
        self._observe = tracking.observe if tracking is not None else None
        self._observer_failure: BaseException | None = None
        self.look_again: asyncio.Task | None = None  # LiveKit listed after our first object exists
        self.written_before_look: set[str] = set()

    def written(self) -> set[str]:
        """IDs of objects this run has created or updated, as answered by LiveKit so far."""
        return {e.object_id for e in self.sent
                if e.action in ("created", "updated") and e.object_id and e.answered and e.state == "done"}

    def notify(self, event: str) -> None:
        """Tell the observer (the run journal); its failure propagates to the caller."""
        if self._observe is not None:
            self._observe(self, event)
        # Shown the project's lists as the conflict check read them (the doctor's checks use them
        # after the run, so registering costs no second read). Must be quick and never raise.
        self.inspect: Callable[[list, list, list], None] | None = None

    async def mutate(self, entry: Entry, request: Awaitable[Any],
                     on_success: Callable[[Any], None] | None = None) -> Any:
        """Send one change as a shielded task; `entry` is journaled first unless it is a creation
        (a creation is journaled by `on_success`, inside the task, the moment its ID is known)."""
        self.sent.append(entry)
        try:
            self.notify("sent")  # written down before it goes out: a crash after this finds it
        except BaseException:
            self.sent.remove(entry)
            close = getattr(request, "close", None)
            if close is not None:
                close()  # a coroutine never awaited would be reported as lost
            raise
        if entry.action != "created":
            self.journal.append(entry)

        async def run() -> Any:
            try:
                result = await within(self.conn, request)
            except BaseException as exc:
                entry.state = "failed" if is_definite_refusal(exc) else "unknown"
                if entry.state == "unknown":
                    self.uncertain = True
                self._answered(entry)
                raise
            if on_success is not None:
                on_success(result)
            self._answered(entry)
            return result

        task = asyncio.ensure_future(run())
        self.tasks.append(task)
        result = await asyncio.shield(task)
        if self._observer_failure is not None:
            raise self._observer_failure
        return result

    def _answered(self, entry: Entry) -> None:
        entry.answered = True
        try:
            self.notify("answered")
        except Exception as exc:  # raised by mutate once the request task is over
            self._observer_failure = exc

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
                if self.run_id is not None:
                    # Look again now that one object of ours exists, beside the rule's request (no
                    # extra round trip): what the race rule needs (registrar_race.py).
                    self.written_before_look = self.written()
                    self.look_again = asyncio.ensure_future(list_all(self.api, self.conn))
                    self.tasks.append(self.look_again)
            return inbound, await self.in_step("dispatch_rule", self._put_rule(inv, inbound))

        jobs = [inbound_then_rule()]
        if p.outbound is not None:
            jobs.append(self.in_step("outbound_trunk", self._put_outbound(inv)))
        results = await gather_all(jobs)
        inbound_id, rule_id = results[0]
        outbound_id = results[1] if p.outbound is not None else None
        if self.look_again is not None:
            from phonewizard.services.registrar_race import settle

            await settle(self, await self.look_again, self.written_before_look)
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
        if self.inspect is not None:
            self.inspect(inbound, outbound, rules)
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
        self.inventory = inv
        self.notify("checked")
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
        if self.run_id is not None:
            trunk.metadata = stamp_run(trunk.metadata, self.run_id)
        if existing:
            prev = existing[0]
            trunk.sip_trunk_id = prev.sip_trunk_id
            await self.mutate(Entry(step, role, "updated", prev.sip_trunk_id, prev,
                                    password_changed=prev.auth_password != trunk.auth_password),
                              update(prev.sip_trunk_id, trunk))
            return prev.sip_trunk_id
        entry = Entry(step, role, "created", "")
        info = await self.mutate(entry, create(trunk), self._created(entry, lambda i: i.sip_trunk_id))
        return info.sip_trunk_id

    async def _put_rule(self, inv: Inventory, inbound_id: str | None) -> str:
        rule = SIPDispatchRuleInfo()
        rule.CopyFrom(self.plan.dispatch.dispatch_rule)
        if self.run_id is not None:
            rule.metadata = stamp_run(rule.metadata, self.run_id)
        if inbound_id:
            rule.trunk_ids[:] = [inbound_id]
        if inv.rules:
            prev = inv.rules[0]
            rule.sip_dispatch_rule_id = prev.sip_dispatch_rule_id
            await self.mutate(Entry("dispatch_rule", "dispatch", "updated", prev.sip_dispatch_rule_id, prev),
                              self.api.sip.update_dispatch_rule(prev.sip_dispatch_rule_id, rule))
            return prev.sip_dispatch_rule_id
        entry = Entry("dispatch_rule", "dispatch", "created", "")
        info = await self.mutate(entry,
                                 self.api.sip.create_dispatch_rule(CreateSIPDispatchRuleRequest(dispatch_rule=rule)),
                                 self._created(entry, lambda i: i.sip_dispatch_rule_id))
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

    def _created(self, entry: Entry, get_id: Callable[[Any], str]) -> Callable[[Any], None]:
        def record(info: Any) -> None:
            entry.object_id = get_id(info)
            self.journal.append(entry)
        return record
