"""The inventory of a LiveKit project by phone number: what the registrations table shows.

`build_inventory(objects)` sorts one read of the project (ProjectObjects) into entries, one per
number (inventory_grouping.py says which object goes where), each marked
- `ok`: every trunk and rule carries phonewizard's marker and the set is complete;
- `incomplete`: phonewizard's, but something is missing or left over (an interrupted run: a
  trunk without its rule, a LiveKit number not attached, a duplicate) — `problems` says what;
- `foreign`: at least one trunk or rule was made without phonewizard (by hand, in the dashboard,
  with `lk`); `origin` says whether all of them (`foreign`) or some (`mixed`).
Objects that serve no single number (catch-all rules, trunks without numbers, rules whose trunks
are gone, unattached LiveKit numbers) are listed apart, with why they matter.

Building the inventory is cheap (no validation); `entry.reverse(profile)` rebuilds one entry's
`phonewizard/1` document on demand (reverse.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.inventory_grouping import (
    APART_REASONS,
    ApartReason,
    Group,
    group_objects,
    object_id,
    read_markers,
)
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.livekit_objects import PhoneNumberInfo, ProjectObjects, RegistrationObjects
from phonewizard.domain.naming import Marker
from phonewizard.domain.provider_detect import PROVIDER_IDS, recognise_provider
from phonewizard.domain.reverse import Reconstruction, reverse
from phonewizard.domain.reverse_notices import Origin

State = Literal["ok", "incomplete", "foreign"]
ObjectKind = Literal["inbound_trunk", "outbound_trunk", "dispatch_rule", "livekit_number"]
KIND_WORDS = {"inbound_trunk": "inbound trunk", "outbound_trunk": "outbound trunk",
              "dispatch_rule": "dispatch rule", "livekit_number": "LiveKit number"}


@dataclass(frozen=True)
class ObjectRef:
    """One LiveKit object as the table and the confirmations name it. `shared_with`: the other
    numbers this object also serves (a hand-made rule for several trunks)."""

    kind: ObjectKind
    id: str
    name: str
    phonewizard: bool
    shared_with: tuple[str, ...] = ()

    def __str__(self) -> str:
        name = f" “{self.name}”" if self.name else ""
        return f"{KIND_WORDS[self.kind]} {self.id}{name}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "phonewizard": self.phonewizard,
                "shared_with": list(self.shared_with)}


@dataclass(frozen=True)
class InventoryEntry:
    """One number: what the registrations table shows, and the objects behind it."""

    phone_number: str  # as LiveKit normalises it (+ and digits)
    state: State
    origin: Origin
    carrier: str  # provider id: phonewizard's marker, else recognised (provider_detect.py)
    agent_names: tuple[str, ...]
    inbound: bool
    outbound: bool
    problems: tuple[str, ...]
    refs: tuple[ObjectRef, ...]
    objects: RegistrationObjects = field(repr=False, compare=False)

    @property
    def agent_name(self) -> str | None:
        return self.agent_names[0] if self.agent_names else None

    def reverse(self, profile: LiveKitProfile | Mapping[str, Any]) -> Reconstruction:
        """The `phonewizard/1` document rebuilt from this entry's objects (reverse.py)."""
        return reverse(self.objects, profile)

    def to_json(self) -> dict[str, Any]:
        return {"phone_number": self.phone_number, "state": self.state, "origin": self.origin,
                "carrier": self.carrier, "agent_names": list(self.agent_names), "inbound": self.inbound,
                "outbound": self.outbound, "problems": list(self.problems),
                "objects": [r.to_json() for r in self.refs]}


@dataclass(frozen=True)
class ApartObject:
    """An object that serves no single number; `message` says why it matters."""

    ref: ObjectRef
    reason: ApartReason
    message: str

    def to_json(self) -> dict[str, Any]:
        return {**self.ref.to_json(), "reason": self.reason, "message": self.message}


@dataclass(frozen=True)
class ProjectInventory:
    entries: tuple[InventoryEntry, ...]
    apart: tuple[ApartObject, ...]
    numbers_readable: bool  # False: the server has no PhoneNumberService (self-hosted)
    _index: dict[str, InventoryEntry] = field(default_factory=dict, repr=False, compare=False)

    def entry_for(self, number: str) -> InventoryEntry | None:
        """The entry for a number in any spelling LiveKit treats as the same (`+1 415…`, `1415…`)."""
        return self._index.get(normalize_number(number.strip()))

    def counts(self) -> dict[str, int]:
        out = {"ok": 0, "incomplete": 0, "foreign": 0}
        for e in self.entries:
            out[e.state] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {"entries": [e.to_json() for e in self.entries], "apart": [a.to_json() for a in self.apart],
                "numbers_readable": self.numbers_readable}


def reverse_entry(entry: InventoryEntry, profile: LiveKitProfile | Mapping[str, Any]) -> Reconstruction:
    return entry.reverse(profile)


def build_inventory(objects: ProjectObjects) -> ProjectInventory:
    markers = read_markers(objects)
    groups, apart = group_objects(objects, markers)
    homes: dict[str, list[str]] = {}
    for key, g in groups.items():
        for obj in (*g.inbound, *g.outbound, *g.rules, *g.numbers):
            homes.setdefault(object_id(obj), []).append(key)
    catch_alls = [object_id(a.obj) for a in apart if a.reason == "catch_all_rule"]
    entries = tuple(_entry(groups[k], markers, homes, catch_alls, objects.numbers_readable) for k in sorted(groups))
    shown_apart = tuple(ApartObject(_ref(a.kind, a.obj, object_id(a.obj) in markers, homes, ""),  # type: ignore[arg-type]
                                    a.reason, _apart_message(a.reason, a.obj, homes)) for a in apart)
    return ProjectInventory(entries, shown_apart, objects.numbers_readable, {e.phone_number: e for e in entries})


