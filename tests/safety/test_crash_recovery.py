"""`kill -9` of a real `phonewizard register` or `unregister` at several moments, then the next
command: it reports the unfinished run (what it did, what it did not), `list` marks it, and it is
resolved at the user's choice — `recover --undo`, `recover --finish`, or registering or
unregistering the number again. The killed run's journal holds no secret and is mode 0600.

The sandbox holds the chosen request for a moment; the process is killed while it is held, and
the sandbox applies the request afterwards, like a server that received it before the client
died: the worst case, an object the journal only knows as "pending".
"""

from __future__ import annotations

import json
import stat
import sys

import pytest

from phonewizard.services.run_journal import journal_dir
from tests.safety.helpers import SIP_PASSWORD, TRUNK_NUMBER, trunk_document, write
from tests.safety.processes import child_env, run, start, wait_for_request, wait_until_answered

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")

HOLD = 1.0
EMPTY = {"inbound": 0, "outbound": 0, "rules": 0}
ONE_SET = {"inbound": 1, "outbound": 1, "rules": 1}


def _kill_during(sandbox, path, method: str, *args: str, command: str = "register") -> None:
    """Start `command`, kill -9 it while the sandbox holds `method`, let the sandbox apply it."""
    sandbox.log.clear()
    sandbox.faults.fail(method, "timeout", seconds=HOLD)
    process = start(command, *([path] if path else []), *args, env=child_env(sandbox))
    wait_for_request(sandbox, method, process)
    process.kill()
    process.communicate()
    wait_until_answered(sandbox)


def _journals() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(journal_dir().glob("*.json"))]


