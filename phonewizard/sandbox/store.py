"""The sandbox's state: trunks, dispatch rules and "purchased" phone numbers.

Objects live in memory as livekit-protocol messages. When a path is given every change is written
to a JSON file (atomically and owner-only, `write_private_text`: a crash never leaves a torn file)
and the file is read back on start. SIP ``auth_password`` values are deliberately NOT written
(team rule: secrets never reach a file); after a restart those trunks keep their username only.
The file is read like any file a user names (`read_regular_file`: a regular file, size-capped, its
depth checked). A symlink given as the state path is followed on purpose: the state is kept in the
link's target (``Store.path``), and the link stays a link; the start-up message names the target.
A ``threading.Lock`` guards everything because tests read ``snapshot()`` from another thread.
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from google.protobuf import json_format
from livekit.protocol import sip as sip_pb

from phonewizard.services.private_files import write_private_text
from phonewizard.services.user_files import UserFileError, nested_deeper_than, read_regular_file

from .ids import PHONE_NUMBER_PREFIX, new_id, normalize_number

STATE_FORMAT = 1
MAX_STATE_BYTES = 64 * 1024 * 1024  # thousands of objects; a bigger file is not our state
MAX_STATE_DEPTH = 32  # state → kind → object → room_config → agents → … is well below this
KINDS = {
    "inbound": sip_pb.SIPInboundTrunkInfo,
    "outbound": sip_pb.SIPOutboundTrunkInfo,
    "rules": sip_pb.SIPDispatchRuleInfo,
}


class StateFileError(Exception):
    """The state file exists but cannot be used; the message names the file and the fix."""


def _to_dict(msg) -> dict:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def _new_phone_number(e164: str) -> dict:
    return {
        "id": new_id(PHONE_NUMBER_PREFIX),
        "e164_format": e164,
        "country_code": "US",
        "area_code": e164[2:5] if e164.startswith("+1") else "",
        "number_type": "PHONE_NUMBER_TYPE_LOCAL",
        "capabilities": ["voice"],
        "status": "PHONE_NUMBER_STATUS_OFFLINE",  # "not associated with any dispatch rule"
        "sip_dispatch_rule_id": "",
        "sip_dispatch_rule_ids": [],
    }


class Store:
    def __init__(self, path: Path | None = None, phone_numbers: Iterable[str] = ()) -> None:
        self.lock = threading.RLock()
        # Resolved once: atomic writes replace the *target* of a link, never the link itself.
        self.link = Path(path) if path is not None and Path(path).is_symlink() else None
        self.path = Path(os.path.realpath(path)) if path is not None else None
        self.objects: dict[str, dict[str, object]] = {kind: {} for kind in KINDS}
        self.phone_numbers: dict[str, dict] = {}  # id -> PhoneNumber as a snake_case dict
        if self.path is not None and os.path.lexists(self.path):
            self._load()
        known = {normalize_number(p["e164_format"]) for p in self.phone_numbers.values()}
        for e164 in map(normalize_number, phone_numbers):
            if e164 not in known:
                pn = _new_phone_number(e164)
                self.phone_numbers[pn["id"]] = pn
                known.add(e164)

    # ---- objects -------------------------------------------------------------------------
    def list(self, kind: str) -> list:
        """Copies sorted by ID: the order LiveKit's store lists them in (sortPage)."""
        with self.lock:
            items = sorted(self.objects[kind].items())
            out = []
            for _, msg in items:
                dup = KINDS[kind]()
                dup.CopyFrom(msg)
                out.append(dup)
            return out

    def get(self, kind: str, obj_id: str):
        with self.lock:
            msg = self.objects[kind].get(obj_id)
            if msg is None:
                return None
            dup = KINDS[kind]()
            dup.CopyFrom(msg)
            return dup

    def put(self, kind: str, obj_id: str, msg) -> None:
        with self.lock:
            stored = KINDS[kind]()
            stored.CopyFrom(msg)
            self.objects[kind][obj_id] = stored
            self.save()

    def delete(self, kind: str, obj_id: str) -> bool:
        with self.lock:
            found = self.objects[kind].pop(obj_id, None) is not None
            if kind == "rules" and found:
                # A deleted rule can no longer route a number; Cloud would show it offline.
                for pn in self.phone_numbers.values():
                    if obj_id in pn["sip_dispatch_rule_ids"]:
                        pn["sip_dispatch_rule_ids"].remove(obj_id)
                        _refresh_status(pn)
            if found:
                self.save()
            return found

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {kind: len(objs) for kind, objs in self.objects.items()}

    def snapshot(self) -> dict:
        with self.lock:
            data: dict = {kind: {i: _to_dict(m) for i, m in objs.items()} for kind, objs in self.objects.items()}
            data["phone_numbers"] = copy.deepcopy(self.phone_numbers)
            return data

    # ---- phone numbers -------------------------------------------------------------------
    def find_phone_number(self, pn_id: str = "", e164: str = "") -> dict | None:
        with self.lock:
            if pn_id:
                return self.phone_numbers.get(pn_id)
            wanted = normalize_number(e164)
            for pn in self.phone_numbers.values():
                if normalize_number(pn["e164_format"]) == wanted:
                    return pn
            return None

    def assign_phone_number(self, pn: dict, rule_id: str) -> dict:
        with self.lock:
            pn["sip_dispatch_rule_ids"] = [rule_id] if rule_id else []
            _refresh_status(pn)
            self.save()
            return copy.deepcopy(pn)

    # ---- persistence ---------------------------------------------------------------------
    @property
    def shown_path(self) -> str:
        """The state file for messages: ``link (a link to target)`` when given as a symlink."""
        if self.link is not None:
            return f"{self.link} (a link to {self.path})"
        return str(self.path)

    def _load(self) -> None:
        assert self.path is not None
        try:
            data = json.loads(read_regular_file(self.path, MAX_STATE_BYTES, what="a sandbox state file"))
            if nested_deeper_than(data, MAX_STATE_DEPTH):
                raise ValueError(f"nested more than {MAX_STATE_DEPTH} levels deep")
            if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
                raise ValueError(f"unsupported format {data.get('format') if isinstance(data, dict) else data!r:.40}")
            for kind, cls in KINDS.items():
                for obj_id, obj in data.get(kind, {}).items():
                    self.objects[kind][obj_id] = json_format.ParseDict(obj, cls())
            for pn in data.get("phone_numbers", []):
                self.phone_numbers[pn["id"]] = pn
        except UserFileError as e:
            raise StateFileError(f"sandbox state file {self.shown_path}: {e.reason}") from None
        except RecursionError:
            raise StateFileError(
                f"sandbox state file {self.path} cannot be read (nested too deeply); move it away to start empty"
            ) from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, json_format.ParseError) as e:
            raise StateFileError(
                f"sandbox state file {self.path} cannot be read ({e}); move it away to start empty"
            ) from None

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            data: dict = {"format": STATE_FORMAT}
            for kind, objs in self.objects.items():
                data[kind] = {}
                for obj_id, msg in sorted(objs.items()):
                    d = _to_dict(msg)
                    d.pop("auth_password", None)  # never persist SIP secrets
                    data[kind][obj_id] = d
            data["phone_numbers"] = [self.phone_numbers[k] for k in sorted(self.phone_numbers)]
            write_private_text(self.path, json.dumps(data, indent=2, sort_keys=True))


def _refresh_status(pn: dict) -> None:
    pn["status"] = "PHONE_NUMBER_STATUS_ACTIVE" if pn["sip_dispatch_rule_ids"] else "PHONE_NUMBER_STATUS_OFFLINE"
    # Deprecated single-ID field, kept in step for older clients.
    pn["sip_dispatch_rule_id"] = pn["sip_dispatch_rule_ids"][0] if pn["sip_dispatch_rule_ids"] else ""