def _name(obj: Any) -> str:
    return obj.phone_number if isinstance(obj, PhoneNumberInfo) else obj.name


def _ref(kind: ObjectKind, obj: Any, ours: bool, homes: dict[str, list[str]], key: str) -> ObjectRef:
    oid = object_id(obj)
    shared = tuple(k for k in homes.get(oid, ()) if k != key)
    return ObjectRef(kind, oid, _name(obj), ours, shared)


def _apart_message(reason: str, obj: Any, homes: dict[str, list[str]]) -> str:
    message = APART_REASONS[reason]
    numbers = homes.get(object_id(obj))
    if numbers:
        message += f"; it is also the rule of LiveKit number {', '.join(numbers)}"
    return message


def _entry(g: Group, all_markers: dict[str, Marker], homes: dict[str, list[str]], catch_alls: list[str],
           numbers_readable: bool) -> InventoryEntry:
    key = g.key
    made = [*g.inbound, *g.outbound, *g.rules]
    # Ours = marked for this very number (a rule marked for another number is a stranger here).
    markers = {oid: m for o in made if (m := all_markers.get(oid := object_id(o))) is not None
               and (m.phone_number == key or normalize_number(m.phone_number) == key)}
    refs = tuple(_ref(kind, o, object_id(o) in markers, homes, key)  # type: ignore[arg-type]
                 for kind, items in (("inbound_trunk", g.inbound), ("outbound_trunk", g.outbound),
                                     ("dispatch_rule", g.rules), ("livekit_number", g.numbers))
                 for o in items)
    origin: Origin = "phonewizard" if len(markers) == len(made) else "foreign" if not markers else "mixed"
    carrier = _carrier(g, list(markers.values()))
    agents = tuple(dict.fromkeys(a.agent_name for r in g.rules for a in r.room_config.agents if a.agent_name))
    agents = agents or tuple(dict.fromkeys(m.agent_name for m in markers.values()))
    problems = _problems(g, carrier, markers, catch_alls, numbers_readable)
    problems += [f"{r} also serves {', '.join(r.shared_with)}" for r in refs if r.shared_with and not r.phonewizard]
    state: State = "foreign" if origin != "phonewizard" else "incomplete" if problems else "ok"
    objects = RegistrationObjects(key, tuple(g.inbound), tuple(g.outbound), tuple(g.rules), tuple(g.numbers))
    return InventoryEntry(key, state, origin, carrier, agents, bool(g.inbound or g.numbers), bool(g.outbound),
                          tuple(problems), refs, objects)


def _carrier(g: Group, markers: list[Marker]) -> str:
    for m in markers:
        if m.provider in PROVIDER_IDS:
            return m.provider  # type: ignore[return-value]
    if not g.inbound and not g.outbound:
        return "livekit"  # only a rule (and maybe a LiveKit number) serves it
    outbound = g.outbound[0].address if g.outbound else None
    return recognise_provider(outbound, [t.headers for t in (*g.inbound, *g.outbound)],
                              g.inbound[0].allowed_addresses if g.inbound else ()).provider


def _problems(g: Group, carrier: str, markers: dict[str, Marker], catch_alls: list[str],
              numbers_readable: bool) -> list[str]:
    problems: list[str] = []
    for items, words in ((g.inbound, "inbound trunks"), (g.outbound, "outbound trunks"), (g.rules, "dispatch rules")):
        if len(items) > 1:
            problems.append(f"{len(items)} {words} serve this number ({', '.join(object_id(o) for o in items)}); "
                            "one is expected")
    fallback = (f", unless the catch-all rule {', '.join(catch_alls)} takes them" if catch_alls else "")
    if carrier == "livekit":
        if not g.rules:
            problems.append("no dispatch rule: calls to the number reach no agent")
        if not numbers_readable:
            problems.append("this server has no LiveKit numbers (self-hosted), so calls to a LiveKit number cannot arrive")
        elif not g.numbers:
            problems.append("the number is not among this project's LiveKit numbers")
        elif g.rules and not any(r.sip_dispatch_rule_id in n.dispatch_rule_ids for n in g.numbers for r in g.rules):
            problems.append("the LiveKit number is not attached to the dispatch rule: calls are not routed to it")
    else:
        trunk_ids = {t.sip_trunk_id for t in g.inbound}
        if not g.inbound:
            problems.append("no inbound trunk: calls to the number are not accepted")
        elif not any(not r.trunk_ids or trunk_ids & set(r.trunk_ids) for r in g.rules):
            ids = ", ".join(sorted(trunk_ids))
            problems.append(f"no dispatch rule for inbound trunk {ids}: calls to it are dropped{fallback}")
        for r in g.rules:
            if r.trunk_ids and not trunk_ids & set(r.trunk_ids) and r.sip_dispatch_rule_id in markers:
                problems.append(f"dispatch rule {r.sip_dispatch_rule_id} names trunk(s) that no longer exist "
                                f"({', '.join(r.trunk_ids)})")
    if any(not r.room_config.agents for r in g.rules):
        problems.append("a dispatch rule names no agent: calls go to any agent that registered without "
                        "a name (automatic dispatch)")
    agents = sorted({m.agent_name for m in markers.values()})
    if len(agents) > 1:
        problems.append(f"phonewizard's objects for this number name different agents: {', '.join(agents)}")
    return problems
