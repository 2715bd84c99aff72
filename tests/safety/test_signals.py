"""SIGTERM and SIGHUP (`timeout`, `systemctl stop`, a CI cancel, a closed terminal) during
`register` and `unregister`, sent to real processes at the moment a request is in flight (the
sandbox holds that request for a moment), and to the wizard's process during a registration.

register: the run is cancelled and rolled back, exit 1, "interrupted (SIGTERM) … rolled back",
nothing left in the sandbox, no journal left. unregister: before removing anything it stops and
says nothing changed; once removing has begun it finishes first and says so.
"""

from __future__ import annotations

import json
import signal
import sys
import textwrap

import pytest

from phonewizard.services.run_journal import journal_dir
from tests.safety.helpers import TRUNK_NUMBER, trunk_document, write
from tests.safety.processes import ROOT, child_env, finish, run, start, wait_for_request, wait_until_answered

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

HOLD = 1.5  # seconds the sandbox holds the chosen request (the signal arrives meanwhile)
# The other moments than the dispatch rule's (tested on its own below, in every run of the suite).
MOMENTS = ["ListSIPDispatchRule", "CreateSIPInboundTrunk"]


def _nothing_left(sandbox) -> None:
    wait_until_answered(sandbox)  # a held create is applied late: it must be undone all the same
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}
    assert not list(journal_dir().glob("*.json")), "a rolled-back run leaves no journal"


def _register_and_signal(sandbox, tmp_path, method: str, sig: signal.Signals):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    sandbox.faults.fail(method, "timeout", seconds=HOLD)
    process = start("register", path, "--no-save-secrets", env=child_env(sandbox))
    wait_for_request(sandbox, method, process)
    process.send_signal(sig)
    return finish(process)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_while_the_dispatch_rule_is_being_created_rolls_back(sandbox, tmp_path, sig):
    result = _register_and_signal(sandbox, tmp_path, "CreateSIPDispatchRule", sig)
    assert result.returncode == 1, result.stderr
    assert f"interrupted ({sig.name}): registering {TRUNK_NUMBER} was cancelled" in result.stderr
    assert "rolled back" in result.stderr and result.stdout == ""
    _nothing_left(sandbox)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("method", MOMENTS)
def test_a_signal_at_each_moment_of_a_registration_rolls_back(sandbox, tmp_path, method, sig):
    result = _register_and_signal(sandbox, tmp_path, method, sig)
    assert result.returncode == 1, result.stderr
    assert f"interrupted ({sig.name})" in result.stderr and "rolled back" in result.stderr
    _nothing_left(sandbox)
    # The number is free again: a plain registration now succeeds.
    again = run("register", tmp_path / "c.json", "--no-save-secrets", env=child_env(sandbox))
    assert again.returncode == 0, again.stderr


def test_a_second_sigterm_during_the_rollback_does_not_abandon_it(sandbox, tmp_path):
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=HOLD)
    sandbox.faults.fail("DeleteSIPTrunk", "timeout", seconds=HOLD)  # the rollback is held too
    process = start("register", path, env=child_env(sandbox))
    wait_for_request(sandbox, "CreateSIPDispatchRule", process)
    process.send_signal(signal.SIGTERM)
    wait_for_request(sandbox, "DeleteSIPTrunk", process)
    process.send_signal(signal.SIGTERM)
    result = finish(process)
    assert result.returncode == 1 and "rolled back" in result.stderr, result.stderr
    _nothing_left(sandbox)


def _registered(sandbox, tmp_path) -> None:
    path = write(tmp_path / "c.json", trunk_document(sandbox.url))
    assert run("register", path, "--no-save-secrets", env=child_env(sandbox)).returncode == 0
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    sandbox.log.clear()


def _unregister_and_signal(sandbox, tmp_path, method: str, sig: signal.Signals):
    """`unregister` of a registered number, signalled while the sandbox holds its `method` request."""
    _registered(sandbox, tmp_path)
    sandbox.faults.fail(method, "timeout", seconds=HOLD)
    process = start("unregister", TRUNK_NUMBER, env=child_env(sandbox))
    wait_for_request(sandbox, method, process)
    process.send_signal(sig)
    return finish(process)


@pytest.mark.parametrize("sig", [signal.SIGTERM], ids=["SIGTERM"])
def test_unregister_stopped_before_removing_changes_nothing(sandbox, tmp_path, sig):
    result = _unregister_and_signal(sandbox, tmp_path, "ListSIPInboundTrunk", sig)
    assert result.returncode == 1, result.stderr
    assert f"interrupted ({sig.name}) before anything of {TRUNK_NUMBER} was removed: nothing changed" in result.stderr
    wait_until_answered(sandbox)
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


@pytest.mark.parametrize("sig", [signal.SIGHUP], ids=["SIGHUP"])
def test_unregister_interrupted_while_removing_finishes_first(sandbox, tmp_path, sig):
    result = _unregister_and_signal(sandbox, tmp_path, "DeleteSIPDispatchRule", sig)
    assert result.returncode == 1, result.stderr
    assert f"Unregistered {TRUNK_NUMBER}" in result.stdout
    assert "had begun, so it was finished first" in result.stderr
    _nothing_left(sandbox)


# ---- the wizard's process -------------------------------------------------------------------

CHILD = textwrap.dedent("""
    # The real run_gui (wizard, icon, signal handling); once its loop runs, a registration is
    # submitted on an AsyncWorker as the review page does, and the test sends a signal.
    import json, os, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])

    def submit():
        from phonewizard.app.project import ApiSecret
        from phonewizard.app.register import RegistrationRequest, register
        from phonewizard.domain.config_document import PhoneWizardConfig
        from phonewizard.ui.async_worker import AsyncWorker

        config = PhoneWizardConfig.model_validate(json.loads(os.environ["CHILD_CONFIG"]))
        request = RegistrationRequest(config, ApiSecret(os.environ["LIVEKIT_API_SECRET"], "env"))
        app.child_worker = AsyncWorker()  # drains its jobs on aboutToQuit
        app.child_worker.submit(lambda: register(request, None))
        print("submitted", flush=True)

    QTimer.singleShot(0, submit)
    from phonewizard.ui.app import run_gui
    sys.exit(run_gui([]))
""")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_the_wizard_quits_on_a_signal_and_rolls_its_registration_back(sandbox, tmp_path, sig):
    import subprocess

    script = tmp_path / "wizard_child.py"
    script.write_text(CHILD, encoding="utf-8")
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=HOLD)
    env = child_env(sandbox, QT_QPA_PLATFORM="offscreen",
                    CHILD_CONFIG=json.dumps(trunk_document(sandbox.url)))
    process = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_request(sandbox, "CreateSIPDispatchRule", process, timeout=90)
    assert sandbox.counts()["inbound"] == 1  # created, and the rule is in flight
    process.send_signal(sig)
    result = finish(process, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "submitted" in result.stdout
    _nothing_left(sandbox)

