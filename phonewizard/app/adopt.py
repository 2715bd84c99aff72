"""Adopt: bring a set-up made outside phonewizard (by hand, in LiveKit's dashboard, with `lk`)
under phonewizard's management, by registering a document for its number.

Registering normally refuses objects it did not make (a conflict). Adopting lets it update them
in place instead — phonewizard's marker and names are added, the settings become the document's —
but only the objects whose IDs the user confirmed, after being shown, object by object, what will
change (`Adoption.describe()`): every field whose value LiveKit applies differently
(domain/reverse_compare.differences), the new name, the metadata replaced by the marker, or that
the object will be deleted (a second trunk or rule for the number, or an outbound trunk the
document no longer wants). If the registration then fails, the registrar restores each adopted
object exactly as it was (a deleted one is created again, with a new ID).

`adoption_for(plan, project)` decides from one read (app/inventory.py), with the registrar's own
conflict check (`classify`), so the preview says what the run will do. Adopted by default: the
entry's objects not made by phonewizard and serving no other number. An object shared with another
number (a hand-made rule for several trunks) is left out (`left_out`): taking it over would take it
away from that number, so it stays a conflict the user resolves in LiveKit first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Literal

from livekit.protocol.sip import SIPDispatchRuleInfo

from phonewizard.domain.inventory import InventoryEntry, ObjectRef
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.reverse_compare import FieldChange, differences
from phonewizard.domain.reverse_trunks import shown
from phonewizard.app.inventory import Project
from phonewizard.services.errors import RegistrationConflict
from phonewizard.services.registrar_inventory import classify

__all__ = ["Adoption", "AdoptedObject", "adoptable", "adoption_for"]

NEW_TRUNK = "<the new inbound trunk>"


@dataclass(frozen=True)
class AdoptedObject:
    """One object the registration will take over, and what happens to it."""

    ref: ObjectRef
    action: Literal["update", "delete"]
    changes: tuple[FieldChange, ...] = ()
    name_after: str = ""
    metadata_before: str = ""

    def lines(self) -> list[str]:
        """The object, then one line per change (for the confirmation and the CLI)."""
        if self.action == "delete":
            return [f"{self.ref}: will be deleted (the registration does not need it)"]
        out = [f"{self.ref}: will be updated in place"]
        out += [f"  {c.path}: {_value(c.before)} → {_value(c.after)}" for c in self.changes]
        if self.name_after and self.name_after != self.ref.name:
            out.append(f"  name: {shown(self.ref.name)} → {shown(self.name_after)}")
        before = f"“{shown(self.metadata_before)}”" if self.metadata_before else "empty"
        out.append(f"  metadata: {before} → phonewizard's ownership marker")
        return out

    def to_json(self) -> dict[str, Any]:
        return {**self.ref.to_json(), "action": self.action,
                "changes": [{"field": c.path, "before": _plain(c.before), "after": _plain(c.after)}
                            for c in self.changes],
                "name_after": self.name_after}


@dataclass(frozen=True)
class Adoption:
    """What registering with `adopt=ids` will do to objects phonewizard did not make."""

    phone_number: str
    objects: tuple[AdoptedObject, ...]
    left_out: tuple[ObjectRef, ...] = ()  # foreign, shared with another number: not adopted

    @property
    def ids(self) -> frozenset[str]:
        """The IDs to pass as `RegistrationRequest.adopt` (exactly the objects listed)."""
        return frozenset(o.ref.id for o in self.objects)

    def describe(self) -> list[str]:
        if not self.objects:
            return [f"No objects made outside phonewizard serve {self.phone_number}: nothing to adopt."]
        count = len(self.objects)
        lines = [f"Adopting for {self.phone_number} {count} object{'s' if count > 1 else ''} made outside phonewizard:"]
        for obj in self.objects:
            lines += [f"  {line}" for line in obj.lines()]
        for ref in self.left_out:
            lines.append(f"  not adopted: {ref}, because it also serves {', '.join(ref.shared_with)}")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {"phone_number": self.phone_number, "objects": [o.to_json() for o in self.objects],
                "left_out": [r.to_json() for r in self.left_out]}


def adoptable(entry: InventoryEntry | None) -> tuple[list[ObjectRef], list[ObjectRef]]:
    """(adopted by default, left out): the entry's trunks and rules not made by phonewizard,
    split by whether they also serve another number."""
    if entry is None:
        return [], []
    foreign = [r for r in entry.refs if not r.phonewizard and r.kind != "livekit_number"]
    return [r for r in foreign if not r.shared_with], [r for r in foreign if r.shared_with]


def adoption_for(plan: RegistrationPlan, project: Project, *, take_over: bool = False,
                 only: Collection[str] | None = None) -> Adoption:
    """The adoption registering `plan` would make, from one read of the project. `only`: adopt
    these IDs of the entry (the wizard's confirmed choice) instead of every adoptable object.
    Raises RegistrationConflict when something would still be in the way (nothing is sent)."""
    entry = project.inventory.entry_for(plan.phone_number)
    chosen, left_out = adoptable(entry)
    if only is not None:
        wanted = set(only)
        chosen = [r for r in (*chosen, *left_out) if r.id in wanted]
        left_out = [r for r in left_out if r.id not in wanted]
    ids = frozenset(r.id for r in chosen)
    objects = project.objects
    numbers = entry.objects.numbers if entry is not None else ()
    inv = classify(plan, objects.inbound, objects.outbound, objects.rules, take_over=take_over,
                   number=numbers[0] if numbers else None, adopt=ids)
    if inv.conflicts:
        raise RegistrationConflict(plan.phone_number, inv.conflicts)
    refs = {r.id: r for r in chosen}
    inbound_id = inv.inbound[0].sip_trunk_id if inv.inbound and plan.inbound is not None else NEW_TRUNK
    fates: list[AdoptedObject] = []
    for items, request, kind in ((inv.inbound, plan.inbound, "inbound"), (inv.outbound, plan.outbound, "outbound"),
                                 (inv.rules, plan.dispatch, "dispatch")):
        for index, obj in enumerate(items):
            oid = obj.sip_dispatch_rule_id if kind == "dispatch" else obj.sip_trunk_id
            if oid not in refs:
                continue  # phonewizard's own: updated as on every registration
            if index > 0 or request is None:
                fates.append(AdoptedObject(refs[oid], "delete"))
                continue
            planned = _planned(kind, request, inbound_id if plan.inbound is not None else None)
            fates.append(AdoptedObject(refs[oid], "update", tuple(differences(obj, planned)),
                                       planned.name, obj.metadata))
    order = {r.id: i for i, r in enumerate(chosen)}
    fates.sort(key=lambda f: order[f.ref.id])
    return Adoption(plan.phone_number, tuple(fates), tuple(left_out))


def _planned(kind: str, request: Any, inbound_id: str | None) -> Any:
    """The object as the registrar will send it (registrar_run: trunk_ids set to the inbound trunk)."""
    if kind != "dispatch":
        return request.trunk
    rule = SIPDispatchRuleInfo()
    rule.CopyFrom(request.dispatch_rule)
    if inbound_id:
        rule.trunk_ids[:] = [inbound_id]
    return rule


def _value(value: Any) -> str:
    """A changed value as the confirmation shows it: empty ones say so."""
    return "(none)" if value in ("", None, [], {}) else shown(value)


def _plain(value: Any) -> Any:
    """A FieldChange value for JSON (bytes of a map entry are shown as text)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return shown(value)
