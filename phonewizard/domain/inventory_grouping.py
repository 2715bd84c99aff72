"""Sorting a project's trunks, rules and LiveKit numbers by the phone number each one serves.

The rules, in order (inventory.py builds the entries from the groups):
1. An object carrying phonewizard's marker belongs to the number in its marker.
2. A hand-made inbound trunk belongs to its first number (its other numbers are that
   registration's `trunk_numbers`); one without numbers accepts any number: set apart.
3. A hand-made rule belongs to the numbers of the trunks it names (to each of them when several:
   it is then shared); with no trunks, to the numbers in its called-number filter; with neither it
   is a catch-all: set apart. A rule naming only trunks that are gone, or only trunks without
   numbers, is set apart too.
4. A hand-made outbound trunk belongs to the first of its numbers that already has a group, else
   to its first number.
5. A LiveKit number belongs to itself and pulls in the rules it is attached to; one attached to no
   existing rule, with nothing else for it, is set apart. Released numbers are left out.
Objects set apart matter because they change where calls go (see `APART_REASONS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from livekit.protocol.sip import SIPDispatchRuleInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.livekit_objects import PhoneNumberInfo, ProjectObjects
from phonewizard.domain.naming import Marker, parse_marker

ApartReason = Literal["catch_all_rule", "wildcard_trunk", "rule_for_wildcard_trunk", "orphan_rule",
                      "outbound_without_numbers", "unassigned_number"]
APART_REASONS: dict[str, str] = {
    "catch_all_rule": "a dispatch rule without trunks or numbers: it takes the calls of every trunk "
                      "that has no rule of its own (on self-hosted LiveKit also calls no trunk accepted)",
    "wildcard_trunk": "an inbound trunk without numbers: it accepts calls to any number that no "
                      "other trunk claims, from the addresses or credentials it allows",
    "rule_for_wildcard_trunk": "a dispatch rule for an inbound trunk without numbers: it takes the "
                               "calls that trunk accepts, whatever number they were for",
    "orphan_rule": "a dispatch rule whose trunks no longer exist: it matches no call and can be deleted",
    "outbound_without_numbers": "an outbound trunk without caller numbers: it cannot place calls",
    "unassigned_number": "a LiveKit number attached to no dispatch rule: calls to it are not answered",
}


@dataclass
class Group:
    """The objects of one number (the key is the number as LiveKit normalises it)."""

    key: str
    inbound: list[Any] = field(default_factory=list)
    outbound: list[Any] = field(default_factory=list)
    rules: list[Any] = field(default_factory=list)
    numbers: list[PhoneNumberInfo] = field(default_factory=list)


@dataclass(frozen=True)
class Apart:
    kind: str  # inbound_trunk | outbound_trunk | dispatch_rule | livekit_number
    obj: Any
    reason: ApartReason


def object_id(obj: Any) -> str:
    """The LiveKit ID of a trunk, rule or LiveKit number (unique across all three: ST_/SDR_/PN_)."""
    if isinstance(obj, PhoneNumberInfo):
        return obj.id
    return obj.sip_dispatch_rule_id if isinstance(obj, SIPDispatchRuleInfo) else obj.sip_trunk_id


def read_markers(objects: ProjectObjects) -> dict[str, Marker]:
    """phonewizard's marker of every trunk and rule that has one, by object ID, parsed once."""
    found: dict[str, Marker] = {}
    for obj in (*objects.inbound, *objects.outbound, *objects.rules):
        m = parse_marker(obj.metadata)
        if m is not None:
            found[object_id(obj)] = m
    return found


def group_objects(objects: ProjectObjects, markers: dict[str, Marker]) -> tuple[dict[str, Group], list[Apart]]:
    groups: dict[str, Group] = {}
    apart: list[Apart] = []

    def marker_key(obj: Any) -> str | None:
        m = markers.get(object_id(obj))
        return normalize_number(m.phone_number) if m is not None else None

    def group(key: str) -> Group:
        found = groups.get(key)
        if found is None:
            found = groups[key] = Group(key)
        return found

    trunk_key: dict[str, str] = {}
    wildcard: set[str] = set()
    for t in objects.inbound:
        key = marker_key(t) or (normalize_number(t.numbers[0]) if t.numbers else None)
        if key is None:
            wildcard.add(t.sip_trunk_id)
            apart.append(Apart("inbound_trunk", t, "wildcard_trunk"))
            continue
        group(key).inbound.append(t)
        trunk_key[t.sip_trunk_id] = key

    rules_by_id = {}
    for r in objects.rules:
        rules_by_id[r.sip_dispatch_rule_id] = r
        key = marker_key(r)
        if key is not None:
            group(key).rules.append(r)
        elif r.trunk_ids:
            keys = dict.fromkeys(trunk_key[t] for t in r.trunk_ids if t in trunk_key)
            for k in keys:
                group(k).rules.append(r)
            if not keys:
                reason = "rule_for_wildcard_trunk" if wildcard & set(r.trunk_ids) else "orphan_rule"
                apart.append(Apart("dispatch_rule", r, reason))  # type: ignore[arg-type]
        elif r.numbers:
            for k in dict.fromkeys(normalize_number(n) for n in r.numbers):
                group(k).rules.append(r)
        else:
            apart.append(Apart("dispatch_rule", r, "catch_all_rule"))

    for t in objects.outbound:
        key = marker_key(t)
        if key is None:
            numbers = [normalize_number(n) for n in t.numbers]
            if not numbers:
                apart.append(Apart("outbound_trunk", t, "outbound_without_numbers"))
                continue
            key = next((n for n in numbers if n in groups), numbers[0])
        group(key).outbound.append(t)

    for n in objects.numbers:
        if n.released:
            continue
        key = normalize_number(n.phone_number)
        attached = [rules_by_id[i] for i in dict.fromkeys(n.dispatch_rule_ids) if i in rules_by_id]
        if key not in groups and not attached:
            apart.append(Apart("livekit_number", n, "unassigned_number"))
            continue
        g = group(key)
        g.numbers.append(n)
        present = {r.sip_dispatch_rule_id for r in g.rules}
        g.rules += [r for r in attached if r.sip_dispatch_rule_id not in present]
    return groups, apart
