"""Notices: what the reverse mapping could not carry over exactly from LiveKit into the document.

A `phonewizard/1` document describes one shape of set-up (DESIGN.md "Mapping seed fields to
LiveKit"). Objects made by hand, in LiveKit's dashboard or with `lk` may hold settings that shape
cannot express — a PIN, codecs, a second agent. Those are never dropped silently: each one becomes
a `Notice` naming the object, the LiveKit field and what registering the document would do
instead. docs/registrations.md lists every kind with an example.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

Origin = Literal["phonewizard", "foreign", "mixed"]


class NoticeKind(str, Enum):
    """Stable identifiers (scripts may match them); the message says the details."""

    # dispatch rule
    RULE_TYPE = "rule_type"  # a direct or callee rule; phonewizard makes an individual rule
    PIN = "pin"
    ROOM_NAMING = "room_naming"  # room prefix / no_randomness / randomize differ
    RULE_SCOPE = "rule_scope"  # trunk_ids or the called-number filter differ
    CALLER_FILTER = "caller_filter"  # rule inbound_numbers
    AGENTS = "agents"  # no agent, or several agents
    AGENT_OPTIONS = "agent_options"  # restart policy, deployment, attributes of the dispatch
    AGENT_METADATA = "agent_metadata"  # the agent's metadata is not phonewizard's JSON
    AGENT_MISMATCH = "agent_mismatch"  # phonewizard's marker names another agent than the rule
    ROOM_CONFIG = "room_config"  # other room settings of the rule
    ROOM_PRESET = "room_preset"
    PARTICIPANT_METADATA = "participant_metadata"  # rule metadata / attributes
    KRISP = "krisp"  # Krisp set on the rule of a trunk-based set-up
    # trunks
    MEDIA = "media"  # codecs, media timeout, encryption on the rule or differing between trunks
    HEADERS = "headers"
    HEADER_MAPPING = "header_mapping"  # attributes_to_headers, include_headers, headers_to_attributes
    CREDENTIALS = "credentials"  # auth realm, different usernames on the two trunks
    TIMEOUTS = "timeouts"  # ringing / call-length limits unset, out of range or fractional
    REWRITTEN = "rewritten"  # a value written in phonewizard's form, same meaning (+E.164, case)
    INVALID_VALUE = "invalid_value"  # a value phonewizard's validation refuses: left out
    OUTBOUND_OPTIONS = "outbound_options"  # from_host
    OBJECT_METADATA = "object_metadata"  # a trunk's own metadata (replaced by the marker)
    UNSUPPORTED_FIELD = "unsupported_field"  # any other field that is set
    # the set of objects
    EXTRA_OBJECT = "extra_object"  # a second trunk or rule for the same number
    MISSING_OBJECT = "missing_object"  # registering would create it (or attach the number)
    NUMBER_ATTACHMENT = "number_attachment"  # LiveKit number attached to other rules too
    OTHER = "other"  # safety net: a difference found by comparing the plan with the objects


@dataclass(frozen=True)
class Notice:
    """`field` is the LiveKit field, prefixed with the object kind: `dispatch_rule.rule.
    dispatch_rule_individual.pin`, `inbound_trunk.media.codecs`, `outbound_trunk.from_host`.
    `object_id` is the trunk, rule or number ID ("" when the notice is about a missing object).
    `changes_behaviour` is False for rewrites with the same effect (number formats, a LiveKit
    default written out); True when registering the document would make calls behave differently."""

    kind: NoticeKind
    object_id: str
    field: str
    message: str
    changes_behaviour: bool = True

    def __str__(self) -> str:
        where = f"{self.object_id} {self.field}" if self.object_id else self.field
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind.value, "object_id": self.object_id, "field": self.field,
                "message": self.message, "changes_behaviour": self.changes_behaviour}


class Notes:
    """Collects notices while the objects are read; one per (object, field, message)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], Notice] = {}

    def add(self, kind: NoticeKind, object_id: str, field: str, message: str,
            changes_behaviour: bool = True) -> None:
        key = (object_id, field, message)
        self._items.setdefault(key, Notice(kind, object_id, field, message, changes_behaviour))

    def covers(self, object_id: str, field: str) -> bool:
        """True when a notice already speaks about this field of this object (or a field that
        contains it: a notice on `media` covers `media.codecs`)."""
        return any(oid == object_id and (field == f or field.startswith(f + "."))
                   for oid, f, _ in self._items)

    def mentions(self, object_id: str, field: str) -> bool:
        """True when a notice speaks about this field or anything inside it."""
        return any(oid == object_id and (f == field or f.startswith(field + ".")) for oid, f, _ in self._items)

    def all(self) -> tuple[Notice, ...]:
        return tuple(self._items.values())
