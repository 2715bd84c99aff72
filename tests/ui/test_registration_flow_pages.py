"""Review and result pages against the sandbox over HTTP: register, progress, cancel, conflicts,
keyring trouble, export and copy. The wizard here is the small harness with the real pages;
test_registration_flow.py drives the whole PhoneWizard from the first page.
"""

from __future__ import annotations

import json

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.services.config_files import load_config
from phonewizard.services.secret_store import SecretStore
from phonewizard.ui.pages.behaviour_page import BehaviourPage
from phonewizard.ui.pages.call_handling_page import CallHandlingPage
from phonewizard.ui.pages.outbound_page import OutboundPage
from phonewizard.ui.pages.result_page import ResultPage
from phonewizard.ui.pages.review_page import NOTHING_LEFT, ReviewPage
from tests.ui.test_pages_5_9_harness import SIP_PASSWORD, draft, open_wizard
from tests.ui.wizard_helpers import copyable_values, refuse_modal_dialogs


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    """An unpatched static dialog blocks an offscreen test forever: make any use fail loudly."""
    refuse_modal_dialogs(monkeypatch)


def sandbox_draft(sandbox, **registration):
    d = draft(**registration)
    d["livekit"] = {
        "url": sandbox.url, "api_key": sandbox.api_key,
        "api_secret": sandbox.api_secret, "sip_uri": sandbox.sip_uri,
    }
    return d


def outbound_draft(sandbox):
    return sandbox_draft(
        sandbox, provider="twilio", enable_outbound=True, outbound_address="acme-support.pstn.twilio.com",
        outbound_transport="TCP", auth_username="acme-livekit", auth_password=SIP_PASSWORD,
        custom_headers={"X-Customer-Id": "acme-42"},
    )


def review_wizard(qtbot, initial):
    pages = [ReviewPage(), ResultPage(), OutboundPage(), CallHandlingPage(), BehaviourPage()]
    wizard = open_wizard(qtbot, initial, pages)
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    return wizard, pages[0], pages[1]


def register_button(wizard):
    return wizard.button(QWizard.WizardButton.CommitButton)


def press_register(qtbot, wizard):
    button = register_button(wizard)
    assert button.isVisible() and button.isEnabled()
    assert button.text().replace("&", "") == "Register"
    button.click()


def objects(sandbox):
    snap = sandbox.snapshot()
    return {kind: sorted(items) for kind, items in snap.items() if kind != "phone_numbers"}


def test_register_shows_progress_then_the_result_page(qtbot, sandbox, memory_keyring):
    wizard, review, result_page = review_wizard(qtbot, outbound_draft(sandbox))
    assert "acme-support.pstn.twilio.com" in review.describe_label.text()
    assert SIP_PASSWORD not in review.plan_view.toPlainText()
    assert "••••••" in review.plan_view.toPlainText()
    summary = review.settings_label.text()
    assert "acme-support.pstn.twilio.com" in summary and "X-Customer-Id → acme-42" in summary
    assert SIP_PASSWORD not in summary and sandbox.api_secret not in summary
    plan_json = json.loads(review.plan_view.toPlainText())
    assert plan_json["outbound_trunk"]["trunk"]["address"] == "acme-support.pstn.twilio.com"
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=10000)
    assert review.checklist.states == {
        "conflict_check": "done", "inbound_trunk": "done", "outbound_trunk": "done", "dispatch_rule": "done",
    }
    result = result_page.result
    counts = sandbox.counts()
    assert sum(counts.values()) == 3, counts
    ids = [c.value() for c in result_page.copyables]
    assert result.inbound_trunk_id in ids and result.dispatch_rule_id in ids and result.outbound_trunk_id in ids
    assert result_page.sip_uri_label.text() == result.sip_uri == sandbox.sip_uri
    # Secrets went to the keyring on Register, never onto the page.
    assert memory_keyring.entries, "nothing was saved to the keyring"
    assert SIP_PASSWORD in memory_keyring.entries.values()
    for value in copyable_values(result_page):
        assert SIP_PASSWORD not in value and sandbox.api_secret not in value
    assert "agent" in result_page.tips_label.text() and "dispatch rule" in result_page.tips_label.text()


