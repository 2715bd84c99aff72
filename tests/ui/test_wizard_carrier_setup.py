""""Set up Twilio / Telnyx for me" driven through the wizard like a user (issue 14, point 6).

Sandbox mode: the wizard starts the LiveKit sandbox and both carrier stand-ins itself, fills in the
stand-ins' throwaway credentials and registers over HTTP with the real clients. Covered: a fresh
account, a taken termination domain shown at the field to change, a failure and a cancel undone at
the carrier and in LiveKit, a repeat run updating in place, Telnyx, switching carriers or the sandbox off, and
the console links (never a real browser: QDesktopServices.openUrl is replaced). Pictures of every
state go to build/test-screenshots for people to look at.
"""

from __future__ import annotations

import pytest
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWizard

from phonewizard.app.carrier_setup import CarrierSetupResult, ConfiguredItem
from phonewizard.app.errors import CarrierRefused
from phonewizard.domain.navigation import PageId
from tests.ui.carrier_wizard_helpers import (
    NUMBER,
    fill_outbound,
    register,
    sandbox_wizard,
    save_picture,
    tick_set_up,
    to_inbound,
)
from tests.ui.wizard_helpers import copyable_values, go_to, next_button, refuse_modal_dialogs

EMPTY_TWILIO = {"trunks": 0, "origination_urls": 0, "credential_lists": 0, "attached_lists": 0, "numbers_on_trunks": 0}
EMPTY_LIVEKIT = {"inbound": 0, "outbound": 0, "rules": 0}
CARRIER_STEPS = ["carrier_check", "carrier_trunk", "carrier_origination", "carrier_credentials", "carrier_number"]


@pytest.fixture(autouse=True)
def no_dialogs_or_browser(monkeypatch):
    opened: list[str] = []
    refuse_modal_dialogs(monkeypatch, file_dialogs=False)
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toString()) or True))
    return opened


def test_a_fresh_twilio_account_is_set_up_from_the_wizard(qtbot, tmp_path, memory_keyring):
    wizard = sandbox_wizard(qtbot, tmp_path)
    wizard.resize(940, 720)
    stand_ins = wizard.carrier_stand_ins
    inbound = to_inbound(wizard, qtbot)
    box = inbound.carrier_box
    assert box.isVisible() and not box.details.isVisible()
    tick_set_up(qtbot, inbound)
    # The stand-in's throwaway credentials are filled in, masked, and said to be the stand-in's.
    assert box.account_edit.text() == stand_ins.twilio.account_sid
    assert box.secret_edit.text() == stand_ins.twilio.auth_token and not box.secret_edit.is_revealed()
    assert box.stand_in_label.isVisible() and "stand-in" in box.stand_in_label.text()
    assert wizard.draft["registration"]["provider_config"]["carrier_setup"] == {"account_sid": stand_ins.twilio.account_sid}
    assert wizard.draft["carrier_secret"] == stand_ins.twilio.auth_token
    save_picture(wizard, "carrier-twilio-inbound-sandbox")
    fill_outbound(wizard, qtbot)

    review = register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    assert "Twilio stand-in" in review.plan_box.title()
    assert "At Twilio, use Elastic SIP trunk" in review.describe_label.text()
    assert [s for s in review.checklist.states if s.startswith("carrier_")] == CARRIER_STEPS
    assert set(review.checklist.states.values()) == {"done"}
    tw = stand_ins.twilio
    assert tw.counts() == {"trunks": 1, "origination_urls": 1, "credential_lists": 1, "attached_lists": 1,
                           "numbers_on_trunks": 1}
    assert wizard.sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    (trunk,) = tw.trunks.values()
    assert trunk["domain_name"] == "acme-support.pstn.twilio.com" and tw.number(NUMBER)["trunk_sid"] == trunk["sid"]

    result_page = wizard.currentPage()
    view = result_page.carrier_view
    assert view.isVisible() and not result_page.steps_box.isVisible()
    assert view.title() == "Configured at the Twilio stand-in (sandbox)" and view.link_labels == {}
    assert any(trunk["sid"] in value for value in copyable_values(result_page))
    assert "set up in LiveKit and at the Twilio stand-in" in result_page.summary_label.text()
    assert memory_keyring.entries == {}  # sandbox credentials are never kept
    save_picture(wizard, "carrier-twilio-result-sandbox")


