"""The call actions on the registrations page and the result page, against the sandbox over HTTP:
Diagnose a call…, Test call… and Check inbound enabled only where they can work (the tooltip says
why not, in the command line's words), each opening its dialog for the selected number, and a
call placed from there."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

from phonewizard.app.call_targets import INBOUND_NEEDS_OUTBOUND, no_outbound_reason, not_registered_reason
from phonewizard.domain.navigation import PageId
from phonewizard.ui.call_buttons import TIPS
from phonewizard.ui.doctor_dialog import DiagnoseCallDialog
from phonewizard.ui.test_call_dialog import SANDBOX_HINT, TestCallDialog
from tests.ui.registrations_fixtures import FOREIGN_NUMBER, HALF_NUMBER, LK_NUMBER, OK_NUMBER, seed_mix
from tests.ui.test_registration_flow_pages import (  # noqa: F401 - a fixture
    no_blocking_dialogs,
    outbound_draft,
    review_wizard,
    sandbox_draft,
)
from tests.ui.test_registrations_page import open_page, reloaded, select


def states(page) -> dict[str, bool]:
    return {action: button.isEnabled() for action, button in page.call_buttons.buttons.items()}


def tips(page) -> dict[str, str]:
    return {action: button.toolTip() for action, button in page.call_buttons.buttons.items()}


# ---- the registrations page -------------------------------------------------------------------

def test_each_entry_enables_what_can_work_and_says_why_not(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    buttons = page.call_buttons.buttons
    assert [b.text() for b in buttons.values()] == ["Dia&gnose a call…", "Test &call…", "Check &inbound"]
    assert all(page.more_actions.indexOf(b) >= 0 for b in buttons.values())
    page.table.clearSelection()
    assert states(page) == {"diagnose": False, "call": False, "inbound": False}
    assert set(tips(page).values()) == {"Select a number first"}

    select(qtbot, page, OK_NUMBER)  # Twilio, phonewizard's, outbound on
    assert states(page) == {"diagnose": True, "call": True, "inbound": True}
    assert tips(page)["call"] == TIPS["call"].format(number=OK_NUMBER)

    select(qtbot, page, LK_NUMBER)  # a LiveKit number: inbound-only
    assert states(page) == {"diagnose": True, "call": False, "inbound": False}
    assert tips(page)["call"] == no_outbound_reason(LK_NUMBER, "livekit")
    assert "inbound-only" in tips(page)["call"]
    assert tips(page)["inbound"] == INBOUND_NEEDS_OUTBOUND + no_outbound_reason(LK_NUMBER, "livekit")

    select(qtbot, page, HALF_NUMBER)  # phonewizard's, interrupted, no outbound
    assert states(page) == {"diagnose": True, "call": False, "inbound": False}
    assert tips(page)["call"].startswith(f"{HALF_NUMBER} has no outbound trunk, so it cannot place calls. "
                                         "Enable outbound:")

    select(qtbot, page, FOREIGN_NUMBER)  # set up in the dashboard, with its own outbound trunk
    assert states(page) == {"diagnose": True, "call": False, "inbound": False}
    assert tips(page)["call"] == not_registered_reason(FOREIGN_NUMBER) and "Adopt" in tips(page)["call"]

    # While the project is read again, nothing acts on a row that may be gone.
    select(qtbot, page, OK_NUMBER)
    with reloaded(qtbot, page):
        page.reload()
        assert states(page) == {"diagnose": False, "call": False, "inbound": False}
    assert states(page) == {"diagnose": True, "call": True, "inbound": True}


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: reopening raises it
def test_the_buttons_open_the_right_dialog_for_the_selected_number(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    actions = page.call_buttons
    select(qtbot, page, OK_NUMBER)

    actions.buttons["call"].click()
    dialog = actions.dialogs[("call", OK_NUMBER)]
    assert isinstance(dialog, TestCallDialog) and dialog.isVisible()
    assert (dialog.number, dialog.mode, dialog.agent) == (OK_NUMBER, "call", "support-agent")
    assert dialog.windowTitle() == f"Test call from {OK_NUMBER}"
    assert any(label.text() == SANDBOX_HINT for label in dialog.findChildren(type(dialog.headline_label)))
    assert actions.open_test_call() is dialog  # raised again, not a second one

    actions.buttons["inbound"].click()
    inbound = actions.dialogs[("inbound", OK_NUMBER)]
    assert inbound is not dialog and (inbound.number, inbound.mode) == (OK_NUMBER, "inbound")

    actions.buttons["diagnose"].click()
    doctor = actions.dialogs[("diagnose", OK_NUMBER)]
    assert isinstance(doctor, DiagnoseCallDialog) and doctor.isVisible()
    assert doctor.windowTitle() == f"Diagnose a call to {OK_NUMBER}"
    assert doctor.to_box.currentText() == OK_NUMBER
    assert doctor.source_box.count() > 1  # Twilio's published addresses: the entry's carrier

    select(qtbot, page, FOREIGN_NUMBER)
    actions.buttons["diagnose"].click()
    other = actions.dialogs[("diagnose", FOREIGN_NUMBER)]
    assert other is not doctor and other.to_box.currentText() == FOREIGN_NUMBER
    assert actions.open_test_call() is None  # not for this number: no dialog at all


def test_a_call_from_the_registrations_page_explains_its_failure(qtbot, tmp_path, sandbox):
    seed_mix(sandbox)
    sandbox.calls.switches.set_timing(dial_seconds=0.05, ring_seconds=0.2, agent_join_seconds=0.05)
    wizard, page = open_page(qtbot, tmp_path, sandbox)
    select(qtbot, page, OK_NUMBER)
    dialog = page.call_buttons.open_test_call()
    dialog.to_edit.setText("+15550000486")  # the sandbox: busy
    with qtbot.waitSignal(dialog.call_finished, timeout=15000) as blocker:
        dialog.start_button.click()
    assert blocker.args[0].sip_status_code == 486 and blocker.args[0].caller_id == OK_NUMBER
    assert dialog.headline_label.text() == "The call failed: SIP 486 Busy Here"
    assert dialog.explanation_label.text().startswith("Twilio answered 486 Busy Here")
    assert sandbox.calls.rooms.names() == []


# ---- the result page --------------------------------------------------------------------------

def registered(qtbot, initial):
    wizard, review, result_page = review_wizard(qtbot, initial)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    return wizard, result_page


def test_the_result_page_offers_a_test_call_and_the_inbound_check(qtbot, sandbox, memory_keyring):
    sandbox.calls.switches.set_timing(dial_seconds=0.05, ring_seconds=0.8, agent_join_seconds=0.05)
    wizard, result_page = registered(qtbot, outbound_draft(sandbox))
    number = result_page.result.phone_number
    buttons = result_page.call_buttons.buttons
    assert [b.text() for b in buttons.values()] == ["&Test call…", "Check &inbound"]
    assert all(b.isVisible() and b.isEnabled() for b in buttons.values())
    buttons["call"].click()
    dialog = result_page.call_buttons.dialogs[("call", number)]
    assert dialog.isVisible() and dialog.number == number and dialog.agent == "support-agent"
    dialog.to_edit.setText("+15550001001")  # the sandbox: answered, hung up after a second
    with qtbot.waitSignal(dialog.call_finished, timeout=15000) as blocker:
        dialog.start_button.click()
    assert blocker.args[0].outcome == "answered" and blocker.args[0].agent_joined
    buttons["inbound"].click()
    inbound = result_page.call_buttons.dialogs[("inbound", number)]
    with qtbot.waitSignal(inbound.call_finished, timeout=20000) as blocker:
        inbound.start_button.click()
    assert blocker.args[0].ok, blocker.args[0].explanation
    assert sandbox.calls.rooms.names() == []


def test_without_outbound_the_result_page_says_how_to_enable_it(qtbot, sandbox, memory_keyring):
    wizard, result_page = registered(qtbot, sandbox_draft(sandbox, provider="telnyx"))
    number = result_page.result.phone_number
    buttons = result_page.call_buttons.buttons
    assert all(b.isVisible() and not b.isEnabled() for b in buttons.values())
    assert buttons["call"].toolTip() == no_outbound_reason(number, "telnyx")
    assert "turn on Outbound calling in the wizard and register again" in buttons["call"].toolTip()
    assert buttons["inbound"].toolTip().startswith(INBOUND_NEEDS_OUTBOUND)
    assert result_page.call_buttons.open_test_call() is None
