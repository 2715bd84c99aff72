"""Issue 15 in the wizard: messages in the controls' words, the LiveKit CLI's projects on page 1,
a sandbox at a stable address and its exports, Cancel asking before discarding edits, the Vonage
region from the number, page 1's notices about LiveKit's variables, the result page's tips."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QMessageBox, QWizard

from phonewizard.app.secrets import SecretStore
from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import livekit_secret_key
from phonewizard.ui.control_words import CONTROLS
from phonewizard.ui.keyboard import mnemonic_clashes
from phonewizard.ui.pages.result_page import extra_tips
from phonewizard.ui.sandbox_port import PREFERRED_PORT, port_note
from phonewizard.ui.widgets.problem_label import ProblemLabel
from tests.ui.test_control_words_text import GUI_STATES, file_field_names
from tests.ui.wizard_helpers import (
    LIVEKIT_ENV,
    go_to,
    make_wizard,
    refuse_modal_dialogs,
    save_profile_and_wait,
    wizard_at,
)

LK_SECRET = "lk-secret-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch)


def texts(wizard) -> set[str]:
    """Every label, button and check box text in the wizard, without `&` and a trailing colon."""
    found = set()
    for widget in wizard.findChildren(QLabel) + wizard.findChildren(QAbstractButton):
        text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
        found.add(text.removesuffix(":"))
    return found


# --- messages in the controls' words ----------------------------------------------------------

def test_every_control_named_in_messages_is_on_screen_with_those_words(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    shown = texts(wizard)
    missing = {path: c.words for path, c in CONTROLS.items() if c.words not in shown}
    assert not missing, f"ui/control_words.py names controls the wizard does not show: {missing}"


@pytest.mark.parametrize("state", GUI_STATES, ids=str)
def test_walking_the_pages_with_invalid_input_shows_no_file_field_name(qtbot, tmp_path, state):
    wizard = make_wizard(qtbot, tmp_path)
    wizard.load_draft(json.loads(json.dumps(GUI_STATES[state])))
    for page in wizard.draft_pages():
        page.pristine = False  # as after the user typed there: every message in full
        page.apply_report(wizard.report)
    names = file_field_names()
    messages = [label.text() for label in wizard.findChildren(ProblemLabel) if label.text()]
    review = wizard.page(PageId.REVIEW)
    messages.append(review.settings_label.text())
    assert messages, "no message was shown: the walk tested nothing"
    for text in messages:
        text = text.replace("agent_name in WorkerOptions", "")
        found = sorted(n for n in names if re.search(rf"(?<![\w“]){n}(?!\w)", text))
        assert not found, f"{state}: {text!r} names {found}"


def test_the_insecure_url_message_names_the_tick_box(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    page.url_edit.clear()
    qtbot.keyClicks(page.url_edit, "http://livekit.example.com:7880")
    assert "tick “Allow an unencrypted connection" in page.rows["livekit.url"].problem.text()


# --- page 1: LiveKit's variables, the LiveKit CLI's projects ----------------------------------

def test_a_url_without_a_key_in_the_environment_is_named_on_page_1(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={"LIVEKIT_URL": LIVEKIT_ENV["LIVEKIT_URL"]})
    notices = wizard.page(PageId.LIVEKIT).notice_label.text()
    assert "LIVEKIT_URL is set in the environment, but LIVEKIT_API_KEY is not" in notices
    assert "no LiveKit project configured" not in notices


def lk_environ(tmp_path: Path, sandbox, text: str | None = None) -> dict[str, str]:
    path = tmp_path / "lk.yaml"
    path.write_text(text if text is not None else f"""\
default_project: local
projects:
    - name: local
      project_id: p_sbx42
      url: {sandbox.url}
      api_key: {sandbox.api_key}
      api_secret: {sandbox.api_secret}
    - name: other
      url: https://other.example.com
      api_key: APIother
      api_secret: {LK_SECRET}