@pytest.mark.parametrize("method", ["CreateSIPInboundTrunk", "CreateSIPOutboundTrunk", "CreateSIPDispatchRule"])
def test_kill_9_then_list_reports_it_and_recover_undo_removes_everything(sandbox, tmp_path, method):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    _kill_during(sandbox, path, method, "--no-save-secrets")
    assert sandbox.counts() != EMPTY  # the killed run left objects behind

    [journal] = _journals()
    [file] = journal_dir().glob("*.json")
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    text = file.read_text(encoding="utf-8")
    assert SIP_PASSWORD not in text and sandbox.api_secret not in text
    assert journal["command"] == "register" and journal["phone_number"] == TRUNK_NUMBER
    assert {"pending"} <= {c["state"] for c in journal["changes"]}  # the held request
    env = child_env(sandbox)

    listed = run("list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"an earlier `phonewizard register` of {TRUNK_NUMBER}" in listed.stderr
    assert f"`phonewizard recover --undo {TRUNK_NUMBER}`" in listed.stderr
    assert "! unfinished register" in listed.stdout
    [entry] = json.loads(run("list", "--json", env=env).stdout)
    assert entry["unfinished_run"]["run_id"] == journal["run_id"]

    shown = run("recover", env=env)
    assert shown.returncode == 0 and "nothing was changed" in shown.stdout
    assert sandbox.counts() != EMPTY

    undone = run("recover", "--undo", TRUNK_NUMBER, env=env)
    assert undone.returncode == 0, undone.stderr
    assert f"Undid run {journal['run_id']}" in undone.stdout
    assert sandbox.counts() == EMPTY
    assert _journals() == []
    quiet = run("list", env=env)
    assert "did not finish" not in quiet.stderr and "unfinished" not in quiet.stdout


def test_kill_9_then_registering_again_resolves_it(sandbox, tmp_path):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    _kill_during(sandbox, path, "CreateSIPDispatchRule", "--no-save-secrets")
    [journal] = _journals()
    again = run("register", path, "--no-save-secrets", env=child_env(sandbox))
    assert again.returncode == 0, again.stderr
    assert "did not finish" in again.stderr  # reported before the command ran
    assert f"supersedes the unfinished run {journal['run_id']}" in again.stderr
    assert sandbox.counts() == ONE_SET  # the leftovers were reused, not duplicated
    assert _journals() == []


def test_kill_9_then_recover_finish_completes_the_registration(sandbox, tmp_path):
    # No SIP auth: finishing needs no password (the keyring is unusable in the child).
    path = write(tmp_path / "c.json", trunk_document(sandbox.url, password=None, auth_username=None))
    _kill_during(sandbox, path, "CreateSIPDispatchRule")
    finished = run("recover", "--finish", env=child_env(sandbox))
    assert finished.returncode == 0, finished.stderr
    assert f"Finished the registration of {TRUNK_NUMBER}" in finished.stdout
    assert sandbox.counts() == ONE_SET
    assert _journals() == []


def test_finishing_without_the_sip_password_says_what_to_do_instead(sandbox, tmp_path):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    _kill_during(sandbox, path, "CreateSIPDispatchRule", "--no-save-secrets")
    refused = run("recover", "--finish", TRUNK_NUMBER, env=child_env(sandbox))
    assert refused.returncode == 2
    assert "registration.auth_password: finishing needs the SIP password" in refused.stderr
    assert f"phonewizard recover --undo {TRUNK_NUMBER}" in refused.stderr
    assert len(_journals()) == 1  # still unresolved


@pytest.mark.slow
def test_a_half_applied_update_is_undone_to_the_previous_settings(sandbox, tmp_path):
    first = write(tmp_path / "v1.json", trunk_document(sandbox.url, ringing_timeout_seconds=30))
    assert run("register", first, "--no-save-secrets", env=child_env(sandbox)).returncode == 0
    before = sandbox.snapshot()
    second = write(tmp_path / "v2.json", trunk_document(sandbox.url, ringing_timeout_seconds=90,
                                                        allowed_addresses=["192.76.120.31"]))
    # Killed while the rule's update is held: the trunks have changed, the rule has not (or only
    # after the client died: the journal knows its update only as "pending").
    _kill_during(sandbox, second, "UpdateSIPDispatchRule", "--no-save-secrets")
    [inbound] = sandbox.snapshot()["inbound"].values()
    assert inbound["allowed_addresses"] == ["192.76.120.31"]  # half-applied
    [journal] = _journals()
    [change] = [c for c in journal["changes"] if c["kind"] == "inbound"]
    assert change["action"] == "updated" and "auth_password" not in json.dumps(change["previous"])

    undone = run("recover", "--undo", TRUNK_NUMBER, env=child_env(sandbox))
    assert undone.returncode == 0, undone.stderr
    assert sandbox.snapshot() == before  # every object as it was, the SIP password included


@pytest.mark.slow
def test_a_half_applied_update_can_be_finished(sandbox, tmp_path):
    first = write(tmp_path / "v1.json", trunk_document(sandbox.url, password=None, auth_username=None))
    assert run("register", first, env=child_env(sandbox)).returncode == 0
    second = write(tmp_path / "v2.json", trunk_document(sandbox.url, password=None, auth_username=None,
                                                        ringing_timeout_seconds=90, metadata={"shift": "night"}))
    _kill_during(sandbox, second, "UpdateSIPDispatchRule")
    finished = run("recover", "--finish", TRUNK_NUMBER, env=child_env(sandbox))
    assert finished.returncode == 0, finished.stderr
    [inbound] = sandbox.snapshot()["inbound"].values()
    [rule] = sandbox.snapshot()["rules"].values()
    assert inbound["ringing_timeout"] == "90s"  # the second configuration, all of it:
    assert "night" in rule["room_config"]["agents"][0]["metadata"]  # the rule's part too
    assert sandbox.counts() == ONE_SET
    assert _journals() == []


def test_kill_9_during_unregister_is_finished_and_cannot_be_undone(sandbox, tmp_path):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    assert run("register", path, "--no-save-secrets", env=child_env(sandbox)).returncode == 0
    _kill_during(sandbox, None, "DeleteSIPDispatchRule", TRUNK_NUMBER, command="unregister")
    env = child_env(sandbox)
    listed = run("list", env=env)
    assert f"an earlier `phonewizard unregister` of {TRUNK_NUMBER}" in listed.stderr
    assert f"`phonewizard recover --finish {TRUNK_NUMBER}`" in listed.stderr and "--undo" not in listed.stderr
    refused = run("recover", "--undo", env=env)
    assert refused.returncode == 2 and "can only be finished" in refused.stderr
    finished = run("recover", "--finish", env=env)
    assert finished.returncode == 0, finished.stderr
    assert sandbox.counts() == EMPTY and _journals() == []


def test_kill_9_before_anything_was_sent_leaves_nothing_to_report(sandbox, tmp_path):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    _kill_during(sandbox, path, "ListSIPDispatchRule", "--no-save-secrets")
    assert sandbox.counts() == EMPTY
    listed = run("list", env=child_env(sandbox))
    assert listed.returncode == 0 and "did not finish" not in listed.stderr
    assert _journals() == []  # a run that sent nothing is forgotten
