"""The wizard's carrier hints (issue 13): when each fact was last checked and against what, the
LiveKit Cloud note by the "add ranges" button, Telnyx's SRV hosts, and the transfer rules."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.navigation import PageId
from phonewizard.domain.plan import plan
from phonewizard.domain.result import complete_result, result_template
from phonewizard.ui.pages.behaviour_page import BehaviourPage
from phonewizard.ui.pages.outbound_page import OutboundPage
from phonewizard.ui.pages.result_page import ResultPage
from phonewizard.ui.widgets.fact_hint import FactHint
from tests.ui.test_pages_5_9_harness import BASE_DRAFT, draft, next_enabled, open_wizard
from tests.ui.wizard_helpers import make_wizard, new_registration, wizard_at


def test_fact_hint_reads_the_clock_it_is_given(qtbot):
    hint = FactHint("signalling", clock=lambda: date(2026, 9, 1))
    qtbot.addWidget(hint)
    hint.set_provider("twilio")
    assert not hint.isHidden()
    assert hint.text().startswith("Last checked 2026-08-24 against LiveKit, “Inbound trunk” and Twilio")
    assert "over 90 days" not in hint.text()
    assert "https://www.twilio.com/docs/sip-trunking/ip-addresses" in hint.toolTip()
    late = FactHint("signalling", clock=lambda: date(2026, 12, 1))
    qtbot.addWidget(late)
    late.set_provider("twilio")
    assert "over 90 days ago: re-check" in late.text()
    late.set_provider(None)
    assert late.isHidden()


def test_agent_page_says_when_the_chosen_carriers_facts_were_checked(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    new_registration(wizard)
    page = wizard.page(PageId.AGENT)
    assert page.facts_hint.isHidden()
    qtbot.mouseClick(page.provider_buttons["telnyx"], Qt.MouseButton.LeftButton)
    assert page.facts_hint.isVisibleTo(page)
    assert "last checked 2026-08-24 to 2026-11-30" in page.facts_hint.text()
    assert "docs/carrier-facts.md" in page.facts_hint.text()
    assert "sipdev.telnyx.com" in page.facts_hint.toolTip()


def test_inbound_page_dates_its_facts_and_notes_the_cloud_gate(qtbot, tmp_path):
    _wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="twilio")
    # The test project is on LiveKit Cloud (wss://….livekit.cloud): the gate is stated by the button.
    assert page.cloud_note.isVisibleTo(page)
    assert "LiveKit support has enabled them" in page.cloud_note.text()
    assert "IP Addresses for Elastic SIP Trunking Services" in page.ranges_facts.text()
    assert page.digest_facts.isVisibleTo(page) and "2026-11-30" in page.digest_facts.text()


def test_inbound_page_has_no_cloud_note_for_a_self_hosted_server(qtbot, tmp_path):
    environ = {"LIVEKIT_URL": "wss://livekit.example.com", "LIVEKIT_API_KEY": "APIm3Hq8ZtVbW2xK",
               "LIVEKIT_API_SECRET": "f3Jq9LxT7vR2mW8pZ4cN6bY1hK5sD0aGeU"}
    wizard, number = wizard_at(qtbot, tmp_path, PageId.NUMBER, provider="bandwidth", environ=environ)
    assert "+E.164 in both directions." == number.format_note.text()
    assert "ElevenLabs, “Bandwidth SIP trunking”" in number.format_facts.text()
    qtbot.keyClicks(number.phone_edit, "+14155550101")
    wizard.next()
    page = wizard.page(PageId.INBOUND)
    assert not page.cloud_note.isVisibleTo(page)
    assert page.ranges_facts.text().startswith("Not yet confirmed against Bandwidth App")


def test_outbound_editor_offers_telnyx_srv_hosts_with_their_source(qtbot):
    wizard = open_wizard(qtbot, draft(provider="telnyx"), [OutboundPage()])
    page = wizard.currentPage()
    page.enable_check.setChecked(True)
    editor = page.address_editor
    editor.region_combo.setCurrentIndex(editor.region_combo.findData("ca-srv"))
    assert wizard.draft["registration"]["outbound_address"] == "sip-ca.telnyx.com"
    assert "SRV Records" in editor.facts_hint.text()
    # A stored SRV host is split back into the same choice, not silently replaced.
    editor.set_address("sip-au.telnyx.com")
    assert editor.region_combo.currentData() == "au-srv"


def test_vonage_trunk_name_length_is_checked_while_typing(qtbot):
    wizard = open_wizard(qtbot, draft(provider="vonage"), [OutboundPage()])
    page = wizard.currentPage()
    page.enable_check.setChecked(True)
    qtbot.keyClicks(page.address_editor.name_edit, "abcd")
    assert "5–32 characters" in page.address_editor.local_error()
    assert not next_enabled(wizard)


def test_warm_transfer_without_outbound_shows_why_on_its_checkbox(qtbot):
    wizard = open_wizard(qtbot, draft(provider="twilio"), [BehaviourPage()])
    page = wizard.currentPage()
    page.warm_check.setChecked(True)
    assert page.warm_row.problem.kind == "error"
    assert "dials the supervisor through the outbound trunk" in page.warm_row.problem.text()
    assert not next_enabled(wizard)
    assert "WarmTransferTask" in page.transfer_facts.text()


def test_cold_transfer_on_a_livekit_number_warns_on_its_checkbox(qtbot):
    wizard = open_wizard(qtbot, draft(provider="livekit"), [BehaviourPage()])
    page = wizard.currentPage()
    page.cold_check.setChecked(True)
    assert page.cold_row.problem.kind == "warning"
    assert "TransferSIPParticipant" in page.cold_row.problem.text()
    assert next_enabled(wizard)


def test_result_page_lists_what_a_test_call_confirms(qtbot):
    config = PhoneWizardConfig.model_validate({**BASE_DRAFT, "registration": {
        "phone_number": "+14155550100", "provider": "livekit"}})
    result = complete_result(result_template(plan(config)), inbound_trunk_id=None,
                             outbound_trunk_id=None, dispatch_rule_id="SDR_x", updated=False)
    page = ResultPage()
    qtbot.addWidget(page)
    page.show_result(result)
    assert not page.checks_box.isHidden()
    assert "exact text +14155550100" in page.checks_label.text()
    assert not page.steps_facts.isHidden()
    assert "against livekit/protocol livekit_phone_number.proto" in page.steps_facts.text()
