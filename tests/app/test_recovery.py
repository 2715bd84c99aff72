"""The app-level API the wizard calls to recover a run that did not finish, and the number lock,
against a real crash: a `phonewizard register` process killed with SIGKILL mid-registration.

The wizard, at start-up once it knows the project: `unfinished_runs(url)`; for each, show
`summary()` and `details()`, offer Undo when `can_undo`, and Finish; on the AsyncWorker call
`undo_run(run, connection, store)` or `finish_run(run, connection, api_secret, store,
profile_path, progress)`. Its registrations go through `app.register.register`, which holds the
number's lock and keeps the journal.
"""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from phonewizard.app.errors import InvalidInput, RunInProgress
from phonewizard.app.project import ApiSecret
from phonewizard.app.recovery import finish_run, undo_run, unfinished_runs
from phonewizard.app.register import Registered
from phonewizard.services.livekit_client import Connection
from phonewizard.services.run_lock import hold_number
from phonewizard.services.secret_store import SecretStore
from tests.safety.helpers import TRUNK_NUMBER, trunk_document, write
from tests.safety.processes import child_env, start, wait_for_request, wait_until_answered

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")


def _crashed_registration(sandbox, tmp_path, **registration) -> None:
    path = write(tmp_path / "c.json", trunk_document(sandbox.url, **registration))
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=1.0)
    process = start("register", path, "--no-save-secrets", env=child_env(sandbox))
    wait_for_request(sandbox, "CreateSIPDispatchRule", process)
    process.kill()
    process.communicate()
    wait_until_answered(sandbox)


def _connection(sandbox) -> Connection:
    return Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=5.0)


def test_the_wizard_finds_the_run_and_undoes_it(sandbox, tmp_path):
    _crashed_registration(sandbox, tmp_path)
    [run] = unfinished_runs(sandbox.url)
    assert run.command == "register" and run.phone_number == TRUNK_NUMBER and run.can_undo
    assert "did not finish" in run.summary() and run.run_id in run.summary()
    details = "\n".join(run.details())
    assert "created inbound trunk ST_" in details and "created outbound trunk ST_" in details
    assert "was creating dispatch rule" in details  # the request it never heard back from
    assert unfinished_runs("http://elsewhere.example:7880") == []  # another project's view

    undone = asyncio.run(undo_run(run, _connection(sandbox), SecretStore()))
    assert undone.remaining == [] and len(undone.done) >= 2
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}
    assert unfinished_runs(sandbox.url) == []


def test_the_wizard_finishes_the_run(sandbox, tmp_path):
    _crashed_registration(sandbox, tmp_path, password=None, auth_username=None)
    [run] = unfinished_runs(sandbox.url, TRUNK_NUMBER)
    events: list[tuple[str, str]] = []
    finished = asyncio.run(finish_run(run, _connection(sandbox), ApiSecret(sandbox.api_secret, "env"),
                                      SecretStore(), tmp_path / "no-profile.json",
                                      progress=lambda step, state: events.append((step, state))))
    assert isinstance(finished, Registered)
    assert finished.resolved == [run.run_id]
    assert ("dispatch_rule", "done") in events
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert unfinished_runs(sandbox.url) == []


def test_a_run_whose_process_is_alive_is_not_unfinished_and_cannot_be_undone(sandbox, tmp_path):
    _crashed_registration(sandbox, tmp_path)
    [run] = unfinished_runs(sandbox.url)
    # Another process (here: this one) takes the number, as a live run would.
    with hold_number(sandbox.url, TRUNK_NUMBER, "register", "some-run"):
        assert unfinished_runs(sandbox.url) == []
        with pytest.raises(RunInProgress) as info:
            asyncio.run(undo_run(run, _connection(sandbox), SecretStore()))
        assert f"pid {os.getpid()}" in str(info.value) and "some-run" in str(info.value)
    assert [r.run_id for r in unfinished_runs(sandbox.url)] == [run.run_id]


def test_undo_and_finish_refuse_another_project(sandbox, tmp_path):
    _crashed_registration(sandbox, tmp_path)
    [run] = unfinished_runs(sandbox.url)
    elsewhere = Connection("http://127.0.0.1:9", "devkey", "x" * 40)
    with pytest.raises(InvalidInput, match="livekit.url"):
        asyncio.run(undo_run(run, elsewhere, SecretStore()))