def test_copy_puts_the_sip_uri_on_the_clipboard(qtbot, sandbox):
    wizard, review, result_page = review_wizard(qtbot, sandbox_draft(sandbox))
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=10000)
    QGuiApplication.clipboard().clear()
    result_page.copy_uri_button.click()
    assert QGuiApplication.clipboard().text() == sandbox.sip_uri


def test_cancel_during_registration_leaves_nothing(qtbot, sandbox):
    wizard, review, _result = review_wizard(qtbot, outbound_draft(sandbox))
    before = objects(sandbox)
    sandbox.faults.latency = 0.4
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    press_register(qtbot, wizard)
    assert review.busy and not register_button(wizard).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    qtbot.waitUntil(lambda: review.checklist.states.get("inbound_trunk") == "running", timeout=10000)
    qtbot.wait(250)  # let the create requests reach the server
    assert review.cancel_button.isVisible()
    review.cancel_button.click()
    qtbot.waitUntil(lambda: not review.busy, timeout=15000)
    timer.stop()
    assert review.status_label.text() == NOTHING_LEFT
    assert wizard.currentId() == int(PageId.REVIEW)
    assert objects(sandbox) == before
    assert "CreateSIPInboundTrunk" in sandbox.log.methods  # there was something to undo
    assert "cancelled" in review.checklist.states.values()
    assert len(ticks) > 20  # the GUI thread kept running its timers throughout


def test_keyring_unavailable_is_a_notice_and_registration_completes(qtbot, sandbox, monkeypatch, tmp_path):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    wizard, review, result_page = review_wizard(qtbot, outbound_draft(sandbox))
    press_register(qtbot, wizard)
    # The keyring is written on the worker after LiveKit accepted; the result page says it failed.
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=10000)
    assert not result_page.secrets_notice.isHidden()
    notice = result_page.secrets_notice.text()
    assert notice.startswith("Secrets were not saved:")
    assert "No secure system keyring" in notice
    assert sum(sandbox.counts().values()) == 3
    # Export still works without a keyring, and still without secrets.
    target = tmp_path / "exported.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    result_page.export_button.click()
    assert target.exists()
    text = target.read_text()
    assert SIP_PASSWORD not in text and sandbox.api_secret not in text
    assert "not in the file" in result_page.export_status.text()


def test_export_from_review_reimports_to_the_same_settings(qtbot, sandbox, monkeypatch, tmp_path):
    wizard, review, _ = review_wizard(qtbot, outbound_draft(sandbox))
    target = tmp_path / "acme"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "JSON")))
    review.export_button.click()
    written = tmp_path / "acme.json"
    assert written.exists()
    assert "The LiveKit API secret and the SIP password are not in the file" in review.export_status.text()
    loaded = load_config(written, SecretStore())
    assert loaded.report.config is not None
    original = wizard.report.config
    again = loaded.report.config
    assert again.registration.model_dump(exclude={"auth_password"}) == original.registration.model_dump(
        exclude={"auth_password"}
    )
    assert (again.agent_name, again.livekit.url, again.livekit.api_key) == (
        original.agent_name, original.livekit.url, original.livekit.api_key,
    )
    assert SIP_PASSWORD not in written.read_text()


def test_export_dialog_cancelled_writes_nothing(qtbot, sandbox, monkeypatch, tmp_path):
    wizard, review, _ = review_wizard(qtbot, outbound_draft(sandbox))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    review.export_button.click()
    assert not review.export_status.isVisible()
    assert list(tmp_path.glob("*.json")) == []


