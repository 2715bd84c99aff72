"""Pages 5-7 driven with typed input: inline errors, warnings, the Next button, and the draft."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.behaviour_page import BehaviourPage
from phonewizard.ui.pages.call_handling_page import CallHandlingPage, duration_words
from phonewizard.ui.pages.outbound_page import OutboundPage
from phonewizard.ui.pages.result_page import ResultPage
from phonewizard.ui.pages.review_page import ReviewPage
from tests.ui.test_pages_5_9_harness import SIP_PASSWORD, draft, next_enabled, open_wizard


def all_pages():
    return [OutboundPage(), CallHandlingPage(), BehaviourPage(), ReviewPage(), ResultPage()]


def start_at(qtbot, page_cls, initial):
    pages = all_pages()
    pages.sort(key=lambda p: not isinstance(p, page_cls))  # the page under test first = start page
    wizard = open_wizard(qtbot, initial, pages)
    page = pages[0]
    assert wizard.currentPage() is page
    return wizard, page


def reg(wizard):
    return wizard.draft["registration"]


# ---- OutboundPage --------------------------------------------------------------------------


def test_twilio_address_built_from_trunk_name_and_edge(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="twilio"))
    assert page.outbound_box.isHidden()
    page.enable_check.setChecked(True)
    assert page.outbound_box.isVisible()
    editor = page.address_editor
    assert editor.edge_combo.isVisible() and not editor.host_edit.isVisible()
    qtbot.keyClicks(editor.name_edit, "acme-support")
    assert editor.preview.text() == "acme-support.pstn.twilio.com"
    editor.edge_combo.setCurrentIndex(editor.edge_combo.findData("frankfurt"))
    assert editor.preview.text() == "acme-support.pstn.frankfurt.twilio.com"
    assert reg(wizard)["outbound_address"] == "acme-support.pstn.frankfurt.twilio.com"
    qtbot.keyClicks(page.username_edit, "livekit-agent")
    qtbot.keyClicks(page.password_edit.line_edit, SIP_PASSWORD)
    assert wizard.report.ok, wizard.report.errors
    assert next_enabled(wizard)


def test_bad_twilio_trunk_name_shows_inline_error_and_blocks_next(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="twilio"))
    page.enable_check.setChecked(True)
    qtbot.keyClicks(page.address_editor.name_edit, "acme_support!")
    problem = page.address_editor.problem
    assert problem.isVisible() and problem.kind == "error"
    assert "letters, digits" in problem.text()
    assert page.address_editor.preview.text() == "—"
    assert not next_enabled(wizard)
    page.address_editor.name_edit.setText("acme-support")
    assert problem.kind == "" and not problem.text()
    assert next_enabled(wizard)


def test_vonage_shows_the_seed_hint_and_needs_credentials(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="vonage"))
    page.enable_check.setChecked(True)
    editor = page.address_editor
    assert editor.vonage_hint.isVisible()
    assert "mrassistant-developer.sip-us.vonage.com" in editor.vonage_hint.text()
    assert "Outbound Calling section" in editor.vonage_hint.text()
    assert [editor.region_combo.itemData(i) for i in range(editor.region_combo.count())] == ["us", "eu", "ap"]
    qtbot.keyClicks(editor.name_edit, "mrassistant-developer")
    editor.region_combo.setCurrentIndex(editor.region_combo.findData("eu"))
    assert editor.preview.text() == "mrassistant-developer.sip-eu.vonage.com"
    # Vonage outbound without User Key / Secret: both fields say so, Next is off.
    assert not next_enabled(wizard)
    assert "User Key" in page.username_row.problem.text()
    qtbot.keyClicks(page.username_edit, "a1b2c3d4")
    qtbot.keyClicks(page.password_edit.line_edit, "Vonage-Secret-2024")
    assert next_enabled(wizard)
    assert wizard.report.config.registration.outbound_address == "mrassistant-developer.sip-eu.vonage.com"


def test_telnyx_region_picks_the_shared_host(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="telnyx"))
    page.enable_check.setChecked(True)
    editor = page.address_editor
    assert not editor.name_edit.isVisible() and editor.region_combo.isVisible()
    assert editor.preview.text() == "sip.telnyx.com"
    editor.region_combo.setCurrentIndex(editor.region_combo.findData("eu"))
    assert reg(wizard)["outbound_address"] == "sip.telnyx.eu"
    qtbot.keyClicks(page.username_edit, "telnyx-user")
    qtbot.keyClicks(page.password_edit.line_edit, "S3cure-telnyx")
    assert next_enabled(wizard)


def test_custom_host_accepts_a_pasted_uri_and_takes_its_transport(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="custom"))
    page.enable_check.setChecked(True)
    assert page.address_editor.host_edit.isVisible()
    qtbot.keyClicks(page.address_editor.host_edit, "sip:pbx.example.com;transport=tcp")
    assert next_enabled(wizard)
    config = wizard.report.config.registration
    assert (config.outbound_address, config.outbound_transport) == ("pbx.example.com", "TCP")


def test_transport_defaults_to_the_carriers_recommendation(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="telnyx"))
    assert page.transport_combo.currentData() == "TCP"  # LiveKit's Telnyx guide
    page.enable_check.setChecked(True)
    assert reg(wizard)["outbound_transport"] == "TCP"


def test_stored_addresses_are_split_back_into_the_provider_inputs(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(
        provider="twilio", enable_outbound=True, outbound_address="acme.pstn.tokyo.twilio.com",
        auth_username="u", auth_password=SIP_PASSWORD,
    ))
    assert page.address_editor.name_edit.text() == "acme"
    assert page.address_editor.edge_combo.currentData() == "tokyo"
    assert page.password_edit.text() == SIP_PASSWORD
    assert not page.password_edit.is_revealed()


def test_bad_caller_id_number_gets_an_inline_error(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="telnyx"))
    page.enable_check.setChecked(True)
    qtbot.keyClicks(page.username_edit, "telnyx-user")
    qtbot.keyClicks(page.password_edit.line_edit, "S3cure-telnyx")
    assert next_enabled(wizard)
    qtbot.mouseClick(page.numbers_editor.add_button, Qt.MouseButton.LeftButton)
    entry = page.numbers_editor.entry_edits()[0]
    qtbot.keyClicks(entry, "+1 415 CALL NOW")
    problem = page.numbers_editor.entry_problems()[0]
    assert problem.kind == "error" and "letters" in problem.text()
    assert not next_enabled(wizard)
    entry.setText("+1 415 555 0199")
    assert next_enabled(wizard)
    assert reg(wizard)["outbound_numbers"] == ["+14155550199"]


def test_twilio_password_rules_are_warnings_not_errors(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="twilio"))
    page.enable_check.setChecked(True)
    qtbot.keyClicks(page.address_editor.name_edit, "acme")
    qtbot.keyClicks(page.username_edit, "agent")
    qtbot.keyClicks(page.password_edit.line_edit, "short")
    problem = page.password_row.problem
    assert problem.kind == "warning" and "Twilio will refuse this password" in problem.text()
    assert "at least 12 characters" in problem.text()
    assert next_enabled(wizard)


def test_india_needs_destination_country_and_says_why(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="custom", phone_number="+919876543210"))
    # The only valid value is filled in for Indian numbers, with the reason beside it.
    assert page.country_edit.text() == "IN"
    assert page.india_label.isVisible() and "TRAI" in page.india_label.text()
    assert reg(wizard)["destination_country"] == "IN"  # stored on arrival, not only when edited
    assert next_enabled(wizard)
    page.country_edit.clear()
    assert not next_enabled(wizard)
    assert "Indian number" in page.country_row.problem.text()
    qtbot.keyClicks(page.country_edit, "in")
    assert page.country_edit.text() == "IN"
    assert next_enabled(wizard)


def test_country_is_suggested_from_the_number(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="custom", phone_number="+442079460958"))
    page.enable_check.setChecked(True)
    assert page.country_edit.text() == ""
    assert page.suggest_button.isVisible() and "GB" in page.suggest_button.text()
    qtbot.mouseClick(page.suggest_button, Qt.MouseButton.LeftButton)
    assert reg(wizard)["destination_country"] == "GB"
    assert not page.suggest_button.isVisible()


def test_outbound_off_hides_and_drops_outbound_settings(qtbot):
    wizard, page = start_at(qtbot, OutboundPage, draft(provider="twilio"))
    page.enable_check.setChecked(True)
    qtbot.keyClicks(page.address_editor.name_edit, "acme")
    assert reg(wizard)["outbound_address"] == "acme.pstn.twilio.com"
    page.enable_check.setChecked(False)
    assert page.outbound_box.isHidden()
    assert "outbound_address" not in reg(wizard)
    assert reg(wizard)["enable_outbound"] is False
    assert next_enabled(wizard)
    page.enable_check.setChecked(True)  # typed values come back
    assert reg(wizard)["outbound_address"] == "acme.pstn.twilio.com"


# ---- CallHandlingPage ----------------------------------------------------------------------


def test_call_handling_defaults_and_hints(qtbot):
    wizard, page = start_at(qtbot, CallHandlingPage, draft())
    assert page.encryption_combo.currentData() == "ALLOW"
    assert "still connects calls" in page.encryption_row.hint.text()
    page.encryption_combo.setCurrentIndex(page.encryption_combo.findData("REQUIRE"))
    assert "Calls fail unless" in page.encryption_row.hint.text()
    assert (page.ringing_spin.minimum(), page.ringing_spin.maximum()) == (1, 300)
    assert (page.duration_spin.minimum(), page.duration_spin.maximum()) == (60, 86400)
    page.duration_spin.setValue(5400)
    assert page.duration_words.text() == "= 1 h 30 min"
    assert reg(wizard)["max_call_duration_seconds"] == 5400
    assert reg(wizard)["media_encryption"] == "REQUIRE"
    assert next_enabled(wizard)


@pytest.mark.parametrize("seconds, words", [(60, "1 min"), (90, "1 min 30 s"), (3600, "1 h"), (86400, "24 h")])
def test_duration_words(seconds, words):
    assert duration_words(seconds) == words


def test_custom_header_without_x_prefix_is_an_inline_error(qtbot):
    wizard, page = start_at(qtbot, CallHandlingPage, draft())
    qtbot.mouseClick(page.headers_editor.add_button, Qt.MouseButton.LeftButton)
    key, value = page.headers_editor.pairs()[0]
    qtbot.keyClicks(key, "Customer-Id")
    qtbot.keyClicks(value, "acme-42")
    problem = page.headers_editor.row_problems()[0]
    assert problem.kind == "error" and "X-" in problem.text()
    assert not next_enabled(wizard)
    key.setText("X-Customer-Id")
    assert problem.kind == ""
    assert next_enabled(wizard)
    assert wizard.report.config.registration.custom_headers == {"X-Customer-Id": "acme-42"}


def test_header_mapping_with_a_space_in_the_header_name_is_refused(qtbot):
    wizard, page = start_at(qtbot, CallHandlingPage, draft())
    qtbot.mouseClick(page.mapping_editor.add_button, Qt.MouseButton.LeftButton)
    key, value = page.mapping_editor.pairs()[0]
    qtbot.keyClicks(key, "X Call Reason")
    qtbot.keyClicks(value, "call_reason")
    assert page.mapping_editor.row_problems()[0].kind == "error"
    assert not next_enabled(wizard)
    key.setText("X-Call-Reason")
    assert next_enabled(wizard)
    assert reg(wizard)["headers_to_attributes"] == {"X-Call-Reason": "call_reason"}


# ---- BehaviourPage -------------------------------------------------------------------------


def test_dtmf_sequence_with_a_letter_is_an_inline_error(qtbot):
    wizard, page = start_at(qtbot, BehaviourPage, draft())
    assert "w pauses 0.5 s" in page.dtmf_row.hint.text()
    qtbot.keyClicks(page.dtmf_edit, "*12x")
    assert page.dtmf_row.problem.kind == "error"
    assert "'x' is not a DTMF key" in page.dtmf_row.problem.text()
    assert not next_enabled(wizard)
    page.dtmf_edit.setText("*123#ww456")
    assert next_enabled(wizard)


@pytest.mark.parametrize(
    "text, message",
    [('{"team": "support",', "line 1, column"), ("[1, 2]", "must be a JSON object"), ('{"a": 1}\n}', "Extra data")],
)
def test_metadata_must_be_a_json_object(qtbot, text, message):
    wizard, page = start_at(qtbot, BehaviourPage, draft())
    page.metadata_edit.setPlainText(text)
    assert message in page.metadata_row.problem.text()
    assert page.metadata_row.problem.kind == "error"
    assert not next_enabled(wizard)
    page.metadata_edit.setPlainText('{"team": "support", "tier": 2}')
    assert page.metadata_row.problem.kind == ""
    assert next_enabled(wizard)
    assert wizard.report.config.registration.metadata == {"team": "support", "tier": 2}


def test_transfer_destinations_are_checked_per_entry(qtbot):
    wizard, page = start_at(qtbot, BehaviourPage, draft())
    qtbot.mouseClick(page.destinations_editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.destinations_editor.add_button, Qt.MouseButton.LeftButton)
    first, second = page.destinations_editor.entry_edits()
    qtbot.keyClicks(first, "+15105550100")
    qtbot.keyClicks(second, "front desk")
    problems = page.destinations_editor.entry_problems()
    assert problems[0].kind == "" and problems[1].kind == "error"
    assert not next_enabled(wizard)
    second.setText("sip:desk@pbx.example.com")
    assert next_enabled(wizard)
    assert wizard.report.config.registration.transfer_config.allowed_destinations == [
        "tel:+15105550100", "sip:desk@pbx.example.com",
    ]


def test_supervisor_and_features_land_in_the_draft(qtbot):
    wizard, page = start_at(qtbot, BehaviourPage, draft())
    assert page.feature_checks["transcription_enabled"].isChecked()  # the seed's default
    qtbot.keyClicks(page.supervisor_edit, "not a number")
    assert page.supervisor_row.problem.kind == "error"
    assert not next_enabled(wizard)
    page.supervisor_edit.setText("tel:+15105550111")
    page.feature_checks["recording_enabled"].setChecked(True)
    page.cold_check.setChecked(True)
    assert next_enabled(wizard)
    config = wizard.report.config.registration
    assert config.transfer_config.supervisor_phone == "tel:+15105550111"
    assert config.agent_features.recording_enabled and config.transfer_config.cold_transfer_enabled


def test_behaviour_page_reloads_what_it_stored(qtbot):
    wizard, page = start_at(qtbot, BehaviourPage, draft())
    page.metadata_edit.setPlainText('{"team": "support"')  # invalid, kept as typed
    page.dtmf_edit.setText("1w2")
    fresh = BehaviourPage()
    fresh.load_from(wizard.draft)
    assert fresh.metadata_edit.toPlainText() == '{"team": "support"'
    assert fresh.dtmf_edit.text() == "1w2"


def test_page_ids_match_navigation(qtbot):
    assert [p.page_id for p in all_pages()] == [
        PageId.OUTBOUND, PageId.CALL_HANDLING, PageId.BEHAVIOUR, PageId.REVIEW, PageId.RESULT,
    ]


@pytest.mark.parametrize("sandbox", [False, True])
def test_review_says_where_the_secrets_go(qtbot, sandbox):
    page = ReviewPage()
    wizard = open_wizard(qtbot, draft(auth_username="acme", auth_password=SIP_PASSWORD), [page])
    wizard.sandbox_active = sandbox  # Register keeps the sandbox's throwaway key out of the keyring
    wizard.revalidate()  # every page gets the new report
    text = page.settings_label.text()
    assert SIP_PASSWORD not in text
    if sandbox:
        assert "set (sandbox: not saved)" in text and "keyring" not in text
    else:
        assert text.count("set (saved to your system keyring on Register)") == 2
