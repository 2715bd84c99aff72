"""Pages 1 and 2 driven like a user: typed input → inline message and the state of Next."""

import pytest
from PySide6.QtCore import Qt

from phonewizard.domain.navigation import PageId
from phonewizard.ui.pages.livekit_page import SECRET_MISSING, describe_connection
from tests.ui.wizard_helpers import LIVEKIT_ENV, make_wizard, new_registration, next_button


def retype(qtbot, edit, text):
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_livekit_page_prefilled_from_environment(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    assert page.url_edit.text() == LIVEKIT_ENV["LIVEKIT_URL"]
    assert page.key_edit.text() == LIVEKIT_ENV["LIVEKIT_API_KEY"]
    assert page.secret_edit.text() == LIVEKIT_ENV["LIVEKIT_API_SECRET"]
    assert not wizard.sandbox_active and not page.sandbox_banner.isVisibleTo(page)
    assert next_button(wizard).isEnabled()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("", "url"),
        ("demo.livekit.cloud", "wss://"),
        ("ftp://demo.livekit.cloud", "wss://"),
    ],
)
def test_bad_url_shows_inline_error_and_blocks_next(qtbot, tmp_path, url, expected):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    retype(qtbot, page.url_edit, url)
    problem = page.rows["livekit.url"].problem
    assert problem.isVisibleTo(page) and problem.kind == "error"
    assert expected.lower() in problem.text().lower()
    assert not next_button(wizard).isEnabled()
    retype(qtbot, page.url_edit, "wss://demo.livekit.cloud")
    assert problem.kind == "" and problem.text() == ""  # its line stays reserved, empty
    assert next_button(wizard).isEnabled()
    assert wizard.draft["livekit"]["url"] == "wss://demo.livekit.cloud"


