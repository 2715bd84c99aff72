"""The secrets audit on the wizard's carrier path (issue 14): a Twilio Auth Token and an API key
secret typed into "Set up Twilio for me" are never in a file the program wrote (profile, export,
QSettings, the pictures taken), a log record down to DEBUG, the output, the clipboard after every
Copy button, or anything the window shows (every label, button and unmasked field on every page,
which is what a screenshot can show), through a failed and two successful registrations.
"""

from __future__ import annotations

import logging

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QLabel, QLineEdit, QPlainTextEdit

from phonewizard.domain.navigation import PageId
from tests.safety.test_secrets import assert_nowhere, files_under
from tests.ui.carrier_wizard_helpers import TEST_PICTURES, fill_outbound, register, save_picture, to_inbound
from tests.ui.test_wizard_carrier_keyring import OWNED, project_wizard, type_credentials
from tests.ui.wizard_helpers import copyable_values, go_to, refuse_modal_dialogs, save_profile_and_wait


@pytest.fixture(autouse=True)
def no_dialogs(monkeypatch):
    refuse_modal_dialogs(monkeypatch, file_dialogs=False)


def shown_texts(wizard) -> dict[str, str]:
    """Everything the window can show in a picture: masked fields only as their mask."""
    texts = {"window": wizard.windowTitle()}
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        texts[f"{page_id} title"] = f"{page.title()} {page.subTitle()}"
        for n, widget in enumerate(page.findChildren(QLabel)):
            texts[f"{page_id} label {n}"] = widget.text() + widget.toolTip()
        for n, widget in enumerate(page.findChildren(QAbstractButton)):
            texts[f"{page_id} button {n}"] = widget.text() + widget.toolTip()
        for n, widget in enumerate(page.findChildren(QPlainTextEdit)):
            texts[f"{page_id} text {n}"] = widget.toPlainText()
        for n, widget in enumerate(page.findChildren(QLineEdit)):
            shown = widget.text() if widget.echoMode() == QLineEdit.EchoMode.Normal else widget.displayText()
            texts[f"{page_id} field {n}"] = shown + widget.toolTip() + widget.placeholderText()
    return texts


def test_no_carrier_credential_anywhere_on_the_wizard_path(qtbot, tmp_path, sandbox, twilio_standin, monkeypatch,
                                                           capfd, caplog, memory_keyring):
    caplog.set_level(logging.DEBUG)
    tw = twilio_standin
    api_key, api_secret = tw.add_api_key()
    secrets = [tw.auth_token, api_secret]
    pictures_before = set(TEST_PICTURES.glob("*.png")) if TEST_PICTURES.exists() else set()
    pictures: list = []
    seen: dict[str, str] = {}

    # 1. Typed in, masked; a picture of the page with it.
    wizard = project_wizard(qtbot, tmp_path, sandbox, tw)
    inbound = to_inbound(wizard, qtbot, number=OWNED)
    type_credentials(qtbot, inbound, tw.account_sid, tw.auth_token)
    pictures.append(save_picture(wizard, "audit-carrier-inbound"))
    seen.update(shown_texts(wizard))
    fill_outbound(wizard, qtbot)

    # 2. Export from the review page, then a failed registration (the message is shown), then success.
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    exported = tmp_path / "exports" / "carrier-export.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(exported), "")))
    review.export_button.click()
    assert exported.exists() and "carrier_setup" in exported.read_text()
    tw.faults.fail("AttachPhoneNumber", "error", msg="refused for the audit")
    review = register(wizard, qtbot)
    assert "refused for the audit" in review.status_label.text()
    pictures.append(save_picture(wizard, "audit-carrier-failed"))
    seen.update({f"failed {k}": v for k, v in shown_texts(wizard).items()})
    review = register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    assert tw.auth_token in memory_keyring.entries.values()  # it went somewhere safe

    # 3. The result page: every Copy button, and a picture.
    result_page = wizard.currentPage()
    clipboard = []
    for widget in result_page.copyables:
        widget.copy_button.click()
        clipboard.append(QGuiApplication.clipboard().text())
    result_page.copy_uri_button.click()
    clipboard.append(QGuiApplication.clipboard().text())
    assert len(clipboard) >= 8 and any(item.startswith("TK") for item in clipboard)
    pictures.append(save_picture(wizard, "audit-carrier-result"))
    seen.update({f"result {k}": v for k, v in shown_texts(wizard).items()})
    seen["copyable values"] = "\n".join(copyable_values(result_page))
    assert save_profile_and_wait(qtbot, wizard) is not None

    # 4. The same number again, signed in with an API key this time (a repeat run).
    second = project_wizard(qtbot, tmp_path / "second", sandbox, tw)
    inbound = to_inbound(second, qtbot, number=OWNED)
    box = inbound.carrier_box
    inbound.carrier_box.enable_check.setChecked(True)
    box.method_combo.setCurrentIndex(box.method_combo.findData("api_key"))
    qtbot.keyClicks(box.account_edit, tw.account_sid)
    qtbot.keyClicks(box.key_edit, api_key)
    qtbot.keyClicks(box.secret_edit.line_edit, api_secret)
    seen.update({f"api key {k}": v for k, v in shown_texts(second).items()})
    fill_outbound(second, qtbot)
    assert register(second, qtbot).result is not None
    assert api_secret in memory_keyring.entries.values()

    printed = capfd.readouterr()
    written = [p for p in files_under(tmp_path) if p.is_file()]
    assert any(p.suffix == ".ini" for p in written) and exported in written
    texts: dict[str, str | bytes] = {str(p): p.read_bytes() for p in written}
    new_pictures = set(TEST_PICTURES.glob("*.png")) - pictures_before | set(pictures)
    texts.update({str(p): p.read_bytes() for p in new_pictures})
    texts.update(seen)
    texts["clipboard"] = "\n".join(clipboard)
    texts["stdout"], texts["stderr"] = printed.out, printed.err
    texts["log"] = caplog.text
    texts["log records"] = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert_nowhere(secrets, texts)
