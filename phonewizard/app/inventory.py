"""See what a LiveKit project holds, by phone number: the use cases behind `list --all`, `show`
and the wizard's registrations page.

- `read_inventory(connection) -> Project`: one read (one List per object kind, all at once;
  services/project_reader.py) sorted into entries by number (domain/inventory.py).
- `show_number(project, profile, number) -> NumberView`: one number's entry and the
  `phonewizard/1` document rebuilt from its objects (domain/reverse.py), or, when nothing serves
  the number, why (`NumberView.why`). The document never holds a secret; its `livekit` section is
  the profile passed in, so `register` sends it back to the same project.
- `find_number(text, project)`: the argument a user typed, as the entry key it means.
- For the wizard: `edit_draft(rebuilt, livekit)` (the draft its pages edit, the project's own
  `livekit` section with its secret kept), `export_document(path, rebuilt)` ("Export
  configuration…" of one number) and `livekit_numbers(project)` (the project's LiveKit numbers
  to pick from on the number page, with what each is attached to).

Removing an entry is app/removal.py, adopting foreign objects app/adopt.py.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from phonewizard.app.errors import InvalidInput
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.inventory import InventoryEntry, ProjectInventory, build_inventory
from phonewizard.domain.inventory_words import nothing_for
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.livekit_objects import ProjectObjects
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.domain.reverse import Reconstruction

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection

__all__ = ["LiveKitNumberChoice", "NumberView", "Project", "edit_draft", "export_document", "find_number",
           "livekit_numbers", "read_inventory", "show_number"]


@dataclass(frozen=True)
class Project:
    """One read of a project: the objects as LiveKit listed them, and their inventory."""

    objects: ProjectObjects
    inventory: ProjectInventory

    @property
    def requests(self) -> int:
        """LiveKit requests the read made (one List per object kind, more for paged numbers)."""
        return self.objects.requests


@dataclass(frozen=True)
class NumberView:
    """What `show` reports: the entry and its rebuilt document, or `why` there is none."""

    phone_number: str
    entry: InventoryEntry | None
    reconstruction: Reconstruction | None
    why: str = ""

    @property
    def found(self) -> bool:
        return self.entry is not None


async def read_inventory(connection: Connection) -> Project:
    """Read the whole project once and sort it by number. The mapped LiveKit errors (app/errors)
    when it cannot be read; nothing partial is returned."""
    from phonewizard.services.project_reader import read_project

    objects = await read_project(connection)
    return Project(objects, build_inventory(objects))


def find_number(text: str, project: Project, field: str = "NUMBER") -> str:
    """The number a user typed, as the key of an entry when one matches in any spelling LiveKit
    treats as the same, else as +E.164. InvalidInput when it is neither."""
    key = normalize_number(text.strip())
    if project.inventory.entry_for(key) is not None:
        return key  # also numbers phonewizard's checks would refuse, as long as LiveKit holds them
    try:
        return parse_e164(text)
    except ValueError as exc:
        raise InvalidInput.field(field, str(exc)) from None


def show_number(project: Project, profile: LiveKitProfile | Mapping[str, Any], number: str) -> NumberView:
    """The entry for `number` and its rebuilt document, or why there is none (pure, fast)."""
    entry = project.inventory.entry_for(number)
    if entry is None:
        return NumberView(number, None, None, nothing_for(project.inventory, number))
    return NumberView(entry.phone_number, entry, entry.reverse(profile))


def edit_draft(rebuilt: Reconstruction, livekit: Mapping[str, Any]) -> dict[str, Any]:
    """The wizard's draft for editing a number: the rebuilt document, with the `livekit` section
    the wizard already uses (its API secret and SIP URI kept; the document holds neither secret).
    The SIP password is looked up in the keyring afterwards, like a file's (app/drafts.py)."""
    from phonewizard.app.drafts import draft_from_document

    draft = draft_from_document(rebuilt.document)
    draft["livekit"] = copy.deepcopy(dict(livekit))
    return draft


def export_document(path: str | Path, rebuilt: Reconstruction) -> Path:
    """Write one number's rebuilt document (never a secret; mode 0600, atomic). A document
    `register` would still refuse (its `problems`) is written as it stands, to be finished by
    hand or in the wizard."""
    from phonewizard.app.documents import export_config
    from phonewizard.services.private_files import write_private_text

    if rebuilt.config is not None:
        return export_config(path, rebuilt.config)
    return write_private_text(Path(path), json.dumps(rebuilt.document, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class LiveKitNumberChoice:
    """A LiveKit number of the project, and what calls to it reach now (no rules: nothing)."""

    phone_number: str
    rules: tuple[str, ...] = ()  # dispatch rule IDs it is attached to
    agents: tuple[str, ...] = ()  # the agents those rules dispatch
    rule_names: tuple[str, ...] = ()

    @property
    def free(self) -> bool:
        return not self.rules

    def describe(self) -> str:
        """`free`, or `in use: agent “x” (dispatch rule SDR_…)`."""
        if self.free:
            return "free"
        who = ", ".join(f"“{a}”" for a in self.agents)
        rules = ", ".join(self.rules)
        return f"in use: agent {who} (dispatch rule {rules})" if who else f"in use: dispatch rule {rules}"


def livekit_numbers(project: Project) -> list[LiveKitNumberChoice]:
    """The project's LiveKit numbers (released ones left out), each with the rules it is attached to."""
    rules = {r.sip_dispatch_rule_id: r for r in project.objects.rules}
    out = []
    for number in project.objects.numbers:
        if number.released:
            continue
        attached = [rules[r] for r in number.dispatch_rule_ids if r in rules]
        agents = tuple(dict.fromkeys(a.agent_name for r in attached for a in r.room_config.agents if a.agent_name))
        out.append(LiveKitNumberChoice(normalize_number(number.phone_number), tuple(number.dispatch_rule_ids),
                                       agents, tuple(r.name for r in attached if r.name)))
    return sorted(out, key=lambda c: c.phone_number)