def test_a_taken_domain_is_shown_at_the_termination_domain_and_fixed_there(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    tick_set_up(qtbot, to_inbound(wizard, qtbot))
    fill_outbound(wizard, qtbot, trunk_name="taken")  # the stand-in's "another account's" domain
    review = register(wizard, qtbot)
    assert isinstance(review.last_error, CarrierRefused) and review.last_error.code == "21248"
    assert "another Twilio account has taken it" in review.status_label.text()
    assert wizard.sandbox.counts() == EMPTY_LIVEKIT  # LiveKit's objects were rolled back too
    assert wizard.carrier_stand_ins.twilio.counts() == EMPTY_TWILIO
    assert review.fix_button.isVisible() and "termination domain" in review.fix_button.text()
    save_picture(wizard, "carrier-twilio-taken-domain-review")

    review.fix_button.click()
    outbound = wizard.currentPage()
    assert wizard.currentId() == int(PageId.OUTBOUND)
    problem = outbound.address_editor.problem
    assert problem.isVisible() and problem.kind == "error" and "Twilio error 21248" in problem.text()
    assert not next_button(wizard).isEnabled()
    save_picture(wizard, "carrier-twilio-taken-domain-at-field")
    outbound.address_editor.name_edit.clear()
    qtbot.keyClicks(outbound.address_editor.name_edit, "acme-support")
    assert problem.kind == "" and next_button(wizard).isEnabled()  # the line stays, empty (no layout jump)
    assert register(wizard, qtbot).result is not None


def test_a_failure_at_the_carrier_is_undone_there_and_in_livekit(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    tick_set_up(qtbot, to_inbound(wizard, qtbot))
    fill_outbound(wizard, qtbot)
    wizard.carrier_stand_ins.twilio.faults.fail("AttachPhoneNumber", "5xx")
    review = register(wizard, qtbot)
    assert review.result is None and "Twilio failed to answer (HTTP 500)" in review.status_label.text()
    states = review.checklist.states
    assert states["carrier_number"] == "failed"
    assert {states[s] for s in ("carrier_trunk", "carrier_origination", "carrier_credentials")} == {"rolled_back"}
    assert states["inbound_trunk"] == states["dispatch_rule"] == "rolled_back"
    assert wizard.carrier_stand_ins.twilio.counts() == EMPTY_TWILIO and wizard.sandbox.counts() == EMPTY_LIVEKIT
    assert not review.fix_button.isVisible()  # no setting would fix a carrier that failed to answer
    save_picture(wizard, "carrier-twilio-failure-undone")


def test_a_repeat_run_updates_in_place(qtbot, tmp_path):
    first = sandbox_wizard(qtbot, tmp_path / "first")
    tick_set_up(qtbot, to_inbound(first, qtbot))
    fill_outbound(first, qtbot)
    done = register(first, qtbot).registered.carrier
    # Later, a second wizard (the same sandbox and stand-ins): the same number, another password.
    second = sandbox_wizard(qtbot, tmp_path / "second", sandbox_factory=lambda: first.sandbox,
                            carrier_stand_ins_factory=lambda: first.carrier_stand_ins)
    tick_set_up(qtbot, to_inbound(second, qtbot))
    assert second.draft["carrier_secret"] == first.carrier_stand_ins.twilio.auth_token
    fill_outbound(second, qtbot, password="An0ther-Pa55word-x")
    again = register(second, qtbot)
    assert again.result is not None and again.result.status == "updated"
    assert again.registered.carrier.ids["trunk_sid"] == done.ids["trunk_sid"]
    assert again.registered.carrier.ids["origination_url_sids"] == done.ids["origination_url_sids"]
    assert first.carrier_stand_ins.twilio.counts() == {"trunks": 1, "origination_urls": 1, "credential_lists": 1,
                                                        "attached_lists": 1, "numbers_on_trunks": 1}
    assert first.sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_telnyx_from_the_wizard(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    inbound = to_inbound(wizard, qtbot, provider="telnyx")
    box = inbound.carrier_box
    tick_set_up(qtbot, inbound)
    assert not box.account_edit.isVisible() and box.rows["carrier_secret"].label.text() == "API &key:"
    assert box.secret_edit.text() == wizard.carrier_stand_ins.telnyx.api_key
    fill_outbound(wizard, qtbot)
    review = register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    counts = wizard.carrier_stand_ins.telnyx.counts()
    assert counts == {"connections": 1, "fqdns": 1, "profiles": 1, "numbers_on_connections": 1}
    assert {item.what for item in review.registered.carrier.items} >= {"FQDN connection", "phone number"}


def test_twilio_api_key_sign_in_and_a_switch_of_carrier(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    stand_ins = wizard.carrier_stand_ins
    inbound = to_inbound(wizard, qtbot)
    box = inbound.carrier_box
    tick_set_up(qtbot, inbound)
    box.method_combo.setCurrentIndex(box.method_combo.findData("api_key"))
    assert box.key_edit.isVisible() and box.key_edit.text() == stand_ins.api_key
    assert box.secret_edit.text() == stand_ins.api_secret and box.rows["carrier_secret"].label.text() == "API key secre&t:"
    section = wizard.draft["registration"]["provider_config"]["carrier_setup"]
    assert section == {"account_sid": stand_ins.twilio.account_sid, "api_key": stand_ins.api_key}
    # Back to the carrier choice: Telnyx. The Twilio options and secret do not follow; in the
    # sandbox the Telnyx stand-in's key takes the secret's place.
    wizard.back()
    wizard.back()
    wizard.currentPage().provider_buttons["telnyx"].click()
    wizard.next()
    wizard.next()
    assert wizard.currentId() == int(PageId.INBOUND)
    assert wizard.draft["registration"]["provider_config"]["carrier_setup"] is True
    assert wizard.draft["carrier_secret"] == stand_ins.telnyx.api_key and box.missing() is None
    assert next_button(wizard).isEnabled()


def test_unticking_and_the_sandbox_going_off_leave_no_stand_in_credentials(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    inbound = to_inbound(wizard, qtbot)
    tick_set_up(qtbot, inbound)
    inbound.carrier_box.enable_check.setChecked(False)
    assert "carrier_secret" not in wizard.draft and "provider_config" not in wizard.draft["registration"]
    inbound.carrier_box.enable_check.setChecked(True)
    stand_ins = wizard.carrier_stand_ins
    wizard.set_sandbox_active(False)
    assert stand_ins.twilio._thread is None and wizard.carrier_stand_ins is None
    assert "carrier_secret" not in wizard.draft
    assert "account_sid" not in wizard.draft["registration"]["provider_config"]["carrier_setup"]
    assert not inbound.carrier_box.stand_in_label.isVisible()


def test_a_real_accounts_result_links_each_item_to_its_console_page(qtbot, tmp_path, no_dialogs_or_browser):
    from phonewizard.domain.result import RegistrationResult
    from phonewizard.ui.pages.result_page import ResultPage

    page = ResultPage()
    qtbot.addWidget(page)
    carrier = CarrierSetupResult("twilio", [
        ConfiguredItem("SIP trunk", "TK0123 “phonewizard +14155550188 → agent”", "Elastic SIP Trunking → Trunks",
                       "https://console.twilio.com/us1/develop/sip-trunking/trunks"),
        ConfiguredItem("phone number", NUMBER, "Phone Numbers",
                       "https://console.twilio.com/us1/develop/phone-numbers/manage/incoming"),
    ], ["reuses your trunk TK0123 “Office”"], ["the old credential list CL1 could not be removed"],
        "https://console.twilio.com", {})
    result = RegistrationResult.model_validate({
        "phone_number": NUMBER, "provider": "twilio", "agent_id": "agent", "status": "active",
        "outbound_enabled": False, "created_at": "2026-12-01T00:00:00Z", "dispatch_rule_id": "SDR_x",
        "room_pattern": "agent_<caller number>_<random>", "sip_uri": "sip:a.b"})
    page.show_result(result, carrier=carrier)
    view = page.carrier_view
    assert view.title() == "Configured at Twilio" and set(view.link_labels) == {"SIP trunk", "phone number"}
    link = view.link_labels["phone number"]
    assert "open in the Twilio Console" in link.text() and not link.openExternalLinks()
    link.linkActivated.emit(link.toolTip())  # what a click on the link does
    assert no_dialogs_or_browser == ["https://console.twilio.com/us1/develop/phone-numbers/manage/incoming"]
    assert "reuses your trunk" in view.notes.text() and view.warnings.kind == "warning"


def test_cancel_during_a_carrier_step_leaves_nothing_anywhere(qtbot, tmp_path):
    wizard = sandbox_wizard(qtbot, tmp_path)
    tick_set_up(qtbot, to_inbound(wizard, qtbot))
    fill_outbound(wizard, qtbot)
    twilio = wizard.carrier_stand_ins.twilio
    twilio.faults.fail("AttachPhoneNumber", "timeout", seconds=60)  # held until released below
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    wizard.button(QWizard.WizardButton.CommitButton).click()
    qtbot.waitUntil(lambda: twilio.faults.hanging == 1, timeout=20000)
    assert review.checklist.states["carrier_number"] == "running"
    review.cancel_button.click()
    twilio.faults.release_hangs()  # the held attach is applied late, then undone with the rest
    qtbot.waitUntil(lambda: not review.busy, timeout=20000)
    assert review.status_label.text() == "Cancelled — nothing was left on LiveKit or at Twilio."
    assert twilio.counts() == EMPTY_TWILIO and wizard.sandbox.counts() == EMPTY_LIVEKIT
    assert review.result is None and wizard.currentId() == int(PageId.REVIEW)
