"""Pages 3 and 4: number formatting, per-entry list errors, provider-specific inbound options."""

import pytest
from PySide6.QtCore import Qt

from phonewizard.domain.navigation import PageId
from phonewizard.domain.providers import provider_info
from phonewizard.ui.pages.inbound_page import DIGEST_PATH, TWILIO_CAVEAT
from phonewizard.ui.pages.base import get_path
from phonewizard.ui.widgets.phone_edit import PhoneLineEdit
from tests.ui.wizard_helpers import next_button, wizard_at


# --- page 3 ----------------------------------------------------------------------------------


def test_number_is_formatted_as_typed_and_stored_as_e164(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    assert not next_button(wizard).isEnabled()
    qtbot.keyClicks(page.phone_edit, "+442079460958")
    assert page.phone_edit.text() == "+44 20 7946 0958"
    assert page.country_label.text() == "United Kingdom (+44)"
    assert wizard.draft["registration"]["phone_number"] == "+442079460958"
    assert next_button(wizard).isEnabled()


def test_number_without_plus_uses_the_region(qtbot):
    edit = PhoneLineEdit(region="US")
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "4155552671")
    assert edit.text() == "(415) 555-2671"
    assert edit.e164() == "+14155552671"
    assert edit.country() == "United States (+1)"


def test_caret_stays_where_the_user_edits(qtbot):
    edit = PhoneLineEdit(region="US")
    qtbot.addWidget(edit)
    qtbot.keyClicks(edit, "4155552671")
    edit.setCursorPosition(9)  # after "(415) 555"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "(415) 552-671" and edit.cursorPosition() == 8
    edit.setCursorPosition(3)  # after "(41"
    qtbot.keyClicks(edit, "9")
    assert edit.text() == "(419) 555-2671" and edit.cursorPosition() == 4
    assert edit.e164() == "+14195552671"


@pytest.mark.parametrize(
    "typed, expected",
    [("+1415555", "short"), ("+1 415 555 0101 x23", "extension"), ("+14155550101;ext=23", "extension"), ("+1-800-FLOWERS", "letters")],
)
def test_bad_number_shows_why(qtbot, tmp_path, typed, expected):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, typed)
    problem = page.phone_row.problem
    assert problem.kind == "error" and expected in problem.text()
    assert "#b3261e" in problem.styleSheet()
    assert not next_button(wizard).isEnabled()
    assert page.country_label.text() == ""  # its line is kept, empty (no country yet)


def test_caller_list_reports_the_bad_entry_only(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, "+14155550101")
    callers = page.callers_list
    for typed in ("+14155550102", "+1415", "+14155550103"):
        qtbot.mouseClick(callers.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(callers.entry_edits()[-1], typed)
    problems = callers.entry_problems()
    assert [p.kind for p in problems] == ["", "error", ""]
    assert "short" in problems[1].text()
    assert not next_button(wizard).isEnabled()
    # Removing the bad entry clears the error and unblocks Next.
    remove = callers._entries[1].remove  # noqa: SLF001 - the row's own Remove button
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert wizard.draft["registration"]["allowed_numbers"] == ["+14155550102", "+14155550103"]
    assert next_button(wizard).isEnabled()


def test_duplicate_extra_trunk_number_is_flagged_on_its_row(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, "+14155550101")
    for typed in ("+14155550199", "+14155550199"):
        qtbot.mouseClick(page.trunk_list.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(page.trunk_list.entry_edits()[-1], typed)
    assert wizard.draft["registration"]["trunk_numbers"] == ["+14155550101", "+14155550199", "+14155550199"]
    kinds = [p.kind for p in page.trunk_list.entry_problems()]
    assert kinds == ["", "error"]
    assert "already" in page.trunk_list.entry_problems()[1].text()
    assert not next_button(wizard).isEnabled()


def test_number_format_note_follows_the_provider(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER, provider="vonage")
    assert page.format_note.text() == provider_info("vonage").number_format_note
    wizard.back()
    qtbot.mouseClick(wizard.page(PageId.AGENT).provider_buttons["telnyx"], Qt.MouseButton.LeftButton)
    wizard.next()
    assert page.format_note.text() == provider_info("telnyx").number_format_note


def test_livekit_numbers_skip_the_inbound_page(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER, provider="livekit")
    qtbot.keyClicks(page.phone_edit, "+14155550101")
    assert page.nextId() == PageId.CALL_HANDLING


# --- page 4 ----------------------------------------------------------------------------------


def test_address_entries_are_checked_one_by_one(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND)
    assert next_button(wizard).isEnabled()  # the list is optional
    for typed in ("203.0.113.10", "sip:carrier.example.com", "198.51.100.0/24"):
        qtbot.mouseClick(page.addresses.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(page.addresses.entry_edits()[-1], typed)
    problems = page.addresses.entry_problems()
    assert [p.kind for p in problems] == ["", "error", ""]
    assert "sip:" in problems[1].text()
    assert not next_button(wizard).isEnabled()
    edit = page.addresses.entry_edits()[1]
    edit.clear()
    qtbot.keyClicks(edit, "carrier.example.com")
    assert next_button(wizard).isEnabled()
    assert wizard.draft["registration"]["allowed_addresses"] == [
        "203.0.113.10", "carrier.example.com", "198.51.100.0/24",
    ]


def test_twilio_signalling_ranges_added_in_one_click(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="twilio")
    assert page.ranges_button.isEnabled() and "Twilio" in page.ranges_button.text()
    qtbot.mouseClick(page.ranges_button, Qt.MouseButton.LeftButton)
    ranges = list(provider_info("twilio").signalling_ranges)
    assert wizard.draft["registration"]["allowed_addresses"] == ranges
    qtbot.mouseClick(page.ranges_button, Qt.MouseButton.LeftButton)  # no duplicates
    assert wizard.draft["registration"]["allowed_addresses"] == ranges
    assert next_button(wizard).isEnabled()


def test_ranges_button_disabled_with_reason_when_none_published(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="bandwidth")
    assert not page.ranges_button.isEnabled()
    assert page.ranges_reason.isVisibleTo(page)
    # Bandwidth publishes them per account: the page says where (issue 13).
    assert "Account › Trunk Group Configurations" in page.ranges_reason.text()


def test_ranges_button_reason_for_a_custom_provider(qtbot, tmp_path):
    _wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="custom")
    assert "Your provider publishes no fixed signalling ranges" in page.ranges_reason.text()


def test_digest_auth_option_and_twilio_caveat(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="twilio")
    assert not page.digest_caveat.isVisibleTo(page)  # a warning about ticking it, not shown while unticked
    qtbot.mouseClick(page.digest_check, Qt.MouseButton.LeftButton)
    assert page.digest_caveat.isVisibleTo(page) and page.digest_caveat.text() == TWILIO_CAVEAT
    assert get_path(wizard.draft, DIGEST_PATH) is True
    # Credentials are asked on the outbound page; their errors do not block this page.
    assert next_button(wizard).isEnabled()
    qtbot.mouseClick(page.digest_check, Qt.MouseButton.LeftButton)
    assert "provider_config" not in wizard.draft["registration"]
    assert not page.digest_caveat.isVisibleTo(page)


def test_other_carriers_get_their_own_digest_caveat(qtbot, tmp_path):
    _wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND, provider="telnyx")
    qtbot.mouseClick(page.digest_check, Qt.MouseButton.LeftButton)
    assert page.digest_caveat.isVisibleTo(page) and page.digest_caveat.text() != TWILIO_CAVEAT
    assert page.digest_caveat.text().startswith("No source we know of says Telnyx answers")
    assert "Telnyx" in page.ranges_button.text()
