"""The intent journal: what a `register` or `unregister` run planned and did, on disk, so that a
run killed half-way (`kill -9`, a power cut, a crash) is found and resolved by the next start.

One file per run, `<state dir>/runs/<run ID>.json` (run_lock.state_dir), written atomically
with mode 0600 through private_files.write_private_text and never holding a secret: the SIP
password of a trunk is left out of every object recorded, and the configuration is the
`phonewizard/1` document, which has none. Every change is recorded *before* it is sent
("pending") and again when LiveKit answers ("done", "failed" or "unknown", with the new ID of a
creation); an update or deletion records the object as it was, so it can be put back.
`JournalWriter` is the registrar's observer (registrar_run.Tracking) that keeps the file current;
the file is deleted when the run ends cleanly (app/register.py, app/registrations.py), so a file
whose run holds no lock (run_lock.is_held) belongs to a run that did not finish.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from phonewizard.services.private_files import write_private_text
from phonewizard.services.run_lock import state_dir
from phonewizard.services.secret_store import project_url

FORMAT = "phonewizard-run/1"
MAX_BYTES = 1024 * 1024  # a journal is a few KiB; anything bigger is not ours
SECRET_FIELDS = frozenset({"auth_password"})


def new_run_id() -> str:
    """Sortable by start time (the race rule relies on it), unique by its random tail."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def journal_dir() -> Path:
    return state_dir() / "runs"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass
class RunRecord:
    """One run as recorded. `changes` are dicts: kind (inbound|outbound|dispatch|number),
    action (created|updated|deleted|attached), object_id ("" until a creation is answered),
    state (pending|done|failed|unknown), optional step, previous (the object as it was, without
    secrets), previous_rule (an attachment's previous rule ID) and password_changed."""

    run_id: str
    command: str  # "register" | "unregister"
    url: str
    api_key: str
    phone_number: str
    agent_name: str = ""
    provider: str = ""
    take_over: bool = False
    config: dict[str, Any] | None = None  # the phonewizard/1 document of a register (no secrets)
    status: str = "running"  # running | rolling_back | rollback_incomplete | incomplete (unregister)
    planned: list[dict[str, str]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)  # named by a rollback that did not finish
    pid: int = field(default_factory=os.getpid)
    host: str = field(default_factory=socket.gethostname)
    started_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)

    @property
    def path(self) -> Path:
        return journal_dir() / f"{self.run_id}.json"

    def same_project(self, url: str) -> bool:
        return project_url(self.url) == project_url(url)

    def save(self) -> None:
        self.updated_at = _now()
        data = {"format": FORMAT, **asdict(self)}
        write_private_text(self.path, json.dumps(data, indent=1, ensure_ascii=True) + "\n")

    def delete(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def without_secrets(message: Any) -> dict[str, Any]:
    """A trunk or rule as JSON (proto field names) with every secret field removed."""
    from google.protobuf.json_format import MessageToDict  # protobuf: only once a run records

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in SECRET_FIELDS}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(MessageToDict(message, preserving_proto_field_name=True))


def change_of(entry: Any) -> dict[str, Any]:
    """A registrar journal entry (registrar_run.Entry) as the record keeps it."""
    change: dict[str, Any] = {"kind": entry.kind, "action": entry.action, "object_id": entry.object_id,
                              "state": entry.state if entry.answered else "pending"}
    if entry.step:
        change["step"] = entry.step
    if entry.kind == "number":
        change["previous_rule"] = entry.previous or ""
    elif entry.previous is not None:
        change["previous"] = without_secrets(entry.previous)
    if entry.password_changed:
        change["password_changed"] = True
    return change


def planned_steps(run: Any) -> list[dict[str, str]]:
    """What a registration run is about to do, once its conflict check has answered."""
    if hasattr(run, "planned"):  # an unregister (registrar_removal.Removal) says it itself
        return run.planned()
    p, inv = run.plan, run.inventory
    steps = []
    for step, kind, planned, existing in (("inbound_trunk", "inbound", p.inbound, inv.inbound),
                                          ("outbound_trunk", "outbound", p.outbound, inv.outbound),
                                          ("dispatch_rule", "dispatch", p.dispatch, inv.rules)):
        if planned is not None:
            oid = existing[0].sip_trunk_id if existing and kind != "dispatch" else (
                existing[0].sip_dispatch_rule_id if existing else "")
            steps.append({"step": step, "kind": kind, "action": "update" if existing else "create",
                          "object_id": oid})
    if p.attach_number:
        steps.append({"step": "attach_number", "kind": "number", "action": "attach",
                      "object_id": p.attach_number})
    return steps


class JournalWriter:
    """The observer the registrar calls (registrar_run.Tracking.observe): keeps `record` on disk."""

    def __init__(self, record: RunRecord) -> None:
        self.record = record

    def __call__(self, run: Any, event: str) -> None:
        record = self.record
        if event == "checked":
            # Kept in memory: the first change written carries it. Until a change is sent there
            # is nothing to recover, and each write (with its fsync) costs milliseconds.
            record.planned = planned_steps(run)
            return
        if event == "rolling_back":
            record.status = "rolling_back"
        record.changes = [change_of(e) for e in run.sent]
        record.save()


@dataclass
class JournalScan:
    records: list[RunRecord]
    problems: list[str]  # journal files that could not be read, as sentences


def load_records() -> JournalScan:
    """Every run recorded on this machine (the caller filters by project and liveness)."""
    scan = JournalScan([], [])
    folder = journal_dir()
    try:
        paths = sorted(folder.glob("*.json"))
    except OSError:
        return scan
    for path in paths:
        try:
            record = _read(path)
        except (OSError, ValueError, TypeError) as exc:
            scan.problems.append(f"{path}: not a readable run journal ({exc}); delete it if it is not needed")
            continue
        scan.records.append(record)
    return scan


def _read(path: Path) -> RunRecord:
    if path.is_symlink() or not path.is_file():
        raise ValueError("not a regular file")
    with path.open("rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValueError("too large")
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    record = RunRecord(**{k: v for k, v in data.items() if k in RunRecord.__dataclass_fields__})
    for name in ("run_id", "command", "url", "api_key", "phone_number"):
        if not isinstance(getattr(record, name), str) or not getattr(record, name):
            raise ValueError(f"{name} is missing")
    if f"{record.run_id}.json" != path.name:
        raise ValueError("its name does not match its run ID")
    if not isinstance(record.changes, list) or not all(isinstance(c, dict) for c in record.changes):
        raise ValueError("changes must be a list of objects")
    return record
