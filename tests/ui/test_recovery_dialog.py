"""A run killed half-way (a real `phonewizard register` process, SIGKILL) is offered when the wizard
starts on that project: the dialog says what it did, and Undo or Finish resolve it on the worker."""

from __future__ import annotations

import sys

import pytest

from tests.app.test_recovery import _crashed_registration
from tests.ui.wizard_helpers import make_wizard

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")


def sandbox_env(sandbox) -> dict[str, str]:
    return {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key,
            "LIVEKIT_API_SECRET": sandbox.api_secret}


def offered_dialog(qtbot, tmp_path, sandbox):
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_env(sandbox))
    qtbot.waitUntil(lambda: wizard.profile.recovery is not None, timeout=5000)
    dialog = wizard.profile.recovery
    assert dialog.isVisible() and dialog.run_list.count() == 1
    return wizard, dialog


def test_undo_from_the_wizard_removes_what_the_killed_run_made(qtbot, tmp_path, sandbox):
    _crashed_registration(sandbox, tmp_path)
    assert sandbox.counts()["inbound"] == 1
    _wizard, dialog = offered_dialog(qtbot, tmp_path, sandbox)
    assert "did not finish" in dialog.run_list.item(0).text()
    assert "created inbound trunk ST_" in dialog.details_label.text()
    assert dialog.undo_button.isEnabled() and dialog.finish_button.isEnabled()
    dialog.undo_button.click()
    assert not dialog.undo_button.isEnabled()  # one resolution at a time
    qtbot.waitUntil(lambda: dialog.run_list.count() == 0, timeout=15000)
    assert dialog.status_label.text().startswith("Undone")
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}
    assert dialog.later_button.text() == "&Close"


def test_finish_from_the_wizard_completes_the_registration(qtbot, tmp_path, sandbox):
    _crashed_registration(sandbox, tmp_path, password=None, auth_username=None)
    _wizard, dialog = offered_dialog(qtbot, tmp_path, sandbox)
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: dialog.run_list.count() == 0, timeout=15000)
    assert dialog.status_label.text().startswith("Finished")
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_nothing_is_offered_without_an_unfinished_run_or_in_sandbox_mode(qtbot, tmp_path, sandbox):
    from phonewizard.ui import recovery_dialog

    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_env(sandbox))
    assert recovery_dialog.offer(wizard) is None
    _crashed_registration(sandbox, tmp_path)
    wizard.set_sandbox_active(True)  # the sandbox's address is new at every start: never offered
    assert recovery_dialog.offer(wizard) is None
