"""Field-by-field comparison of LiveKit objects with the requests a plan would send.

Two uses: the reverse mapping's safety net (any difference between the objects and the plan of
the rebuilt document that no notice explains yet becomes a notice, so nothing is ever dropped
silently, even for a field added to LiveKit's API after this was written), and `object_changes`,
which says exactly what registering a plan would change in existing objects (what an "adopt"
confirmation lists).

Values are compared as LiveKit applies them: the deprecated `media_encryption` is folded into
`media.encryption`, an unset ringing timeout / call length counts as LiveKit's default, and the
fields phonewizard always replaces (IDs, names, its marker metadata, timestamps) or never reads
back (passwords) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from phonewizard.domain.reverse_notices import NoticeKind as K, Notes
from phonewizard.domain.reverse_trunks import LIVEKIT_MAX_CALL_DEFAULT, LIVEKIT_RINGING_DEFAULT, encryption_of, shown

# Never compared: identity, names, timestamps (LiveKit's own), passwords (never read back), the
# deprecated encryption field (folded into media.encryption), and metadata (the marker; a foreign
# object's metadata has its own notice).
SKIPPED = frozenset({"sip_trunk_id", "sip_dispatch_rule_id", "name", "metadata", "created_at",
                     "updated_at", "auth_password", "media_encryption"})
def flatten(msg: Message, prefix: str = "") -> dict[str, Any]:
    """Every field as `path → value`, sub-messages walked even when unset (so an unset message
    and an empty one compare equal); maps and scalar lists are single values."""
    out: dict[str, Any] = {}
    for f in msg.DESCRIPTOR.fields:
        if not prefix and f.name in SKIPPED:
            continue
        path, value = prefix + f.name, getattr(msg, f.name)
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            out[path] = {k: (v.SerializeToString() if isinstance(v, Message) else v) for k, v in value.items()}
        elif f.is_repeated and f.message_type is not None:
            out[path + ".count"] = len(value)
            for i, item in enumerate(value):
                out.update(flatten(item, f"{path}.{i}."))
        elif f.is_repeated:
            out[path] = list(value)
        elif f.message_type is not None:
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def effective(msg: Message) -> dict[str, Any]:
    """`flatten` with the values LiveKit actually applies (see the module docstring)."""
    values = flatten(msg)
    if "media.encryption" in values:
        values["media.encryption"] = encryption_of(msg)
    for name, default in (("ringing_timeout", LIVEKIT_RINGING_DEFAULT), ("max_call_duration", LIVEKIT_MAX_CALL_DEFAULT)):
        if f"{name}.seconds" in values and msg.DESCRIPTOR.name == "SIPInboundTrunkInfo":
            if values[f"{name}.seconds"] <= 0 and values[f"{name}.nanos"] <= 0:
                values[f"{name}.seconds"], values[f"{name}.nanos"] = default, 0
    return values


@dataclass(frozen=True)
class FieldChange:
    path: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.path}: {shown(self.before)} → {shown(self.after)}"


def differences(current: Message, planned: Message) -> list[FieldChange]:
    """The fields whose applied value differs, in field order."""
    a, b = effective(current), effective(planned)
    return [FieldChange(path, a.get(path), b.get(path)) for path in dict.fromkeys([*a, *b])
            if a.get(path) != b.get(path)]


def note_differences(current: Message, planned: Message, object_id: str, prefix: str, notes: Notes) -> None:
    """Add an OTHER notice for every difference no notice covers yet. The readers name every
    field LiveKit's API had when this was written (tests/domain/test_reverse_fields.py proves it
    field by field), so OTHER means a field added since, or a combination nobody foresaw."""
    for change in differences(current, planned):
        field = f"{prefix}.{change.path}"
        if notes.covers(object_id, field):
            continue
        notes.add(K.OTHER, object_id, field,
                  f"LiveKit has {shown(change.before)}; registering this document sends {shown(change.after)}")