""")
    return {"PHONEWIZARD_LK_CLI_CONFIG": str(path)}


def test_page_1_offers_the_lk_projects_and_fills_them_in(qtbot, tmp_path, sandbox):
    wizard = make_wizard(qtbot, tmp_path, environ=lk_environ(tmp_path, sandbox))
    page = wizard.page(PageId.LIVEKIT)
    assert wizard.sandbox_active  # offered, not chosen for the user
    assert not page.lk_combo.isHidden()
    assert [page.lk_combo.itemText(i) for i in range(page.lk_combo.count())] == [
        "Choose a project…", f"local (default) — {sandbox.url}", "other — https://other.example.com"]
    assert not mnemonic_clashes(wizard), mnemonic_clashes(wizard)
    page.lk_combo.setCurrentIndex(1)
    page.lk_combo.activated.emit(1)
    assert not wizard.sandbox_active
    livekit = wizard.draft["livekit"]
    assert (livekit["url"], livekit["api_key"], livekit["sip_uri"]) == (
        sandbox.url, sandbox.api_key, "sip:sbx42.sip.livekit.cloud")
    assert livekit["api_secret"] == sandbox.api_secret and "sandbox" not in livekit
    assert not page.keep_lk_secret_check.isHidden() and not page.keep_lk_secret_check.isChecked()
    assert wizard.api_secret_source() == "lk-cli"
    page.keep_lk_secret_check.setChecked(True)
    assert wizard.api_secret_source() == "typed"
    page.keep_lk_secret_check.setChecked(False)
    page.secret_edit.line_edit.setText("typed-by-hand-0123456789abcdefghijklmn")
    assert page.keep_lk_secret_check.isHidden() and wizard.api_secret_source() == "typed"


def test_an_lk_secret_is_not_copied_to_the_keyring_unless_asked(qtbot, tmp_path, sandbox, memory_keyring):
    environ = lk_environ(tmp_path, sandbox)
    wizard = make_wizard(qtbot, tmp_path, environ=environ)
    wizard.page(PageId.LIVEKIT).lk_combo.activated.emit(1)  # "local", as chosen in the list
    assert save_profile_and_wait(qtbot, wizard) is not None
    assert SecretStore().get(livekit_secret_key(sandbox.url, sandbox.api_key)) is None
    # Next start: the profile names the project, the keyring has no secret, lk's file has it.
    again = make_wizard(qtbot, tmp_path, environ=environ, profile_path=wizard.profile.path)
    again.startup.run()
    qtbot.waitUntil(lambda: again.draft["livekit"].get("api_secret") == sandbox.api_secret, timeout=5000)
    assert again.api_secret_source() == "lk-cli"
    # Asked: Save profile keeps a copy.
    again.page(PageId.LIVEKIT).keep_lk_secret_check.setChecked(True)
    assert save_profile_and_wait(qtbot, again) is not None
    assert SecretStore().get(livekit_secret_key(sandbox.url, sandbox.api_key)) == sandbox.api_secret


@pytest.mark.parametrize("text", ["projects: [broken\n", "", "\x00binary"], ids=["malformed", "empty", "binary"])
def test_a_missing_or_broken_lk_file_offers_nothing(qtbot, tmp_path, sandbox, text):
    wizard = make_wizard(qtbot, tmp_path, environ=lk_environ(tmp_path, sandbox, text))
    assert wizard.page(PageId.LIVEKIT).lk_combo.isHidden()
    missing = make_wizard(qtbot, tmp_path, environ={"PHONEWIZARD_LK_CLI_CONFIG": str(tmp_path / "none.yaml")})
    assert missing.page(PageId.LIVEKIT).lk_combo.isHidden()


# --- the sandbox: a stable address, and its exports -----------------------------------------

def test_the_sandbox_prefers_the_cli_port_and_says_when_it_cannot(qtbot, tmp_path, monkeypatch):
    from phonewizard.cli import SANDBOX_PORT

    assert PREFERRED_PORT == SANDBOX_PORT == 7880
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setenv("PHONEWIZARD_SANDBOX_PORT", str(port))
        wizard = make_wizard(qtbot, tmp_path, environ={})
        assert wizard.sandbox_active and wizard.sandbox.url != f"http://127.0.0.1:{port}"
        note = wizard.page(PageId.LIVEKIT).sandbox_problem.text()
        assert f"Port {port} is in use" in note and wizard.sandbox.url in note
        wizard.shutdown()
    monkeypatch.setenv("PHONEWIZARD_SANDBOX_PORT", str(port))  # free now
    wizard = make_wizard(qtbot, tmp_path, environ={})
    assert wizard.sandbox.url == f"http://127.0.0.1:{port}" and port_note(wizard.sandbox) is None
    assert not wizard.page(PageId.LIVEKIT).sandbox_problem.text()


def fill_sandbox_twilio(qtbot, wizard) -> None:
    draft = json.loads(json.dumps(wizard.draft))
    draft["agent_name"] = "support-agent"
    draft["registration"] = {"phone_number": "+14155550123", "provider": "twilio"}
    wizard.load_draft(draft)
    wizard.point_at_sandbox(wizard.draft)
    wizard.restart()
    go_to(wizard, qtbot, PageId.REVIEW)


def test_a_sandbox_export_is_marked_and_says_how_to_use_it(qtbot, tmp_path, monkeypatch):
    wizard = make_wizard(qtbot, tmp_path, environ={})
    assert wizard.sandbox_active
    fill_sandbox_twilio(qtbot, wizard)
    target = tmp_path / "export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    review = wizard.page(PageId.REVIEW)
    review.export_button.click()
    message = review.export_status.text()
    assert json.loads(target.read_text())["livekit"]["sandbox"] is True
    assert "start `phonewizard sandbox`" in message and "no secret was saved" in message
    assert "keyring" not in message.replace("no secret was saved", "")
    # Opened again (in a wizard configured for a real project), it is a sandbox configuration.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), "")))
    other = make_wizard(qtbot, tmp_path)
    assert not other.sandbox_active
    assert other.profile.open_configuration()
    assert other.sandbox_active and other.draft["livekit"]["url"] == other.sandbox.url


def test_an_export_before_register_does_not_say_the_secrets_are_in_the_keyring(qtbot, tmp_path, monkeypatch):
    wizard, _page = wizard_at(qtbot, tmp_path, PageId.INBOUND)
    go_to(wizard, qtbot, PageId.REVIEW)
    target = tmp_path / "export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    review = wizard.page(PageId.REVIEW)
    review.export_button.click()
    message = review.export_status.text()
    assert "saved in your system keyring when you press Register" in message
    assert "stay in your system keyring" not in message and "PHONEWIZARD_SIP_PASSWORD" in message


# --- Cancel with unsaved edits ---------------------------------------------------------------

def asking(monkeypatch, answer):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: asked.append(args[1]) or answer))
    return asked


def test_cancel_without_edits_closes_without_asking(qtbot, tmp_path, monkeypatch):
    asked = asking(monkeypatch, QMessageBox.StandardButton.Cancel)
    wizard = make_wizard(qtbot, tmp_path)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert asked == [] and not wizard.isVisible()


def test_cancel_with_edits_asks_and_keeps_the_window_unless_discarded(qtbot, tmp_path, monkeypatch):
    asked = asking(monkeypatch, QMessageBox.StandardButton.Cancel)
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, "+1415555")
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert asked == ["Discard your changes?"] and wizard.isVisible()
    assert page.phone_edit.text() == "+1 415-555"  # nothing lost
    asking(monkeypatch, QMessageBox.StandardButton.Discard)
    wizard.reject()  # Escape or the window's close button end here too
    assert not wizard.isVisible()


def test_saving_the_profile_counts_as_saved(qtbot, tmp_path, monkeypatch):
    asked = asking(monkeypatch, QMessageBox.StandardButton.Cancel)
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, "+14155550123")
    assert save_profile_and_wait(qtbot, wizard) is not None
    wizard.reject()
    assert asked == [] and not wizard.isVisible()


# --- small things ----------------------------------------------------------------------------

@pytest.mark.parametrize("number, region", [("+442071838750", "eu"), ("+14155550123", "us"), ("+61291234567", "ap")])
def test_the_vonage_region_starts_at_the_numbers(qtbot, tmp_path, number, region):
    wizard = make_wizard(qtbot, tmp_path)
    draft = json.loads(json.dumps(wizard.draft))
    draft["agent_name"] = "booking-agent"
    draft["registration"] = {"phone_number": number, "provider": "vonage"}
    wizard.load_draft(draft)
    wizard.restart()
    go_to(wizard, qtbot, PageId.OUTBOUND)
    editor = wizard.page(PageId.OUTBOUND).address_editor
    assert editor.region_combo.currentData() == region


def test_a_stored_vonage_host_keeps_its_region(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    draft = json.loads(json.dumps(wizard.draft))
    draft["agent_name"] = "booking-agent"
    draft["registration"] = {"phone_number": "+442071838750", "provider": "vonage", "enable_outbound": True,
                             "outbound_address": "acme-booking.sip-us.vonage.com",
                             "auth_username": "a1b2c3d4", "auth_password": "Vonage-Secret-0123"}
    wizard.load_draft(draft)
    wizard.restart()
    go_to(wizard, qtbot, PageId.OUTBOUND)
    assert wizard.page(PageId.OUTBOUND).address_editor.region_combo.currentData() == "us"


def test_the_result_page_names_the_dispatch_rule_it_means():
    class Result:
        dispatch_rule_id = "SDR_abc123"

    tips = " ".join(extra_tips(Result()))
    assert "dispatch rule SDR_abc123" in tips and "below" not in tips
