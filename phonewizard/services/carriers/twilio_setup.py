"""Set up Twilio Elastic SIP Trunking for one number: the check, then the changes, all or nothing.

`check(client, plan)` only reads (trunks, the number, the chosen trunk's origination URLs and
credential lists, in two concurrent round trips) and decides which trunk to use: the one given in
provider_config, else phonewizard's own (by name), else the account's trunk that already has the
termination domain (reused, not made by us), else a new one. It raises CarrierConflict — before
LiveKit is touched — when the number is on another trunk (unless move_number) or the domain is held
by another of the account's trunks. `apply(...)` makes the changes through the journal; leftovers
(credential lists and origination URLs of earlier runs) go last, after everything else succeeded.

Passwords cannot be read back from Twilio, so a changed credential could not be restored: a repeat
run makes a new credential list, attaches it, and only then removes the old one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from phonewizard.domain.carrier_plan import MARKER, TwilioPlan
from phonewizard.services.carriers.errors import CarrierConflict, CarrierRefused
from phonewizard.services.carriers.journal import Journal, Undo, delete_for_sweep
from phonewizard.services.carriers.twilio_client import TWILIO, TwilioCredentials, call


@dataclass
class TwilioFound:
    """What the check found. `trunk` None: a new one is created."""

    trunk: Any = None
    trunk_is_ours: bool = False
    number_sid: str = ""
    number_trunk_sid: str | None = None
    origination: list[Any] = field(default_factory=list)  # the chosen trunk's
    credential_lists: list[Any] = field(default_factory=list)  # attached to the chosen trunk
    notes: list[str] = field(default_factory=list)  # what will change, in words
    known: set[str] = field(default_factory=set)  # SIDs that existed before the run (for the sweep)


@dataclass
class TwilioOutcome:
    trunk_sid: str
    domain_name: str | None
    credential_list_sid: str | None
    origination_sids: list[str]
    phone_number_sid: str
    warnings: list[str] = field(default_factory=list)


class TwilioSetup:
    def __init__(self, client: Any, credentials: TwilioCredentials, plan: TwilioPlan, timeout: float) -> None:
        self.client, self.credentials, self.plan, self.timeout = client, credentials, plan, timeout
        self.trunks = client.trunking.v1.trunks
        self.account = client.api.v2010.accounts(credentials.account_sid)

    def _call(self, awaitable: Any) -> Any:
        return call(awaitable, self.credentials, self.timeout)

    # ---- the check -----------------------------------------------------------------------
    async def check(self) -> TwilioFound:
        p = self.plan
        trunks, numbers, lists = await asyncio.gather(
            self._call(self.trunks.list_async()),
            self._call(self.account.incoming_phone_numbers.list_async(phone_number=p.phone_number)),
            self._call(self.account.sip.credential_lists.list_async()))
        found, reasons, kinds = TwilioFound(), [], []
        found.known = {t.sid for t in trunks} | {c.sid for c in lists}
        by_sid = {t.sid: t for t in trunks}
        if p.trunk_sid:
            if p.trunk_sid not in by_sid:
                raise CarrierRefused(TWILIO, f"Twilio has no trunk {p.trunk_sid} in account "
                                             f"{self.credentials.account_sid}: check provider_config.carrier_setup.trunk_sid.",
                                     code="no_trunk", status=404)
            found.trunk = by_sid[p.trunk_sid]
        else:
            ours = [t for t in trunks if t.friendly_name == p.trunk_name]
            same_domain = [t for t in trunks if p.domain_name and t.domain_name == p.domain_name]
            found.trunk = (ours or same_domain or [None])[0]
            found.trunk_is_ours = bool(ours)
        if found.trunk is not None and not found.trunk_is_ours:
            found.notes.append(f"reuses your trunk {found.trunk.sid} “{found.trunk.friendly_name}” (not made by phonewizard)")
        if p.domain_name:
            holder = next((t for t in trunks if t.domain_name == p.domain_name
                           and (found.trunk is None or t.sid != found.trunk.sid)), None)
            if holder is not None:
                reasons.append(f"the termination domain {p.domain_name} belongs to your trunk {holder.sid} "
                               f"“{holder.friendly_name}”: use that trunk (carrier_setup.trunk_sid) or another name")
                kinds.append("domain_held")
        if not numbers:
            raise CarrierRefused(TWILIO, f"{p.phone_number} is not a phone number of Twilio account "
                                         f"{self.credentials.account_sid}: buy or port it there first, or check the account.",
                                 code="number_not_owned", status=404)
        number = numbers[0]
        found.number_sid, found.number_trunk_sid = number.sid, number.trunk_sid or None
        chosen = found.trunk.sid if found.trunk is not None else None
        if found.number_trunk_sid and found.number_trunk_sid != chosen:
            other = by_sid.get(found.number_trunk_sid)
            name = f" “{other.friendly_name}”" if other is not None else ""
            if p.move_number:
                found.notes.append(f"moves {p.phone_number} from trunk {found.number_trunk_sid}{name}")
            else:
                reasons.append(f"{p.phone_number} is on trunk {found.number_trunk_sid}{name}; set "
                               "provider_config.carrier_setup.move_number to move it, or detach it in the Twilio Console")
                kinds.append("number_elsewhere")
        if reasons:
            raise CarrierConflict(TWILIO, reasons, kinds)
        if found.trunk is not None:
            context = self.trunks(found.trunk.sid)
            found.origination, found.credential_lists = await asyncio.gather(
                self._call(context.origination_urls.list_async()), self._call(context.credentials_lists.list_async()))
            found.known |= {u.sid for u in found.origination}
        return found

    async def sweep(self, found: TwilioFound, trunk_sid: str | None) -> list[str]:
        """After a creation got no answer: delete what carries our names and was not there before."""
        p = self.plan
        trunks, lists = await asyncio.gather(self._call(self.trunks.list_async()),
                                             self._call(self.account.sip.credential_lists.list_async()))
        doomed = [(self.trunks(t.sid), f"{t.sid} (Twilio trunk)") for t in trunks
                  if t.friendly_name == p.trunk_name and t.sid not in found.known]
        doomed += [(self.account.sip.credential_lists(c.sid), f"{c.sid} (Twilio credential list)") for c in lists
                   if c.friendly_name == p.credential_list_name and c.sid not in found.known]
        if trunk_sid and trunk_sid in found.known:
            urls = await self._call(self.trunks(trunk_sid).origination_urls.list_async())
            names = {r.name for r in p.routes}
            doomed += [(self.trunks(trunk_sid).origination_urls(u.sid), f"{u.sid} (Twilio origination URL)")
                       for u in urls if u.friendly_name in names and u.sid not in found.known]
        return await delete_for_sweep((label, partial(self._call_delete, item)) for item, label in doomed)

    # ---- the changes ---------------------------------------------------------------------
    async def apply(self, found: TwilioFound, journal: Journal) -> TwilioOutcome:
        p = self.plan
        chosen = found.trunk.sid if found.trunk is not None else None
        journal.sweep = lambda: self.sweep(found, chosen)
        trunk_sid = await journal.in_step("carrier_trunk", self._trunk(found, journal))
        context = self.trunks(trunk_sid)
        origination = await journal.in_step("carrier_origination", self._origination(found, context, journal))
        list_sid = None
        if p.credential_list_name:
            list_sid = await journal.in_step("carrier_credentials", self._credentials(context, journal))
        await journal.in_step("carrier_number", self._number(found, trunk_sid, context, journal))
        outcome = TwilioOutcome(trunk_sid, p.domain_name or (found.trunk.domain_name if found.trunk else None),
                                list_sid, origination, found.number_sid)
        outcome.warnings = await self._leftovers(found, context, list_sid)
        return outcome

    async def _trunk(self, found: TwilioFound, journal: Journal) -> str:
        p = self.plan
        if found.trunk is None:
            kwargs: dict[str, Any] = {"friendly_name": p.trunk_name, "secure": p.secure}
            if p.domain_name:
                kwargs["domain_name"] = p.domain_name
            if p.transfer_mode:
                kwargs["transfer_mode"] = p.transfer_mode
            try:
                trunk = await journal.change(self._call(self.trunks.create_async(**kwargs)), undo_after=lambda t: Undo(
                    f"{t.sid} (Twilio trunk)", partial(self._call_delete, self.trunks(t.sid)), deletes=True))
            except CarrierRefused as exc:
                if exc.code == "21248":
                    raise CarrierRefused(TWILIO, f"Twilio refused the termination domain {p.domain_name}: another "
                                                 "Twilio account has taken it (Twilio error 21248). Choose another "
                                                 "name for outbound_address (the part before .pstn.twilio.com).",
                                         code="21248", status=exc.status) from None
                raise
            return trunk.sid
        t = found.trunk
        wanted: dict[str, Any] = {}
        if found.trunk_is_ours and t.friendly_name != p.trunk_name:
            wanted["friendly_name"] = p.trunk_name
        if p.domain_name and t.domain_name != p.domain_name:
            wanted["domain_name"] = p.domain_name
        if p.transfer_mode and t.transfer_mode != p.transfer_mode:
            wanted["transfer_mode"] = p.transfer_mode
        if p.secure and not t.secure:
            wanted["secure"] = True
        if wanted:
            previous = {k: getattr(t, k) for k in wanted}
            previous = {k: ("" if v is None else v) for k, v in previous.items()}
            context = self.trunks(t.sid)
            await journal.change(self._call(context.update_async(**wanted)), undo_first=Undo(
                f"{t.sid} (Twilio trunk, changed and not restored)", partial(self._call_update, context, previous)))
        return t.sid

    async def _origination(self, found: TwilioFound, context: Any, journal: Journal) -> list[str]:
        existing = {u.friendly_name: u for u in found.origination}
        sids = []
        for route in self.plan.routes:
            want = {"sip_url": route.sip_url, "priority": route.priority, "weight": 1, "enabled": True}
            current = existing.get(route.name)
            if current is None:
                made = await journal.change(
                    self._call(context.origination_urls.create_async(friendly_name=route.name, **want)),
                    undo_after=lambda u: Undo(f"{u.sid} (Twilio origination URL)",
                                              partial(self._call_delete, context.origination_urls(u.sid)), deletes=True))
                sids.append(made.sid)
                continue
            if any(getattr(current, k) != v for k, v in want.items()):
                item = context.origination_urls(current.sid)
                previous = {k: getattr(current, k) for k in want}
                await journal.change(self._call(item.update_async(**want)), undo_first=Undo(
                    f"{current.sid} (Twilio origination URL, changed and not restored)",
                    partial(self._call_update, item, previous)))
            sids.append(current.sid)
        return sids

    async def _credentials(self, context: Any, journal: Journal) -> str:
        p = self.plan
        lists = self.account.sip.credential_lists
        made = await journal.change(self._call(lists.create_async(friendly_name=p.credential_list_name)),
                                    undo_after=lambda c: Undo(f"{c.sid} (Twilio credential list)",
                                                              partial(self._call_delete, lists(c.sid)), deletes=True))
        await journal.change(self._call(lists(made.sid).credentials.create_async(username=p.username, password=p.password)))
        detach = Undo(f"{made.sid} (attached to the trunk's termination)",
                      partial(self._call_delete, context.credentials_lists(made.sid)), deletes=True)
        await journal.change(self._call(context.credentials_lists.create_async(credential_list_sid=made.sid)),
                             undo_after=lambda _: detach, undo_if_lost=detach)
        return made.sid

    async def _number(self, found: TwilioFound, trunk_sid: str, context: Any, journal: Journal) -> None:
        sid, old = found.number_sid, found.number_trunk_sid
        if old == trunk_sid:
            return  # already on this trunk (a repeat run): nothing to change or undo
        if old:
            previous = self.trunks(old).phone_numbers
            await journal.change(self._call(previous(sid).delete_async()), undo_first=Undo(
                f"{self.plan.phone_number} (moved off trunk {old}, not put back)",
                partial(self._call_reattach, previous, sid)))
        detach = Undo(f"{self.plan.phone_number} (attached to the trunk)",
                      partial(self._call_delete, context.phone_numbers(sid)), deletes=True)
        await journal.change(self._call(context.phone_numbers.create_async(phone_number_sid=sid)),
                             undo_after=lambda _: detach, undo_if_lost=detach)

    async def _leftovers(self, found: TwilioFound, context: Any, list_sid: str | None) -> list[str]:
        """Earlier runs' credential lists for this number and our origination URLs no longer
        planned: removed after success. A failure here is a warning: the set-up itself stands."""
        warnings = []
        prefix = f"{MARKER} {self.plan.phone_number} "
        stale_lists = [c for c in found.credential_lists if c.friendly_name.startswith(prefix) and c.sid != list_sid]
        names = {r.name for r in self.plan.routes}
        stale_urls = [u for u in found.origination if u.friendly_name.startswith(MARKER) and u.friendly_name not in names]
        for item in stale_lists:
            try:
                await self._call(context.credentials_lists(item.sid).delete_async())
                await self._call(self.account.sip.credential_lists(item.sid).delete_async())
            except CarrierRefused as exc:
                if exc.status != 404:
                    warnings.append(f"the old credential list {item.sid} could not be removed: {exc}")
            except Exception as exc:  # the set-up stands; say what is left
                warnings.append(f"the old credential list {item.sid} could not be removed: {exc}")
        for url in stale_urls:
            try:
                await self._call(context.origination_urls(url.sid).delete_async())
            except Exception as exc:
                warnings.append(f"the old origination URL {url.sid} could not be removed: {exc}")
        return warnings

    # ---- undo actions (each a fresh request) -----------------------------------------------
    def _call_delete(self, item: Any) -> Any:
        return self._call(item.delete_async())

    def _call_update(self, item: Any, values: dict[str, Any]) -> Any:
        return self._call(item.update_async(**values))

    def _call_reattach(self, numbers: Any, sid: str) -> Any:
        return self._call(numbers.create_async(phone_number_sid=sid))
