"""The conflict check: sort what LiveKit already has into "ours" (to update), "in the way"
(a conflict) and "unrelated", and the two errors a registration can end with besides the
mapped LiveKit errors (both defined in services/errors.py, re-exported here).

Ours = carries the phonewizard marker for this number and this agent (or any agent with
`take_over`), or its ID is in `adopt`: objects made outside phonewizard (by hand, the dashboard,
`lk`) that the user confirmed phonewizard may take over; they are then updated in place like ours
(the marker is added) and, on failure, restored exactly as they were (registrar_rollback.py).
Within each kind phonewizard's own objects come first (the first one is updated), adopted ones
after. In the way = holds this number but is not ours: a trunk or rule without the marker, one
marked for another number, or one marked for this number by another agent. Nothing is created
when anything is in the way, so the user decides (delete it, take it over or adopt it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import Marker, parse_marker
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.services.errors import Conflict, PartialRollback, RegistrationConflict
from phonewizard.services.phone_number_service import PhoneNumberInfo

__all__ = ["Conflict", "Inventory", "PartialRollback", "RegistrationConflict", "classify"]


@dataclass
class Inventory:
    # Ours; [0] is updated. Trunks as LiveKit lists them may hold their SIP password: no repr.
    inbound: list[SIPInboundTrunkInfo] = field(default_factory=list, repr=False)
    outbound: list[SIPOutboundTrunkInfo] = field(default_factory=list, repr=False)
    rules: list[SIPDispatchRuleInfo] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    known_ids: set[str] = field(default_factory=set)  # everything that existed before this run
    number: PhoneNumberInfo | None = None


def _ours(marker: Marker | None, phone: str, agent: str, take_over: bool) -> bool | None:
    """True ours, False marked for this number by another agent, None not marked for it."""
    if marker is None or normalize_number(marker.phone_number) != phone:
        return None
    return marker.agent_name == agent or take_over


def _ours_first(items: list, adopt: frozenset[str], get_id: Callable[[object], str]) -> None:
    """phonewizard's own objects before adopted ones (stable otherwise): the first is updated."""
    items.sort(key=lambda o: get_id(o) in adopt)


def _foreign_reason(marker: Marker | None, what: str) -> str:
    if marker is not None:
        return f"(phonewizard's, for {marker.phone_number}) {what}"
    return what


def classify(
    p: RegistrationPlan,
    inbound: Sequence[SIPInboundTrunkInfo],
    outbound: Sequence[SIPOutboundTrunkInfo],
    rules: Sequence[SIPDispatchRuleInfo],
    *,
    take_over: bool = False,
    number: PhoneNumberInfo | None = None,
    adopt: frozenset[str] = frozenset(),
) -> Inventory:
    phone = normalize_number(p.phone_number)
    inv = Inventory(number=number)
    wanted_in = {normalize_number(n) for n in p.inbound.trunk.numbers} if p.inbound else set()
    wanted_out = {normalize_number(n) for n in p.outbound.trunk.numbers} if p.outbound else set()
    foreign_trunks: set[str] = set()

    def other_agent(kind: str, obj_id: str, name: str, m: Marker) -> None:
        inv.conflicts.append(Conflict(kind, obj_id, name,
                                      f"is registered by phonewizard for agent “{m.agent_name}”",
                                      other_agent=m.agent_name))

    for t in inbound:
        inv.known_ids.add(t.sip_trunk_id)
        m = parse_marker(t.metadata)
        mine = t.sip_trunk_id in adopt or _ours(m, phone, p.agent_name, take_over)
        if mine:
            inv.inbound.append(t)
        elif mine is False:
            other_agent("inbound trunk", t.sip_trunk_id, t.name, m)  # type: ignore[arg-type]
        elif held := sorted(wanted_in & {normalize_number(n) for n in t.numbers}):
            foreign_trunks.add(t.sip_trunk_id)
            inv.conflicts.append(Conflict("inbound trunk", t.sip_trunk_id, t.name,
                                          _foreign_reason(m, f"already accepts calls to {', '.join(held)}")))
    for t in outbound:
        inv.known_ids.add(t.sip_trunk_id)
        m = parse_marker(t.metadata)
        mine = t.sip_trunk_id in adopt or _ours(m, phone, p.agent_name, take_over)
        if mine:
            inv.outbound.append(t)
        elif mine is False:
            other_agent("outbound trunk", t.sip_trunk_id, t.name, m)  # type: ignore[arg-type]
        elif held := sorted(wanted_out & {normalize_number(n) for n in t.numbers}):
            inv.conflicts.append(Conflict("outbound trunk", t.sip_trunk_id, t.name,
                                          _foreign_reason(m, f"already places calls as {', '.join(held)}")))
    _ours_first(inv.inbound, adopt, lambda t: t.sip_trunk_id)
    _ours_first(inv.outbound, adopt, lambda t: t.sip_trunk_id)
    our_trunks = {t.sip_trunk_id for t in inv.inbound}
    for r in rules:
        inv.known_ids.add(r.sip_dispatch_rule_id)
        m = parse_marker(r.metadata)
        rid, trunks = r.sip_dispatch_rule_id, set(r.trunk_ids)
        mine = rid in adopt or _ours(m, phone, p.agent_name, take_over)
        if mine:
            inv.rules.append(r)
        elif mine is False:
            other_agent("dispatch rule", rid, r.name, m)  # type: ignore[arg-type]
        elif phone in {normalize_number(n) for n in r.numbers}:
            inv.conflicts.append(Conflict("dispatch rule", rid, r.name,
                                          _foreign_reason(m, f"already routes calls to {p.phone_number}")))
        elif trunks & our_trunks:
            # A second rule for our trunk would collide with ours (same trunk, no PIN, §2).
            held = sorted(trunks & our_trunks)
            whose = "the adopted trunk" if set(held) <= adopt else "phonewizard's trunk"
            inv.conflicts.append(Conflict("dispatch rule", rid, r.name, f"was added to {whose} {', '.join(held)}"))
        elif trunks & foreign_trunks:
            inv.conflicts.append(Conflict("dispatch rule", rid, r.name,
                                          f"dispatches the calls of trunk {', '.join(sorted(trunks & foreign_trunks))}"))
    _ours_first(inv.rules, adopt, lambda r: r.sip_dispatch_rule_id)
    if number is not None:
        mine_rules = {r.sip_dispatch_rule_id for r in inv.rules}
        existing = {r.sip_dispatch_rule_id for r in rules}
        stolen = [rid for rid in number.dispatch_rule_ids if rid in existing and rid not in mine_rules]
        claimed = {c.id for c in inv.conflicts}
        for rid in stolen:
            if rid not in claimed:
                inv.conflicts.append(Conflict("phone number", p.phone_number, "",
                                              f"is attached to dispatch rule {rid}, which phonewizard did not make"))
    return inv
