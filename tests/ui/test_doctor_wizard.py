"""The doctor in the wizard, against the sandbox over HTTP: the review page's checks (offline at
once, then against the project read on the worker; never a stop for Register) and the result
page's "Diagnose a call…" button.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.review_checks import CHECKING
from tests.services.registrar_helpers import hand_made_objects
from tests.ui.test_doctor_dialog import run, support_rule
from tests.ui.test_registration_flow_pages import no_blocking_dialogs, review_wizard, sandbox_draft  # noqa: F401
from tests.ui.wizard_helpers import save_screenshot


def checked_against_project(qtbot, review):
    qtbot.waitUntil(lambda: review.checks_box.checks is not None and not review.checks_box.busy, timeout=10000)
    return review.checks_box.checks


def test_review_shows_the_doctors_checks_against_the_project(qtbot, sandbox):
    [catch_all] = hand_made_objects(sandbox, support_rule(name="catch-all"))
    # Only one of Twilio's ranges allowed: the others' calls would be refused.
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox, allowed_addresses=["54.172.60.0/30"]))
    box = review.checks_box
    assert box.isVisible()
    checks = checked_against_project(qtbot, review)
    assert checks.against_project and checks.project_size == (0, 1)
    assert box.status_label.text() == ("Checked against your project's 0 inbound trunks and 1 dispatch rule: "
                                       "1 warning, 1 note. They do not stop Register.")
    text = box.findings_label.text()
    assert "Warning:" in text and "Twilio" in text  # its own trunk: Twilio's ranges missing
    assert f"Rule {catch_all} (no trunk_ids) gets no calls" in text  # the project's catch-all
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    save_screenshot(box, "08-review-doctor")
    # After a change in LiveKit, "Check again" reads the project again.
    hand_made_objects(sandbox, support_rule(name="second catch-all", numbers=["+14155550999"]))
    with qtbot.waitSignal(box.checked, timeout=10000, check_params_cb=lambda c: c.against_project):
        box.again_button.click()
    assert box.checks.project_size == (0, 2)


def test_the_checks_run_on_the_worker_and_never_hold_register(qtbot, sandbox):
    sandbox.faults.latency = 0.4
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox))
    box = review.checks_box
    assert box.busy and box.status_label.text() == CHECKING  # the window is free meanwhile
    assert box.checks is not None and not box.checks.against_project  # the offline ones, at once
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isEnabled()
    commit.click()  # Register while the checks still read the project
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    assert sandbox.counts()["inbound"] == 1


def test_a_project_that_cannot_be_read_leaves_the_offline_checks_and_says_why(qtbot, sandbox):
    sandbox.faults.fail("ListSIPDispatchRule", "drop")
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox, allowed_addresses=["54.172.60.0/30"]))
    checks = checked_against_project(qtbot, review)
    assert not checks.against_project
    problem = review.checks_box.problem_label
    assert problem.isVisible() and problem.text().startswith("The project could not be read, so only this "
                                                             "registration's own objects were checked")
    assert "Twilio" in review.checks_box.findings_label.text()
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_a_changed_setting_replaces_the_check_in_flight(qtbot, sandbox):
    sandbox.faults.latency = 0.4
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox))
    shown = []
    review.checks_box.checked.connect(shown.append)
    assert review.checks_box.busy
    wizard.revalidate()  # the page rebuilds its plan: the same one, not read again
    assert review.checks_box.busy and shown == []
    wizard.draft["registration"]["ringing_timeout_seconds"] = 45  # a changed setting: a new plan
    wizard.revalidate()
    checked_against_project(qtbot, review)
    qtbot.wait(600)  # longer than the first read would have taken
    # The new plan's offline checks, then its project checks: the first read's answer never lands.
    assert [c.against_project for c in shown] == [False, True]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: reopening raises it
def test_the_result_page_opens_the_diagnose_dialog_for_the_number(qtbot, sandbox):
    wizard, review, result_page = review_wizard(qtbot, sandbox_draft(sandbox, provider="telnyx"))
    checked_against_project(qtbot, review)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=10000)
    assert result_page.diagnose_button.isVisible()
    result_page.diagnose_button.click()
    dialog = result_page.diagnose_dialog
    assert dialog is not None and dialog.isVisible()
    number = result_page.result.phone_number
    assert [dialog.to_box.itemText(i) for i in range(dialog.to_box.count())] == [number, number[1:]]
    assert dialog.source_box.count() > 1  # Telnyx's published addresses offered
    verdict = run(qtbot, dialog)
    assert verdict.outcome == "accepted" and verdict.trunk_id == result_page.result.inbound_trunk_id
    assert dialog.path_view.hops[0].label == "Telnyx"  # the registration's marker names the carrier
    assert result_page.open_diagnose_dialog() is dialog  # reopened, not duplicated
