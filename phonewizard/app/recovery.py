"""Runs that did not finish (a crash, `kill -9`, a power cut): find them, say what they did, and
resolve each one at the user's choice — undo it, or finish it.

Decision (both front ends): an unfinished run is reported before any command for its project
(`unfinished_runs(url)`), and resolved by
* `undo_run`: remove what it created, put back what it changed (services/registrar_recover.py);
  offered for registrations only — undoing an unregister would re-create trunks without their
  SIP passwords, which phonewizard never writes down;
* `finish_run`: run it again to the end — the registration from its recorded configuration
  (SIP password from the keyring), or the unregister;
* any later successful `register` or `unregister` of the same number, which supersedes it.
A run that sent nothing is forgotten without a word; a run whose process still holds the
number's lock is alive, not unfinished.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import ApiSecret
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.run_journal import RunRecord, load_records
from phonewizard.services.run_lock import hold_number, is_held
from phonewizard.services.secret_store import SecretStore, SecretStoreUnavailable

if TYPE_CHECKING:
    from phonewizard.app.register import Progress, Registered
    from phonewizard.app.registrations import Unregistration
    from phonewizard.services.livekit_client import Connection
    from phonewizard.services.registrar_recover import Undone

__all__ = ["UnfinishedRun", "finish_run", "journal_problems", "undo_run", "unfinished_runs"]

_KIND = {"inbound": "inbound trunk", "outbound": "outbound trunk", "dispatch": "dispatch rule",
         "number": "phone number"}
_DOING = {"created": "creating", "updated": "updating", "deleted": "removing", "attached": "attaching"}
_DONE = {"created": "created", "updated": "updated", "deleted": "removed", "attached": "attached"}


@dataclass(frozen=True)
class UnfinishedRun:
    record: RunRecord

    @property
    def run_id(self) -> str:
        return self.record.run_id

    @property
    def command(self) -> str:
        return self.record.command

    @property
    def phone_number(self) -> str:
        return self.record.phone_number

    @property
    def can_undo(self) -> bool:
        return self.command == "register"

    def summary(self) -> str:
        r = self.record
        agent = f" for agent {r.agent_name}" if r.agent_name else ""
        return (f"an earlier `phonewizard {r.command}` of {r.phone_number}{agent} did not finish "
                f"(run {r.run_id}, pid {r.pid} on {r.host}, started {r.started_at})")

    def details(self) -> list[str]:
        """What it did and did not do, one plain line each."""
        lines = []
        for change in self.record.changes:
            what = f"{_KIND.get(change.get('kind', ''), 'object')} {change.get('object_id') or ''}".rstrip()
            action, state = change.get("action", ""), change.get("state", "")
            if state == "failed":
                continue  # LiveKit refused it: nothing changed
            if state == "done":
                lines.append(f"{_DONE.get(action, action)} {what}")
            else:
                lines.append(f"was {_DOING.get(action, action)} {what} when it stopped (no answer: it may or may not "
                             "have happened)")
        sent = {(c.get("kind"), c.get("object_id")) for c in self.record.changes if c.get("object_id")}
        sent_steps = {c.get("step") for c in self.record.changes}
        for step in self.record.planned:
            key = (step.get("kind"), step.get("object_id"))
            if (step.get("object_id") and key in sent) or (step.get("step") and step.get("step") in sent_steps):
                continue
            lines.append(f"never started: {step.get('action', '')} {_KIND.get(step.get('kind', ''), '')} "
                         f"{step.get('object_id') or ''}".rstrip())
        if self.record.status == "rolling_back":
            lines.append("it was undoing its changes when it stopped")
        if self.record.remaining:
            lines.append(f"known to remain in LiveKit: {', '.join(self.record.remaining)}")
        return lines


def unfinished_runs(url: str, phone_number: str | None = None) -> list[UnfinishedRun]:
    """The unfinished runs of a project (of one number when given), oldest first."""
    found = []
    for record in load_records().records:
        if not record.same_project(url):
            continue
        if phone_number is not None and normalize_number(record.phone_number) != normalize_number(phone_number):
            continue
        if is_held(record.url, record.phone_number):
            continue  # its process is alive (this one or another): it is running, not unfinished
        if not record.changes:
            _forget(record)  # it never sent a change: there is nothing to report or resolve
            continue
        found.append(UnfinishedRun(record))
    return sorted(found, key=lambda run: run.run_id)


def journal_problems() -> list[str]:
    """Journal files that cannot be read (a sentence each, naming the file)."""
    return load_records().problems


def _check_project(run: UnfinishedRun, connection: Connection) -> None:
    if not run.record.same_project(connection.url):
        raise InvalidInput.field("livekit.url", f"run {run.run_id} was for {run.record.url}, not {connection.url}")


async def undo_run(run: UnfinishedRun, connection: Connection, store: SecretStore | None) -> Undone:
    """Undo a registration that did not finish; the record goes once nothing remains.
    RunInProgress if another process is working on the number right now."""
    from phonewizard.services.registrar_recover import undo_record

    if not run.can_undo:
        raise InvalidInput.field(
            "recover", f"run {run.run_id} was an unregister of {run.phone_number}: it can only be finished "
            "(re-creating removed trunks would need SIP passwords phonewizard never writes down)")
    _check_project(run, connection)
    with hold_number(run.record.url, run.phone_number, "recover --undo", run.run_id):
        outcome = await undo_record(connection, run.record, store)
        if outcome.remaining:
            run.record.remaining = outcome.remaining
            run.record.save()
        else:
            _forget(run.record)
    return outcome


async def finish_run(run: UnfinishedRun, connection: Connection, api_secret: ApiSecret,
                     store: SecretStore | None, profile_path: Path,
                     progress: Progress | None = None) -> Registered | Unregistration:
    """Run it again to the end: the unregister, or the registration from its recorded
    configuration. Either supersedes (and forgets) the unfinished run on success."""
    from phonewizard.app.register import RegistrationRequest, register
    from phonewizard.app.registrations import unregister

    _check_project(run, connection)
    if run.command == "unregister":
        return await unregister(connection, run.phone_number, store or SecretStore(), profile_path)
    config = _recorded_config(run, store)
    return await register(RegistrationRequest(config, api_secret, take_over=run.record.take_over), store, progress)


def _recorded_config(run: UnfinishedRun, store: SecretStore | None):
    from phonewizard.domain.report import check_config
    from phonewizard.services.config_files import password_key_for

    if not isinstance(run.record.config, dict):
        raise InvalidInput.field("recover", f"run {run.run_id} did not record its configuration; undo it instead")
    work = copy.deepcopy(run.record.config)
    reg = work.get("registration") if isinstance(work.get("registration"), dict) else {}
    key = password_key_for(reg)
    if key is not None:
        try:
            password = store.get(key) if store is not None else None
        except SecretStoreUnavailable:
            password = None
        if not password:
            raise InvalidInput.field(
                "registration.auth_password",
                f"finishing needs the SIP password of {run.phone_number} and the keyring has none: run "
                f"`phonewizard register FILE` with it instead, or undo with `phonewizard recover --undo "
                f"{run.phone_number}`")
        reg["auth_password"] = password
    report = check_config(work)
    if report.config is None:
        raise InvalidInput(report.errors)
    return report.config


def _forget(record: RunRecord) -> None:
    try:
        record.delete()
    except OSError:
        pass
