"""The keyboard (issue 15.2): focus after Next, Enter after a page button, no clashing Alt keys.

The mnemonic test walks every page in every state that shows different controls (each carrier
on the outbound page, sandbox on and off, the review page's conflict buttons, the result page)
and asserts that no Alt+letter is claimed twice, the wizard's own buttons included.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui.keyboard import first_input, mnemonic_clashes, mnemonic_of, mnemonic_owners
from tests.ui.wizard_helpers import go_to, make_wizard, new_registration, next_button, refuse_modal_dialogs, wizard_at


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch)


def turn():
    """What happens between two of the user's keystrokes: queued events and zero timers run."""
    for _ in range(2):
        QApplication.processEvents()


def press(wizard, key):
    """A key press where the keyboard focus is, as the user's keyboard would deliver it."""
    QTest.keyClick(wizard.focusWidget() or wizard, key)
    turn()


def type_text(wizard, text):
    QTest.keyClicks(wizard.focusWidget() or wizard, text)


# --- focus after Next ------------------------------------------------------------------------


def test_digits_typed_right_after_next_land_in_the_phone_number(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    turn()
    wizard.next()  # the registrations page; its Next is "New registration"
    turn()
    wizard.next()
    turn()
    type_text(wizard, "support-agent")  # the agent name has the focus
    agent = wizard.page(PageId.AGENT)
    assert agent.agent_edit.text() == "support-agent"
    qtbot.mouseClick(agent.provider_buttons["twilio"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(next_button(wizard), Qt.MouseButton.LeftButton)
    turn()
    type_text(wizard, "4155550101")
    number = wizard.page(PageId.NUMBER)
    assert wizard.currentId() == PageId.NUMBER
    assert number.phone_edit.e164() == "+14155550101", number.phone_edit.text()


def test_the_first_page_starts_in_the_url_field(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    turn()
    assert wizard.focusWidget() is wizard.page(PageId.LIVEKIT).url_edit


def test_in_sandbox_mode_the_first_page_starts_on_the_sandbox_switch(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={})  # no project: the sandbox, fields disabled
    turn()
    assert wizard.sandbox_active
    assert wizard.focusWidget() is wizard.page(PageId.LIVEKIT).sandbox_check


@pytest.mark.parametrize(
    "page_id, expected",
    [
        (PageId.AGENT, lambda page: page.agent_edit),
        (PageId.NUMBER, lambda page: page.phone_edit),
        # The carrier set-up box comes first for Twilio (the provider of wizard_at).
        (PageId.INBOUND, lambda page: page.carrier_box.enable_check),
        (PageId.OUTBOUND, lambda page: page.enable_check),
        (PageId.CALL_HANDLING, lambda page: page.encryption_combo),
        (PageId.BEHAVIOUR, lambda page: page.auto_navigate_check),
    ],
)
def test_every_page_starts_in_its_first_field(qtbot, tmp_path, page_id, expected):
    wizard, _page = wizard_at(qtbot, tmp_path, PageId.INBOUND)
    go_to(wizard, qtbot, page_id) if page_id > PageId.INBOUND else None
    while wizard.currentId() > page_id:
        wizard.back()
    turn()
    page = wizard.currentPage()
    assert wizard.focusWidget() is expected(page), wizard.focusWidget()
    assert first_input(page) is expected(page)


# --- Enter -----------------------------------------------------------------------------------


def test_enter_after_a_page_button_goes_to_the_next_page(qtbot, tmp_path):
    wizard, page = wizard_at(qtbot, tmp_path, PageId.INBOUND)
    turn()
    qtbot.mouseClick(page.ranges_button, Qt.MouseButton.LeftButton)
    added = len(page.addresses.values())
    assert added > 0
    assert wizard.focusWidget() is page.ranges_button  # a click gives the button the focus
    press(wizard, Qt.Key.Key_Return)
    assert wizard.currentId() == PageId.OUTBOUND
    assert len(page.addresses.values()) == added  # not pressed a second time


def test_enter_after_save_profile_goes_to_the_next_page(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    save = wizard.button(QWizard.WizardButton.CustomButton2)
    save.setFocus()
    turn()
    assert not save.autoDefault()
    press(wizard, Qt.Key.Key_Enter)
    assert wizard.currentId() == PageId.REGISTRATIONS  # the page after the project's


def test_no_page_button_is_an_auto_default_button(qtbot, tmp_path):
    wizard, _page = wizard_at(qtbot, tmp_path, PageId.INBOUND)
    go_to(wizard, qtbot, PageId.REVIEW)
    for page_id in wizard.visitedIds():
        for button in wizard.page(page_id).findChildren(QPushButton):
            assert not button.autoDefault(), (page_id, button.text())


# --- mnemonics -------------------------------------------------------------------------------


def test_mnemonic_of():
    assert mnemonic_of("Add &trunk number") == "t"
    assert mnemonic_of("&Next >") == "n"
    assert mnemonic_of("Salt && &pepper") == "p"
    assert mnemonic_of("Cancel") is None and mnemonic_of("Trailing &") is None


def assert_no_clash(wizard, where):
    clashes = mnemonic_clashes(wizard)
    assert not clashes, f"{where}: Alt+letter used twice: {clashes}"
    return mnemonic_owners(wizard)


def fill_to_number(qtbot, wizard, provider):
    new_registration(wizard)
    agent = wizard.page(PageId.AGENT)
    agent.agent_edit.clear()
    qtbot.keyClicks(agent.agent_edit, "support-agent")
    agent.provider_buttons[provider].click()
    go_to(wizard, qtbot, PageId.NUMBER)
    number = wizard.page(PageId.NUMBER)
    number.phone_edit.clear()
    qtbot.keyClicks(number.phone_edit, "+14155550101")


@pytest.mark.parametrize("provider", ["twilio", "vonage", "telnyx", "bandwidth", "custom", "livekit"])
def test_no_mnemonic_is_used_twice_on_any_page(qtbot, tmp_path, provider):
    wizard = make_wizard(qtbot, tmp_path, environ={})  # the sandbox, so Register really runs
    livekit = wizard.page(PageId.LIVEKIT)
    owners = assert_no_clash(wizard, "LiveKit page, sandbox on")
    assert {"n", "o", "s", "a", "y"} <= set(owners)  # Next, Open, Save, About, the sandbox box
    livekit.sandbox_check.click()  # off: every field enabled, the insecure option offered
    qtbot.keyClicks(livekit.url_edit, "ws://203.0.113.7:7880")
    assert livekit.insecure_check.isVisibleTo(livekit)
    assert_no_clash(wizard, "LiveKit page, sandbox off")
    livekit.sandbox_check.click()

    fill_to_number(qtbot, wizard, provider)
    if provider != "livekit":  # LiveKit Phone Numbers have no trunks: no inbound or outbound page
        go_to(wizard, qtbot, PageId.OUTBOUND)
    for page_id in reversed(wizard.visitedIds()):
        while wizard.currentId() != page_id:
            wizard.back()
        assert_no_clash(wizard, PageId(page_id).name)
    if provider != "livekit":
        check_outbound_states(qtbot, wizard, provider)
    go_to(wizard, qtbot, PageId.CALL_HANDLING)
    assert_no_clash(wizard, "call handling page")
    go_to(wizard, qtbot, PageId.BEHAVIOUR)
    assert_no_clash(wizard, "behaviour page")
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    owners = assert_no_clash(wizard, "review page")
    assert "r" in owners  # Register
    review.run_box.show()  # what a conflict shows: every button of the registration box
    for button in (review.cancel_button, review.back_to_number_button, review.take_over_button):
        button.show()
    assert_no_clash(wizard, "review page, conflict buttons")
    for button in (review.cancel_button, review.back_to_number_button, review.take_over_button):
        button.hide()
    review.run_box.hide()

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT) or review.last_error is not None, timeout=15000)
    if provider == "livekit":
        # The sandbox has no LiveKit phone numbers to sell: the review page shows why instead.
        assert "not a phone number of this LiveKit project" in review.status_label.text()
        assert_no_clash(wizard, "review page after a failed registration")
        return
    assert wizard.currentId() == int(PageId.RESULT), review.status_label.text()
    assert_no_clash(wizard, "result page")


def check_outbound_states(qtbot, wizard, provider):
    go_to(wizard, qtbot, PageId.OUTBOUND)
    outbound = wizard.currentPage()
    outbound.enable_check.setChecked(True)
    assert_no_clash(wizard, f"outbound page, {provider}")
    # Digest auth on the inbound page shows the credentials even with outbound off.
    outbound.enable_check.setChecked(False)
    wizard.back()
    wizard.page(PageId.INBOUND).digest_check.setChecked(True)
    assert_no_clash(wizard, "inbound page, digest on")
    wizard.next()
    assert_no_clash(wizard, f"outbound page, {provider}, credentials for digest")
    wizard.back()
    wizard.page(PageId.INBOUND).digest_check.setChecked(False)
    wizard.next()
