"""The whole PhoneWizard, first page to result page, against the sandbox over HTTP.

Typed like a user: LiveKit project (from the environment) and SIP URI, agent and carrier, number,
outbound trunk, call handling, behaviour, then Register on the review page. Also writes the
screenshots of pages 5-9 (docs/screenshots/05…09-*.png) with these realistic values.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.services.config_files import load_config
from phonewizard.services.secret_store import SecretStore
from tests.ui.wizard_helpers import (
    copyable_values,
    go_to,
    make_wizard,
    refuse_modal_dialogs,
    save_screenshot,
    screenshot_sandbox,
)

SIP_PASSWORD = "Tr0ub4dor-Horse-42"
EXAMPLE_IDS = {
    "inbound_trunk_id": "ST_4mXk9PqR2vZb",
    "outbound_trunk_id": "ST_7hNc3WtY8eKd",
    "dispatch_rule_id": "SDR_Vb5sJ2gQ6pLa",
}


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch)


def sandbox_environ(sandbox):
    return {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key, "LIVEKIT_API_SECRET": sandbox.api_secret}


def fill_first_pages(qtbot, wizard, sandbox, provider="twilio", number="+14155550101"):
    livekit = wizard.page(int(PageId.LIVEKIT))
    assert livekit.url_edit.text() == sandbox.url  # from the environment
    livekit.sip_uri_edit.clear()
    qtbot.keyClicks(livekit.sip_uri_edit, sandbox.sip_uri)
    go_to(wizard, qtbot, PageId.AGENT)
    agent = wizard.page(int(PageId.AGENT))
    qtbot.keyClicks(agent.agent_edit, "support-agent")
    agent.provider_buttons[provider].click()
    go_to(wizard, qtbot, PageId.NUMBER)
    qtbot.keyClicks(wizard.page(int(PageId.NUMBER)).phone_edit, number)


@pytest.fixture
def cloud_like_sandbox():
    """A sandbox announcing a LiveKit-Cloud-shaped SIP URI, for realistic screenshots (on the
    fixed screenshot port: the review page shows its URL)."""
    server = screenshot_sandbox(sip_uri="sip:3kd8xq1vz2p.sip.livekit.cloud")
    try:
        yield server
    finally:
        server.stop_thread()


def test_full_registration_through_the_wizard(qtbot, tmp_path, cloud_like_sandbox, memory_keyring, monkeypatch):
    sandbox = cloud_like_sandbox
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_environ(sandbox))
    fill_first_pages(qtbot, wizard, sandbox)
    go_to(wizard, qtbot, PageId.OUTBOUND)
    outbound = wizard.currentPage()
    outbound.enable_check.setChecked(True)
    qtbot.keyClicks(outbound.address_editor.name_edit, "acme-support")
    outbound.address_editor.edge_combo.setCurrentIndex(outbound.address_editor.edge_combo.findData("ashburn"))
    assert outbound.transport_combo.currentData() == "TCP"  # Twilio's recommendation
    outbound.numbers_editor.add_button.click()
    qtbot.keyClicks(outbound.numbers_editor.entry_edits()[0], "+1 415 555 0101")
    qtbot.keyClicks(outbound.username_edit, "acme-livekit")
    qtbot.keyClicks(outbound.password_edit.line_edit, SIP_PASSWORD)
    qtbot.mouseClick(outbound.suggest_button, Qt.MouseButton.LeftButton)
    outbound.scroll_area.verticalScrollBar().setValue(0)
    save_screenshot(wizard, "05-outbound")
    go_to(wizard, qtbot, PageId.CALL_HANDLING)
    handling = wizard.currentPage()
    handling.ringing_spin.setValue(25)
    handling.duration_spin.setValue(1800)
    handling.headers_editor.add_button.click()
    key, value = handling.headers_editor.pairs()[0]
    qtbot.keyClicks(key, "X-Customer-Id")
    qtbot.keyClicks(value, "acme-42")
    handling.mapping_editor.add_button.click()
    key, value = handling.mapping_editor.pairs()[0]
    qtbot.keyClicks(key, "X-Call-Reason")
    qtbot.keyClicks(value, "call_reason")
    save_screenshot(wizard, "06-call-handling")
    go_to(wizard, qtbot, PageId.BEHAVIOUR)
    behaviour = wizard.currentPage()
    behaviour.auto_navigate_check.setChecked(True)
    qtbot.keyClicks(behaviour.dtmf_edit, "*123#ww456")
    behaviour.destinations_editor.add_button.click()
    qtbot.keyClicks(behaviour.destinations_editor.entry_edits()[0], "tel:+15105550100")
    behaviour.cold_check.setChecked(True)
    qtbot.keyClicks(behaviour.supervisor_edit, "tel:+15105550111")
    behaviour.feature_checks["recording_enabled"].setChecked(True)
    behaviour.feature_checks["sentiment_analysis"].setChecked(True)
    behaviour.metadata_edit.setPlainText('{"team": "support", "language": "en"}')
    behaviour.scroll_area.verticalScrollBar().setValue(0)
    save_screenshot(wizard, "07-behaviour")
    go_to(wizard, qtbot, PageId.REVIEW)

    review = wizard.currentPage()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.isEnabled() and commit.text() == "&Register"
    assert "acme-support.pstn.ashburn.twilio.com" in review.plan_view.toPlainText()
    assert SIP_PASSWORD not in review.plan_view.toPlainText()
    assert "support-agent" in review.settings_label.text()
    review.scroll_area.verticalScrollBar().setValue(0)
    save_screenshot(wizard, "08-review")

    # Export before registering: the file re-imports to the same settings, without secrets.
    target = tmp_path / "acme-export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    review.export_button.click()
    reloaded = load_config(target, SecretStore()).report
    assert reloaded.config is not None
    assert reloaded.config.registration.outbound_address == "acme-support.pstn.ashburn.twilio.com"
    assert reloaded.config.registration.custom_headers == {"X-Customer-Id": "acme-42"}
    assert reloaded.config.registration.headers_to_attributes == {"X-Call-Reason": "call_reason"}
    assert reloaded.config.registration.transfer_config.allowed_destinations == ["tel:+15105550100"]
    assert reloaded.config.registration.outbound_numbers == ["+14155550101"]
    assert reloaded.config.registration.metadata == {"team": "support", "language": "en"}
    assert SIP_PASSWORD not in target.read_text() and sandbox.api_secret not in target.read_text()

    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    result_page = wizard.currentPage()
    result = result_page.result
    assert result.phone_number == "+14155550101" and result.agent_id == "support-agent"
    snapshot = sandbox.snapshot()
    assert set(snapshot["inbound"]) == {result.inbound_trunk_id}
    assert set(snapshot["outbound"]) == {result.outbound_trunk_id}
    assert set(snapshot["rules"]) == {result.dispatch_rule_id}
    outbound_trunk = snapshot["outbound"][result.outbound_trunk_id]
    assert "acme-support.pstn.ashburn.twilio.com" in str(outbound_trunk)
    # The password is in the keyring, not on the page; the Copy button copies the SIP URI.
    assert SIP_PASSWORD in memory_keyring.entries.values()
    for shown in copyable_values(result_page):
        assert SIP_PASSWORD not in shown and sandbox.api_secret not in shown
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(result_page.copy_uri_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == sandbox.sip_uri == "sip:3kd8xq1vz2p.sip.livekit.cloud"
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # committed
    qtbot.waitUntil(lambda: result_page.copy_uri_button.text() == "&Copy", timeout=3000)
    # LiveKit's IDs are random (the sandbox's too): the picture shows fixed example IDs, so it
    # does not change on every run. Everything else on the page is this registration's.
    result_page.show_result(
        result.model_copy(update=EXAMPLE_IDS), secrets=[sandbox.api_secret, SIP_PASSWORD]
    )
    save_screenshot(wizard, "09-result")


def test_livekit_numbers_skip_outbound_and_need_no_trunks(qtbot, tmp_path, sandbox):
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_environ(sandbox))
    # The sandbox knows this number as one bought in LiveKit Cloud (PhoneNumberService).
    numbers = sandbox.snapshot()["phone_numbers"]
    assert numbers, "the sandbox has no LiveKit phone number to attach"
    e164 = next(iter(numbers.values()))["e164_format"]
    fill_first_pages(qtbot, wizard, sandbox, provider="livekit", number=e164)
    go_to(wizard, qtbot, PageId.CALL_HANDLING)  # skips INBOUND and OUTBOUND
    assert wizard.visitedIds()[-2:] == [int(PageId.NUMBER), int(PageId.CALL_HANDLING)]
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    assert "attach_number" in review.checklist.states
    assert set(review.checklist.states.values()) == {"done"}
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 1}


def test_conflict_go_back_button_returns_to_the_number_page(qtbot, tmp_path, sandbox):
    import asyncio

    from livekit.protocol.sip import CreateSIPInboundTrunkRequest, SIPInboundTrunkInfo

    from phonewizard.services.livekit_client import Connection, open_api

    async def foreign_trunk():
        async with open_api(Connection(sandbox.url, sandbox.api_key, sandbox.api_secret)) as api:
            await api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(
                trunk=SIPInboundTrunkInfo(name="made by hand", numbers=["+14155550101"])))

    asyncio.run(foreign_trunk())
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_environ(sandbox))
    fill_first_pages(qtbot, wizard, sandbox)
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: review.back_to_number_button.isVisible(), timeout=15000)
    assert not review.take_over_button.isVisible()
    review.back_to_number_button.click()
    assert wizard.currentId() == int(PageId.NUMBER)
    number = wizard.currentPage()
    number.phone_edit.clear()
    qtbot.keyClicks(number.phone_edit, "+14155550102")
    go_to(wizard, qtbot, PageId.REVIEW)
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    assert wizard.currentPage().result.phone_number == "+14155550102"


def test_open_and_save_are_locked_while_registering(qtbot, tmp_path, sandbox):
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_environ(sandbox))
    fill_first_pages(qtbot, wizard, sandbox)
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    open_button = wizard.button(QWizard.WizardButton.CustomButton1)
    save_button = wizard.button(QWizard.WizardButton.CustomButton2)
    assert open_button.isEnabled() and save_button.isEnabled()
    sandbox.faults.latency = 0.2
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert review.busy
    assert not open_button.isEnabled() and not save_button.isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    review.cancel_button.click()
    qtbot.waitUntil(lambda: not review.busy, timeout=15000)
    assert open_button.isEnabled() and save_button.isEnabled()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()


def test_closing_the_wizard_mid_registration_rolls_it_back(qtbot, tmp_path, sandbox, monkeypatch):
    # The pages were edited and nothing is saved yet: Cancel asks first (ui/discard_guard.py).
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *args: asked.append(args[1]) or QMessageBox.StandardButton.Discard))
    wizard = make_wizard(qtbot, tmp_path, environ=sandbox_environ(sandbox))
    fill_first_pages(qtbot, wizard, sandbox)
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    sandbox.faults.latency = 0.3
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: review.checklist.states.get("inbound_trunk") == "running", timeout=10000)
    qtbot.wait(150)  # the create request is on its way
    wizard.reject()  # the window's Cancel: shuts the worker down, which cancels and waits
    assert asked == ["Discard your changes?"]
    methods = sandbox.log.methods
    assert "CreateSIPInboundTrunk" in methods and "DeleteSIPTrunk" in methods  # created, then undone
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}
