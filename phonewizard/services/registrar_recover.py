"""Undo a registration run that did not finish, from its journal (services/run_journal.py).

The in-process rollback (registrar_rollback.py) has the run's memory; this one has only the
record on disk and what LiveKit holds now, so it decides from both, and is safe to repeat:

1. the number goes back to the dispatch rule it pointed at before (or to none);
2. rules, then trunks: each object this run created — by the ID recorded, or by the run ID in
   its marker when the answer to the create was lost — is deleted; each object it updated is
   put back as recorded. An object that now carries another run's ID is left alone (that run
   wrote it later and relies on it);
3. leftovers the run had deleted are re-created, unless an object with the same marker exists.

SIP passwords are never in the record: a trunk keeps the password it has now, unless the run
changed it (`password_changed`) and the previous one is in the keyring (a successful
registration saved it there); otherwise a note says so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.json_format import ParseDict
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.naming import parse_marker
from phonewizard.services.livekit_client import Connection, guard, map_error, open_api, within
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.run_journal import RunRecord
from phonewizard.services.secret_store import SecretStore, SecretStoreUnavailable, sip_password_key
from phonewizard.services.sip_objects import KINDS, create_again_request, delete_request, list_all, object_id, update_request

WORDS = {"inbound": "inbound trunk", "outbound": "outbound trunk", "dispatch": "dispatch rule"}
INFO = {"inbound": SIPInboundTrunkInfo, "outbound": SIPOutboundTrunkInfo, "dispatch": SIPDispatchRuleInfo}


@dataclass
class Undone:
    """What undoing did (plain-words lines), what could not be undone, and notes for the user."""

    done: list[str] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


async def undo_record(conn: Connection, record: RunRecord, store: SecretStore | None) -> Undone:
    return await guard(conn, _undo(conn, record, store))


async def _undo(conn: Connection, record: RunRecord, store: SecretStore | None) -> Undone:
    out = Undone()
    changes = [c for c in record.changes if c.get("state") != "failed"]
    async with open_api(conn, sip_admin=True) as api:
        current = {kind: {object_id(kind, o): o for o in items}
                   for kind, items in zip(KINDS, await list_all(api, conn))}
        await _put_numbers_back(conn, changes, current, out)

        async def attempt(label: str, call: Any) -> None:
            try:
                await within(conn, call)
            except Exception as exc:  # noqa: BLE001 - every undo is tried; the rest is reported
                if getattr(exc, "code", None) == "not_found" and label.startswith("deleted"):
                    return
                out.remaining.append(f"{label.split(' ', 1)[1]}: {_reason(exc, conn)}")
            else:
                out.done.append(label)

        for kinds in (("dispatch",), ("inbound", "outbound")):
            jobs = []
            for kind in kinds:
                for oid, obj in current[kind].items():
                    owner = _run_of(obj)
                    if _created_here(record, changes, kind, oid, owner):
                        if owner == record.run_id:
                            jobs.append(attempt(f"deleted {oid} ({WORDS[kind]})", delete_request(api, kind, oid)))
                        else:
                            out.notes.append(f"{oid} ({WORDS[kind]}) was left: another run ({owner or 'unknown'}) "
                                             "wrote it since and uses it")
                for change in changes:
                    if change["kind"] == kind and change["action"] == "updated":
                        obj = current[kind].get(change["object_id"])
                        if obj is not None and _run_of(obj) == record.run_id:  # else never applied, or not ours now
                            restored = _restored(record, change, obj, store, out)
                            jobs.append(attempt(f"restored {change['object_id']} ({WORDS[kind]})",
                                                update_request(api, kind, change["object_id"], restored)))
            await asyncio.gather(*jobs)

        jobs = []
        for change in changes:
            if change["action"] == "deleted" and change["kind"] in INFO and change.get("previous"):
                kind = change["kind"]
                if change["object_id"] in current[kind] or _has_twin(current[kind], change["previous"]):
                    continue
                info = _restored(record, change, None, store, out)
                jobs.append(attempt(f"re-created {change['object_id']} ({WORDS[kind]}, new ID)",
                                    create_again_request(api, kind, info)))
        await asyncio.gather(*jobs)
    return out


def _run_of(obj: Any) -> str | None:
    marker = parse_marker(obj.metadata)
    return marker.run if marker is not None else None


def _created_here(record: RunRecord, changes: list[dict], kind: str, oid: str, owner: str | None) -> bool:
    """The run created this object: its ID is recorded as created, or (answer lost) it carries
    the run's ID and is not one the run updated."""
    recorded = {c["object_id"] for c in changes if c["action"] == "created" and c["kind"] == kind}
    updated = {c["object_id"] for c in changes if c["action"] == "updated"}
    return oid in recorded or (owner == record.run_id and oid not in updated)


async def _put_numbers_back(conn: Connection, changes: list[dict], current: dict, out: Undone) -> None:
    attached = [c for c in changes if c["kind"] == "number" and c["action"] == "attached"]
    if not attached:
        return
    async with PhoneNumberClient(conn) as numbers:
        for change in attached:
            number, previous = change["object_id"], change.get("previous_rule", "")
            if previous and previous not in current["dispatch"]:
                previous = ""  # that rule is gone: leave the number unattached rather than fail
            try:
                info = await numbers.get(number)
                if info is not None and list(info.dispatch_rule_ids[:1]) != ([previous] if previous else []):
                    await numbers.attach(number, previous)
                    out.done.append(f"attached {number} to {previous or 'no dispatch rule'} again")
            except Exception as exc:  # noqa: BLE001
                out.remaining.append(f"{number} (phone number attachment): {_reason(exc, conn)}")


def _restored(record: RunRecord, change: dict, now: Any, store: SecretStore | None, out: Undone) -> Any:
    """The recorded object as a message, with the best SIP password there is (module doc)."""
    kind = change["kind"]
    info = ParseDict(change["previous"], INFO[kind](), ignore_unknown_fields=True)
    if kind == "dispatch":
        return info
    password = getattr(now, "auth_password", "") if now is not None else ""
    if info.auth_username and (change.get("password_changed") or now is None):
        saved = _keyring_password(store, record.phone_number, info.auth_username)
        if saved:
            password = saved
        else:
            out.notes.append(
                f"the SIP password of {change['object_id']} ({WORDS[kind]}) could not be put back: phonewizard "
                "never writes passwords to disk and the keyring has none for it; set it in LiveKit or register again")
    info.auth_password = password
    return info


def _keyring_password(store: SecretStore | None, number: str, username: str) -> str | None:
    if store is None:
        return None
    try:
        return store.get(sip_password_key(number, username))
    except SecretStoreUnavailable:
        return None


def _has_twin(objects: dict[str, Any], previous: dict) -> bool:
    """An object with the same marker (number, agent, role) exists: re-creating would duplicate it."""
    wanted = parse_marker(previous.get("metadata"))
    if wanted is None:
        return False
    for obj in objects.values():
        m = parse_marker(obj.metadata)
        if (m is not None and normalize_number(m.phone_number) == normalize_number(wanted.phone_number)
                and m.agent_name == wanted.agent_name and m.role == wanted.role):
            return True
    return False


def _reason(exc: BaseException, conn: Connection) -> str:
    return str(map_error(exc, conn) or type(exc).__name__)
