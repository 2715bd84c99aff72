"""See what a LiveKit project holds, by phone number: the use cases behind `list --all`, `show`
and the wizard's registrations page.

- `read_inventory(connection) -> Project`: one read (one List per object kind, all at once;
  services/project_reader.py) sorted into entries by number (domain/inventory.py).
- `show_number(project, profile, number) -> NumberView`: one number's entry and the
  `phonewizard/1` document rebuilt from its objects (domain/reverse.py), or, when nothing serves
  the number, why (`NumberView.why`). The document never holds a secret; its `livekit` section is
  the profile passed in, so `register` sends it back to the same project.
- `find_number(text, project)`: the argument a user typed, as the entry key it means.

Removing an entry is app/removal.py, adopting foreign objects app/adopt.py.
"""

from __future__ import annotations

from dataclasses import dataclass
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

__all__ = ["NumberView", "Project", "find_number", "read_inventory", "show_number"]


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
