"""Remove one number's entry from the project: exactly the objects a confirmation listed.

`removal_for(entry, include_foreign=…)` says what would go: phonewizard's trunks and rules for
the number, plus — only when the user confirmed it — the ones made outside phonewizard; the LiveKit
number is never deleted (it is bought, not made) but detached from the rules that go. Objects that
also serve another number are named with it, because deleting them changes that number's calls too.
`Removal.describe()` is the confirmation's text.

`remove(connection, removal, store, profile_path, progress)` deletes those IDs and nothing else
(services/project_remover.py) and returns a `RemovalOutcome` that names what was removed and what
remains, with why. When every trunk of the number is gone its SIP passwords are forgotten from the
keyring, as `unregister` does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from phonewizard.domain.inventory import InventoryEntry, ObjectRef
from phonewizard.services.forget import Forgotten, forget_sip_passwords, usernames_in_profile
from phonewizard.services.secret_store import SecretStore

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection

__all__ = ["Removal", "RemovalOutcome", "remove", "removal_for"]


@dataclass(frozen=True)
class Removal:
    """What removing an entry deletes (`objects`), detaches (`numbers`) and leaves (`kept`)."""

    phone_number: str
    objects: tuple[ObjectRef, ...]
    numbers: tuple[ObjectRef, ...] = ()  # LiveKit numbers detached from the rules deleted
    kept: tuple[ObjectRef, ...] = ()  # not made by phonewizard and not confirmed: left alone
    usernames: frozenset[str] = field(default=frozenset(), repr=False)  # on the trunks deleted
    _detach: tuple[tuple[str, str], ...] = ()  # (phone number, rule it keeps or "")

    @property
    def empty(self) -> bool:
        return not self.objects and not self.numbers

    def describe(self) -> list[str]:
        if self.empty:
            lines = [f"Nothing made by phonewizard to remove for {self.phone_number}."]
        else:
            lines = [f"Delete from LiveKit ({len(self.objects)}):"]
        lines += [f"  {ref}" + ("" if ref.phonewizard else " (not made by phonewizard)")
                  + (f" — also serves {', '.join(ref.shared_with)}, which loses it too" if ref.shared_with else "")
                  for ref in self.objects]
        for ref in self.numbers:
            lines.append(f"Detach LiveKit number {ref.name} ({ref.id}) from its dispatch rule; the number stays yours.")
        if self.kept:
            lines.append("Left as they are (not made by phonewizard):")
            lines += [f"  {ref}" for ref in self.kept]
        return lines


@dataclass
class RemovalOutcome:
    removal: Removal
    removed: list[ObjectRef]  # deleted, or already gone
    remaining: list[tuple[ObjectRef, str]]  # not deleted, and why
    detached: list[ObjectRef]
    keyring: Forgotten = field(default_factory=Forgotten)

    @property
    def complete(self) -> bool:
        return not self.remaining

    def describe(self) -> list[str]:
        number = self.removal.phone_number
        if self.complete:
            return [f"Removed {number}: " + (", ".join(str(r) for r in self.removed) or "nothing was left") + "."]
        lines = [f"Removing {number} did not finish."]
        if self.removed:
            lines.append("Removed: " + ", ".join(str(r) for r in self.removed) + ".")
        else:
            lines.append("Nothing was removed.")
        lines += [f"Still in LiveKit: {ref} — {why}" for ref, why in self.remaining]
        lines.append("Remove again to retry; only what is left is attempted.")
        return lines


def removal_for(entry: InventoryEntry, *, include_foreign: bool = False) -> Removal:
    """The confirmation's content for removing `entry` (see the module docstring)."""
    deleted = tuple(r for r in entry.refs if r.kind != "livekit_number" and (r.phonewizard or include_foreign))
    kept = tuple(r for r in entry.refs if r.kind != "livekit_number" and r not in deleted)
    rule_ids = {r.id for r in deleted if r.kind == "dispatch_rule"}
    numbers, detach = [], []
    for ref, info in zip((r for r in entry.refs if r.kind == "livekit_number"), entry.objects.numbers):
        if rule_ids & set(info.dispatch_rule_ids):
            numbers.append(ref)
            others = [r for r in info.dispatch_rule_ids if r not in rule_ids]
            detach.append((info.phone_number, others[0] if others else ""))
    ids = {r.id for r in deleted}
    usernames = frozenset(t.auth_username for t in (*entry.objects.inbound, *entry.objects.outbound)
                          if t.sip_trunk_id in ids and t.auth_username)
    return Removal(entry.phone_number, deleted, tuple(numbers), kept, usernames, tuple(detach))


async def remove(connection: Connection, removal: Removal, store: SecretStore | None, profile_path: Path | None,
                 progress: Callable[[str, str], None] | None = None) -> RemovalOutcome:
    """Delete the removal's objects (progress(object_id, state) as each one goes). Never raises
    for a LiveKit failure: the outcome names it."""
    from phonewizard.services.project_remover import Detach, remove_objects

    refs = {r.id: r for r in removal.objects}
    done = await remove_objects(
        connection,
        rule_ids=[r.id for r in removal.objects if r.kind == "dispatch_rule"],
        trunk_ids=[r.id for r in removal.objects if r.kind != "dispatch_rule"],
        detach=[Detach(number, keep) for number, keep in removal._detach],  # noqa: SLF001 - same unit
        progress=progress)
    by_number = {ref.name: ref for ref in removal.numbers}
    outcome = RemovalOutcome(
        removal,
        removed=[refs[i] for i in (*done.removed, *done.gone) if i in refs],
        remaining=[(refs.get(i) or by_number[i], why) for i, why in done.failed.items()],
        detached=[by_number[n] for n in done.detached if n in by_number])
    trunks_left = [r for r, _ in outcome.remaining if r.kind in ("inbound_trunk", "outbound_trunk")]
    if store is not None and outcome.removed and not trunks_left:
        usernames = set(removal.usernames)
        if profile_path is not None:
            usernames |= usernames_in_profile(profile_path, removal.phone_number)
        if usernames:
            outcome.keyring = await asyncio.to_thread(forget_sip_passwords, removal.phone_number, usernames, store)
    return outcome