def test_failure_shows_the_message_and_stays(qtbot, sandbox, memory_keyring):
    wizard, review, _ = review_wizard(qtbot, outbound_draft(sandbox))
    sandbox.faults.fail("CreateSIPOutboundTrunk", "error", code="invalid_argument", msg="address is not a valid host")
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: not review.busy and review.last_error is not None, timeout=10000)
    assert wizard.currentId() == int(PageId.REVIEW)
    assert review.status_label.text() == str(review.last_error)
    assert "Traceback" not in review.status_label.text()
    assert review.checklist.states["outbound_trunk"] == "failed"
    assert sum(sandbox.counts().values()) == 0  # rolled back
    assert memory_keyring.entries == {}  # the typed secrets are saved only once LiveKit accepted
    assert register_button(wizard).isEnabled()  # the user may try again


def test_conflict_with_foreign_objects_offers_only_going_back(qtbot, sandbox):
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox))
    # Someone else's trunk already holds the number (no phonewizard marker).
    from livekit.protocol.sip import CreateSIPInboundTrunkRequest, SIPInboundTrunkInfo

    from phonewizard.services.livekit_client import Connection, open_api
    import asyncio

    async def make():
        conn = Connection(sandbox.url, sandbox.api_key, sandbox.api_secret)
        async with open_api(conn) as api:
            await api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(
                trunk=SIPInboundTrunkInfo(name="hand-made", numbers=["+14155550101"])))

    asyncio.run(make())
    before = objects(sandbox)
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: not review.busy and review.last_error is not None, timeout=10000)
    assert review.back_to_number_button.isVisible()
    assert not review.take_over_button.isVisible()
    assert "already set up" in review.status_label.text()
    assert objects(sandbox) == before


def test_conflict_with_another_agents_registration_can_be_taken_over(qtbot, sandbox):
    # First registration by "support-agent", then the same number for "sales-agent".
    wizard, review, _ = review_wizard(qtbot, sandbox_draft(sandbox))
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=10000)
    first = objects(sandbox)

    other = sandbox_draft(sandbox)
    other["agent_name"] = "sales-agent"
    wizard2, review2, result2 = review_wizard(qtbot, other)
    press_register(qtbot, wizard2)
    qtbot.waitUntil(lambda: not review2.busy and review2.last_error is not None, timeout=10000)
    assert review2.take_over_button.isVisible() and review2.back_to_number_button.isVisible()
    assert objects(sandbox) == first
    review2.take_over_button.click()
    qtbot.waitUntil(lambda: wizard2.currentId() == int(PageId.RESULT), timeout=10000)
    assert result2.result.status == "updated"
    # Updated in place: the same objects, now dispatching to the new agent.
    assert objects(sandbox) == first
    rules = sandbox.snapshot()["rules"]
    assert len(rules) == 1
    assert "sales-agent" in json.dumps(next(iter(rules.values())))


def test_cancel_whose_rollback_fails_names_what_was_left(qtbot, sandbox):
    wizard, review, _result = review_wizard(qtbot, outbound_draft(sandbox))
    sandbox.faults.latency = 0.3
    press_register(qtbot, wizard)
    qtbot.waitUntil(lambda: review.checklist.states.get("inbound_trunk") == "running", timeout=10000)
    # Deleting trunks fails from now on, so the rollback cannot finish.
    sandbox.faults.fail("DeleteSIPTrunk", "error", times=20, code="permission_denied", msg="not allowed")
    qtbot.wait(200)
    review.cancel_button.click()
    qtbot.waitUntil(lambda: not review.busy, timeout=15000)
    left = set(sandbox.snapshot()["inbound"]) | set(sandbox.snapshot()["outbound"])
    assert left, "the test needs at least one trunk created before the cancel"
    text = review.status_label.text()
    assert text.startswith("Cancelled, but undoing did not finish. Still on LiveKit:")
    for trunk_id in left:
        assert trunk_id in text
    assert "phonewizard unregister +14155550101" in text
    assert wizard.currentId() == int(PageId.REVIEW)
