"""The intent journal (services/run_journal.py): every change is on disk before it is sent, with
its answer after; the file is private, atomic and free of secrets; files that are not journals
are reported, never trusted."""

from __future__ import annotations

import json
import os
import stat

from phonewizard.services.registrar_run import Tracking
from phonewizard.services.run_journal import (
    JournalWriter,
    RunRecord,
    journal_dir,
    load_records,
    new_run_id,
    without_secrets,
)
from tests.services.registrar_helpers import PASSWORD, PHONE, make_plan, registrar, run


def _record(run_id: str | None = None) -> RunRecord:
    return RunRecord(run_id or new_run_id(), "register", "http://127.0.0.1:7880", "devkey", PHONE)


def test_each_change_is_written_before_it_is_sent_and_again_when_answered(sandbox):
    record = _record()
    writer = JournalWriter(record)
    seen: list[tuple[str, list[tuple[str, str]], int]] = []

    def observe(r, event):
        writer(r, event)
        if event == "checked":
            assert not record.path.exists()  # nothing to recover before the first change
            return
        on_disk = json.loads(record.path.read_text(encoding="utf-8"))
        creates = sum(1 for m in sandbox.log.methods if m.startswith("Create"))
        seen.append((event, [(c["kind"], c["state"]) for c in on_disk["changes"]], creates))

    run(registrar(sandbox).apply(make_plan(), tracking=Tracking(record.run_id, observe)))
    sent = [(changes, creates) for event, changes, creates in seen if event == "sent"]
    # When a change is reported "sent", it is on disk as pending and LiveKit has not seen it yet:
    # fewer creates have reached the server than the journal lists.
    assert len(sent) == 3
    for changes, creates in sent:
        assert changes[-1][1] == "pending" and creates < len(changes)
    final = json.loads(record.path.read_text(encoding="utf-8"))
    assert sorted((c["kind"], c["action"], c["state"]) for c in final["changes"]) == [
        ("dispatch", "created", "done"), ("inbound", "created", "done"), ("outbound", "created", "done")]
    assert all(c["object_id"] for c in final["changes"])
    assert [s["step"] for s in final["planned"]] == ["inbound_trunk", "outbound_trunk", "dispatch_rule"]


def test_an_update_records_the_previous_object_without_its_password(sandbox):
    run(registrar(sandbox).apply(make_plan()))
    record = _record()
    run(registrar(sandbox).apply(make_plan(ringing_timeout_seconds=90, auth_password="An0ther-Pass"),
                                 tracking=Tracking(record.run_id, JournalWriter(record))))
    text = record.path.read_text(encoding="utf-8")
    assert PASSWORD not in text and "An0ther-Pass" not in text and "auth_password" not in text
    changes = json.loads(text)["changes"]
    updated = {c["kind"]: c for c in changes if c["action"] == "updated"}
    assert set(updated) == {"inbound", "outbound", "dispatch"}
    assert updated["outbound"]["password_changed"] is True  # the outbound trunk carries the password
    assert updated["outbound"]["previous"]["auth_username"] == "alice"


def test_the_file_is_private_and_replaced_atomically():
    record = _record()
    record.save()
    record.status = "rolling_back"
    record.save()
    assert stat.S_IMODE(record.path.stat().st_mode) == 0o600
    assert [p.name for p in journal_dir().iterdir()] == [record.path.name]  # no temp file left
    [loaded] = load_records().records
    assert loaded == record


def test_secret_fields_are_removed_at_any_depth():
    from livekit.protocol.sip import SIPOutboundTrunkInfo

    trunk = SIPOutboundTrunkInfo(sip_trunk_id="ST_x", auth_username="u", auth_password="hunter22")
    assert without_secrets(trunk) == {"sip_trunk_id": "ST_x", "auth_username": "u"}


def test_files_that_are_not_journals_are_reported_not_trusted(tmp_path):
    good = _record()
    good.save()
    folder = journal_dir()
    (folder / "garbage.json").write_text("{not json", encoding="utf-8")
    (folder / "other.json").write_text(json.dumps({"format": "something/1"}), encoding="utf-8")
    renamed = _record()
    (folder / "wrong-name.json").write_text(json.dumps({"format": "phonewizard-run/1", **renamed.__dict__}))
    os.symlink("/dev/zero", folder / "device.json")
    scan = load_records()
    assert [r.run_id for r in scan.records] == [good.run_id]
    assert len(scan.problems) == 4
    assert all("not a readable run journal" in p for p in scan.problems)
