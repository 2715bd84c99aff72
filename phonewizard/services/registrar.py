"""The registrar: applies a RegistrationPlan to LiveKit, and lists / removes registrations.

`apply()` is all-or-nothing. It checks for conflicts first (one concurrent round trip), creates
the trunks concurrently, then the dispatch rule (it needs the inbound trunk's ID), then attaches a
LiveKit number — three round trips for a full registration (the minimum while the conflict check
comes before any creation). Local work stays off that path: one SIP-admin token is signed up
front, and the result's instructions are built while the conflict check is in flight. Objects
phonewizard made earlier for the same number and agent are updated in place instead of
duplicated. On any failure, including cancellation, everything this run created is deleted and
everything it changed is restored, shielded from further cancellation; the original error is then
raised (or `PartialRollback` listing what is left if the undo itself failed). See
docs/what-it-creates.md.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from pydantic import BaseModel, Field

from phonewizard.domain.naming import parse_marker
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.result import RegistrationResult
from phonewizard.services.livekit_client import (
    Connection,
    LiveKitAuthFailed,
    LiveKitError,
    LiveKitRefused,
    LiveKitUnreachable,
    guard,
    map_error,
    open_api,
)
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.errors import PartialUnregister
from phonewizard.services.registrar_inventory import Conflict, PartialRollback, RegistrationConflict
from phonewizard.services.registrar_removal import Removal, remove_all
from phonewizard.services.registrar_rollback import rollback
from phonewizard.services.registrar_run import Run, Tracking, list_all

log = logging.getLogger(__name__)

__all__ = [
    "Registrar", "RegisteredNumber", "Unregistered", "Conflict", "RegistrationConflict", "PartialRollback",
    "PartialUnregister", "LiveKitError", "LiveKitRefused", "LiveKitUnreachable", "LiveKitAuthFailed", "Tracking",
]


class RegisteredNumber(BaseModel):
    """One number phonewizard registered, as found in LiveKit by its marker."""

    phone_number: str
    agent_name: str
    provider: str | None = None
    inbound_trunk_ids: list[str] = Field(default_factory=list)
    outbound_trunk_ids: list[str] = Field(default_factory=list)
    dispatch_rule_ids: list[str] = Field(default_factory=list)


class Unregistered(BaseModel):
    """What `unregister` removed, and the SIP usernames our trunks for the number carried (they
    name the number's SIP-password entries in the keyring, which the caller may now forget)."""

    removed: list[str] = Field(default_factory=list)
    sip_usernames: set[str] = Field(default_factory=set)
    # A cancel (Ctrl-C, SIGTERM) arrived after the removal had started: it was completed first.
    interrupted: bool = False


class Registrar:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    async def apply(self, plan: RegistrationPlan, *, progress: Callable[[str, str], None] | None = None,
                    take_over: bool = False, tracking: Tracking | None = None,
                    after: Callable[[RegistrationResult], Awaitable[Any]] | None = None,
                    inspect: Callable[[list, list, list], None] | None = None,
                    adopt: frozenset[str] = frozenset()) -> RegistrationResult:
        """`tracking` (app/register.py passes it): the run's ID and journal, and the race rule.
        `after(result)`: more work that belongs to the same all-or-nothing run (the carrier's
        side): awaited once LiveKit's objects exist; if it fails or is cancelled, they are rolled
        back like any other failure, and its error is raised. `inspect(inbound, outbound, rules)`:
        shown the project's lists as the conflict check read them (keep it quick: it runs before
        the creations). `adopt`: IDs of objects made outside phonewizard that the user confirmed it
        may take over (registrar_inventory.py)."""
        return await guard(self.conn, self._apply(plan, progress, take_over, tracking, after, inspect, adopt))

    async def _apply(self, plan: RegistrationPlan, progress: Any, take_over: bool,
                     tracking: Tracking | None, after: Any, inspect: Any = None,
                     adopt: frozenset[str] = frozenset()) -> RegistrationResult:
        async with open_api(self.conn, sip_admin=True) as api:
            numbers = PhoneNumberClient(self.conn) if plan.attach_number else None
            try:
                run = Run(api, self.conn, plan, numbers, progress, take_over, tracking, adopt)
                run.inspect = inspect
                try:
                    result = await run.forward()
                    if after is not None:
                        await after(result)
                    return result
                except (Exception, asyncio.CancelledError) as exc:
                    try:
                        run.notify("rolling_back")
                    except Exception:  # the undo matters more than writing down that it started
                        log.debug("could not record the rollback's start", exc_info=True)
                    await self._undo(run, exc)
                    late = self._late_hint(run, exc)
                    if late is not None:
                        raise late from exc
                    raise
            finally:
                if numbers is not None:
                    await numbers.aclose()

    async def _undo(self, run: Run, cause: BaseException) -> None:
        """Roll back, shielded: a second cancel while undoing waits for the undo to finish."""
        task = asyncio.ensure_future(rollback(run))
        cancelled_again = False
        while not task.done():
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if task.done():
                    break
                cancelled_again = True
        outcome = task.result()
        for step in run.started:
            if step != "conflict_check" and step not in outcome.failed_steps:
                run.step(step, "rolled_back")
        if outcome.remaining or outcome.unknown:
            shown = map_error(cause, self.conn) or cause
            if isinstance(cause, asyncio.CancelledError):
                shown = None
            raise PartialRollback(run.plan.phone_number, outcome.remaining, shown,
                                  unknown=outcome.unknown) from cause
        if cancelled_again:
            raise asyncio.CancelledError()

    def _late_hint(self, run: Run, cause: BaseException) -> LiveKitUnreachable | None:
        """A change that got no answer may still be applied by LiveKit after the rollback looked:
        say so, and how to clean up (such an object carries our marker, so both commands find it)."""
        mapped = map_error(cause, self.conn) if run.uncertain else None
        if not isinstance(mapped, LiveKitUnreachable):
            return None
        number = run.plan.phone_number
        return LiveKitUnreachable(
            f"{mapped} Everything this run could see was undone, but a request got no answer: if "
            f"LiveKit still applies it, `phonewizard unregister {number}` removes the object and "
            "registering again reuses it."
        )

    async def list_registrations(self) -> list[RegisteredNumber]:
        async def work() -> list[RegisteredNumber]:
            async with open_api(self.conn, sip_admin=True) as api:
                inbound, outbound, rules = await list_all(api, self.conn)
            found: dict[str, RegisteredNumber] = {}
            for attr, id_attr, items in (("inbound_trunk_ids", "sip_trunk_id", inbound),
                                         ("outbound_trunk_ids", "sip_trunk_id", outbound),
                                         ("dispatch_rule_ids", "sip_dispatch_rule_id", rules)):
                for obj in items:
                    m = parse_marker(obj.metadata)
                    if m is None:
                        continue
                    entry = found.setdefault(normalize_number(m.phone_number), RegisteredNumber(
                        phone_number=m.phone_number, agent_name=m.agent_name, provider=m.provider))
                    entry.provider = entry.provider or m.provider
                    getattr(entry, attr).append(getattr(obj, id_attr))
            return sorted(found.values(), key=lambda r: r.phone_number)
        return await guard(self.conn, work())

    async def unregister(self, phone_number: str, *, tracking: Tracking | None = None) -> Unregistered:
        """Delete everything marked for this number (rules first, then trunks) and detach a
        LiveKit number from our rule. `removed` is empty when there was nothing.

        Once the removal has started it is finished even when cancelled (a half-removed number
        routes nowhere; re-creating what was removed would need secrets phonewizard never writes
        down); the result then says `interrupted`. When some deletions fail, `PartialUnregister`
        lists what was removed and what remains."""
        return await guard(self.conn, self._unregister(phone_number, tracking))

    async def _unregister(self, phone_number: str, tracking: Tracking | None) -> Unregistered:
        wanted = normalize_number(phone_number)
        async with open_api(self.conn, sip_admin=True) as api:
            inbound, outbound, rules = await list_all(api, self.conn)

            def ours(kind: str, items: list) -> list[tuple[str, Any]]:
                return [(kind, o) for o in items if (m := parse_marker(o.metadata)) is not None
                        and normalize_number(m.phone_number) == wanted]

            my_rules = ours("dispatch", rules)
            my_trunks = ours("inbound", inbound) + ours("outbound", outbound)
            removal = Removal(phone_number, my_rules, my_trunks, tracking)
            removal.notify("checked")
            rule_ids = {r.sip_dispatch_rule_id for _, r in my_rules}
            if any((parse_marker(r.metadata).provider == "livekit") or r.numbers for _, r in my_rules):
                await self._detach(phone_number, rule_ids)
            await remove_all(api, self.conn, removal)
        usernames = {t.auth_username for _, t in my_trunks if t.auth_username}
        return Unregistered(removed=removal.removed, sip_usernames=usernames, interrupted=removal.interrupted)

    async def _detach(self, phone_number: str, rule_ids: set[str]) -> None:
        async with PhoneNumberClient(self.conn) as numbers:
            try:
                info = await numbers.get(phone_number)
            except LiveKitRefused as exc:
                if exc.code == "unimplemented":
                    return  # not LiveKit Cloud: there is no number to detach
                raise
            if info is not None and rule_ids & set(info.dispatch_rule_ids):
                await numbers.attach(phone_number, "")

    async def test_connection(self) -> dict[str, int]:
        """Counts of what the project holds; raises the mapped errors when it cannot be read."""
        async def work() -> dict[str, int]:
            async with open_api(self.conn, sip_admin=True) as api:
                inbound, outbound, rules = await list_all(api, self.conn)
            numbers = {m.phone_number for o in (*inbound, *outbound, *rules)
                       if (m := parse_marker(o.metadata)) is not None}
            return {"inbound_trunks": len(inbound), "outbound_trunks": len(outbound),
                    "dispatch_rules": len(rules), "phonewizard_numbers": len(numbers)}
        return await guard(self.conn, work())