def test_missing_secret_blocks_next_with_a_reason(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    page.secret_edit.line_edit.selectAll()
    qtbot.keyClick(page.secret_edit.line_edit, Qt.Key.Key_Delete)
    assert page.rows["livekit.api_secret"].problem.text() == SECRET_MISSING
    assert not next_button(wizard).isEnabled()
    qtbot.keyClicks(page.secret_edit.line_edit, "another-secret-that-is-long-enough-32b")
    assert next_button(wizard).isEnabled()


def test_secret_is_masked_until_revealed(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    secret = wizard.page(PageId.LIVEKIT).secret_edit
    assert not secret.is_revealed()
    qtbot.mouseClick(secret.reveal_button, Qt.MouseButton.LeftButton)
    assert secret.is_revealed() and secret.reveal_button.text() == "Hide"
    qtbot.mouseClick(secret.reveal_button, Qt.MouseButton.LeftButton)
    assert not secret.is_revealed()


def test_sip_uri_is_optional_and_stored_trimmed(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    qtbot.keyClicks(page.sip_uri_edit, "  sip:4k2j9x1q.sip.livekit.cloud ")
    assert wizard.draft["livekit"]["sip_uri"] == "sip:4k2j9x1q.sip.livekit.cloud"
    page.sip_uri_edit.clear()
    assert "sip_uri" not in wizard.draft["livekit"]


def test_enter_in_a_field_goes_to_the_next_page(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    page.url_edit.setFocus()
    qtbot.keyClick(page.url_edit, Qt.Key.Key_Return)
    assert wizard.currentId() == PageId.REGISTRATIONS


def test_describe_connection_counts():
    assert describe_connection(
        {"inbound_trunks": 2, "outbound_trunks": 0, "dispatch_rules": 1, "phonewizard_numbers": 1}
    ) == "Connected: 2 inbound trunks, 0 outbound trunks, 1 dispatch rule, 1 number set up by phonewizard"
    assert describe_connection(None) == "Connected."


# --- page 2 ----------------------------------------------------------------------------------


def to_agent_page(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    new_registration(wizard)
    return wizard, wizard.page(PageId.AGENT)


def test_agent_page_needs_name_and_provider(qtbot, tmp_path):
    wizard, page = to_agent_page(qtbot, tmp_path)
    assert not next_button(wizard).isEnabled()
    qtbot.keyClicks(page.agent_edit, "support-agent")
    assert not next_button(wizard).isEnabled()  # no provider yet
    assert page.provider_problem.kind == "error"
    qtbot.mouseClick(page.provider_buttons["twilio"], Qt.MouseButton.LeftButton)
    assert next_button(wizard).isEnabled()
    assert wizard.draft["agent_name"] == "support-agent"
    assert wizard.draft["registration"]["provider"] == "twilio"
    assert page.provider_problem.kind == "" and not page.provider_problem.text()


def test_agent_name_error_is_inline(qtbot, tmp_path):
    wizard, page = to_agent_page(qtbot, tmp_path)
    qtbot.mouseClick(page.provider_buttons["telnyx"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.agent_edit, "x" * 200)
    assert page.agent_problem.kind == "error" and page.agent_problem.isVisibleTo(page)
    assert "agent" in page.agent_problem.text().lower() or "long" in page.agent_problem.text().lower()
    assert not next_button(wizard).isEnabled()
    retype(qtbot, page.agent_edit, "sales")
    assert next_button(wizard).isEnabled()


def test_errors_are_muted_until_the_user_edits_the_page(qtbot, tmp_path):
    wizard, page = to_agent_page(qtbot, tmp_path)
    assert page.pristine and page.agent_problem.kind == "error"
    assert "#5f6368" in page.agent_problem.styleSheet()  # muted grey, not red, before any edit
    qtbot.keyClicks(page.agent_edit, "a")
    retype(qtbot, page.agent_edit, "")
    assert "#b3261e" in page.agent_problem.styleSheet()


def test_every_provider_has_a_one_line_summary(qtbot, tmp_path):
    _wizard, page = to_agent_page(qtbot, tmp_path)
    assert set(page.provider_buttons) == {"livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"}
    for provider_id, summary in page.provider_summaries.items():
        assert summary.text() and page.provider_buttons[provider_id].toolTip() == summary.text()


def test_label_mnemonics_have_buddies(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    from PySide6.QtWidgets import QLabel

    for page_id in (PageId.LIVEKIT, PageId.AGENT, PageId.NUMBER, PageId.INBOUND):
        page = wizard.page(page_id)
        for label in page.findChildren(QLabel):
            if "&" in label.text() and label.textFormat() != Qt.TextFormat.RichText:
                assert label.buddy() is not None, f"{label.text()!r} on {page_id.name} has no buddy"


def _mnemonic(text):
    """The letter after a single '&' ('&&' is a literal ampersand), lower-case, or None."""
    cleaned = text.replace("&&", "")
    index = cleaned.find("&")
    return cleaned[index + 1].lower() if 0 <= index < len(cleaned) - 1 else None


def test_mnemonics_are_unique_on_each_page(qtbot, tmp_path):
    from PySide6.QtWidgets import QAbstractButton, QLabel, QWizard

    wizard = make_wizard(qtbot, tmp_path)
    wizard_buttons = [
        wizard.button(b) for b in (
            QWizard.WizardButton.CustomButton1, QWizard.WizardButton.CustomButton2,
            QWizard.WizardButton.HelpButton, QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton,
        )
    ]
    for page_id in (PageId.LIVEKIT, PageId.AGENT, PageId.NUMBER, PageId.INBOUND):
        page = wizard.page(page_id)
        texts = [w.text() for w in wizard_buttons]
        texts += [w.text() for w in page.findChildren(QAbstractButton)]
        texts += [
            w.text() for w in page.findChildren(QLabel) if w.textFormat() != Qt.TextFormat.RichText
        ]
        letters = [m for m in map(_mnemonic, texts) if m]
        duplicates = {m for m in letters if letters.count(m) > 1}
        assert not duplicates, f"{page_id.name}: Alt+{duplicates} is ambiguous in {texts}"


def test_tab_order_follows_the_fields_top_to_bottom(qtbot, tmp_path):
    # The focus chain is what Tab walks (keyboard focus itself needs an active window, which
    # the offscreen platform does not give reliably).
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    expected = [page.url_edit, page.key_edit, page.secret_edit.line_edit,
                page.secret_edit.reveal_button, page.sip_uri_edit, page.test_button]
    seen = []
    widget = page.sandbox_check
    while len(seen) < len(expected):
        widget = widget.nextInFocusChain()
        tabbable = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if tabbable and widget.isVisibleTo(wizard) and widget.isEnabled() and widget.focusProxy() is None:
            seen.append(widget)
    assert seen == expected


def test_plain_remote_url_needs_explicit_consent(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    assert not page.insecure_check.isVisibleTo(page)
    retype(qtbot, page.url_edit, "ws://livekit.internal.example.com:7880")
    problem = page.rows["livekit.url"].problem
    assert page.insecure_check.isVisibleTo(page)
    assert problem.kind == "error" and "unencrypted" in problem.text()
    assert not next_button(wizard).isEnabled()
    qtbot.mouseClick(page.insecure_check, Qt.MouseButton.LeftButton)
    assert wizard.draft["livekit"]["allow_insecure_transport"] is True
    assert next_button(wizard).isEnabled()
    qtbot.mouseClick(page.insecure_check, Qt.MouseButton.LeftButton)
    assert "allow_insecure_transport" not in wizard.draft["livekit"]
    retype(qtbot, page.url_edit, "http://127.0.0.1:7880")  # local: no question asked
    assert not page.insecure_check.isVisibleTo(page) and next_button(wizard).isEnabled()
