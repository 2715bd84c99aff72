"""Names phonewizard gives to LiveKit objects, and the ownership marker it puts in their metadata.

The marker is what lets `list`, `unregister` and a repeated `register` find the objects made for a
number without keeping any local state: every trunk and dispatch rule we create carries
`{"managed_by": "phonewizard", "phone_number": ..., "agent_name": ..., "role": ...}` as its
`metadata`. Objects without it were made by someone else and are never touched.

A registration run also stamps its own ID (`"run": ...`) on every object it writes
(`stamp_run`): the plan stays pure and byte-identical, and the registrar can tell its own objects
from those of another run registering the same number at the same moment (services/registrar_race.py)
and find objects whose creation answer was lost (a crash, a dropped connection).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal, get_args

MANAGED_BY = "phonewizard"
Role = Literal["inbound", "outbound", "dispatch"]
ROLES: tuple[str, ...] = get_args(Role)

# LiveKit room names allow most characters, but a prefix that is also safe in URLs, log lines and
# shell commands avoids quoting surprises; 32 characters keeps the whole room name readable.
_PREFIX_MAX = 32
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def room_prefix(agent_name: str) -> str:
    """A lower-case slug of the agent name (letters, digits, single dashes), e.g. 'My Agent!' →
    'my-agent'. Falls back to 'agent' when nothing usable is left."""
    slug = _NOT_SLUG.sub("-", agent_name.lower()).strip("-")
    slug = slug[:_PREFIX_MAX].rstrip("-")
    return slug or "agent"


def room_pattern(prefix: str) -> str:
    """How LiveKit names the room of each call for an individual dispatch rule
    (reference/livekit-sip.md §1.3: `<prefix>_<caller>_<random>`)."""
    return f"{prefix}_<caller number>_<random>"


def object_name(role: str, phone_number: str, agent_name: str) -> str:
    """The human name shown in the LiveKit dashboard, e.g. 'phonewizard +14155550101 → my-agent'.
    The outbound trunk reads the other way round because calls go from the agent to the phone."""
    if role == "outbound":
        return f"phonewizard {agent_name} → {phone_number} (outbound)"
    return f"phonewizard {phone_number} → {agent_name}"


@dataclass(frozen=True)
class Marker:
    phone_number: str
    agent_name: str
    role: str
    provider: str | None = None  # extra key; lets `list` show the provider without local state
    run: str | None = None  # the run that last wrote the object (stamp_run); None for older objects

    def to_metadata(self) -> str:
        data = {
            "managed_by": MANAGED_BY,
            "phone_number": self.phone_number,
            "agent_name": self.agent_name,
            "role": self.role,
        }
        if self.provider:
            data["provider"] = self.provider
        if self.run:
            data["run"] = self.run
        # sort_keys: identical plans give byte-identical metadata, so an update is a no-op diff.
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


def marker_metadata(phone_number: str, agent_name: str, role: Role, provider: str | None = None) -> str:
    return Marker(phone_number, agent_name, role, provider).to_metadata()


def parse_marker(metadata: str | None) -> Marker | None:
    """The marker in an object's metadata, or None when the object is not phonewizard's.

    Anything that is not our exact shape (free text, other JSON, a wrong type) is None: we would
    rather leave a stranger's object alone than mistake it for ours."""
    if not metadata:
        return None
    try:
        data = json.loads(metadata)
    except (ValueError, TypeError, RecursionError):  # anyone can write metadata, any depth
        return None
    if not isinstance(data, dict) or data.get("managed_by") != MANAGED_BY:
        return None
    phone, agent, role = data.get("phone_number"), data.get("agent_name"), data.get("role")
    provider, run = data.get("provider"), data.get("run")
    if not (isinstance(phone, str) and phone and isinstance(agent, str) and isinstance(role, str)):
        return None
    if role not in ROLES:
        return None
    return Marker(phone, agent, role, provider if isinstance(provider, str) else None,
                  run if isinstance(run, str) and run else None)


def stamp_run(metadata: str, run_id: str) -> str:
    """`metadata` (a marker) with `run_id` as the run that writes the object. Anything that is
    not our marker is returned unchanged: we never rewrite a stranger's metadata."""
    marker = parse_marker(metadata)
    if marker is None:
        return metadata
    return Marker(marker.phone_number, marker.agent_name, marker.role, marker.provider, run_id).to_metadata()
