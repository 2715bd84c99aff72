"""Driving "Set up Twilio / Telnyx for me" in the wizard like a user, in sandbox mode (the LiveKit
sandbox and the carrier stand-ins the wizard starts itself), and where the pictures go.

`TEST_PICTURES` (build/test-screenshots, ignored by git) gets every picture these tests take to be
looked at; the few the documentation shows go to docs/screenshots via wizard_helpers.save_screenshot,
from runs whose IDs and keys are fixed so those files come out the same every time.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui.sandbox_carriers import CarrierStandIns
from tests.ui.wizard_helpers import go_to, make_wizard, save_screenshot

TEST_PICTURES = Path(__file__).resolve().parents[2] / "build" / "test-screenshots"
SIP_PASSWORD = "Carrier-Wizard-Pa55word"
NUMBER = "+14155550188"  # not in the stand-in accounts at first: the sandbox adopts it


def save_picture(wizard: QWizard, name: str) -> Path:
    """build/test-screenshots/<name>.png of the whole window, once its layout has settled."""
    return save_screenshot(wizard, name, TEST_PICTURES)


def sandbox_wizard(qtbot, tmp_path, seed: int | None = None, **kwargs):
    """A wizard with nothing configured: it starts in sandbox mode, stand-ins included."""
    factory = (lambda: CarrierStandIns.start(seed=seed)) if seed is not None else CarrierStandIns.start
    kwargs.setdefault("carrier_stand_ins_factory", factory)
    wizard = make_wizard(qtbot, tmp_path, environ={}, **kwargs)
    assert wizard.sandbox_active and wizard.carrier_stand_ins is not None
    return wizard


def to_inbound(wizard, qtbot, provider: str = "twilio", number: str = NUMBER, agent: str = "support-agent"):
    go_to(wizard, qtbot, PageId.AGENT)
    page = wizard.currentPage()
    page.agent_edit.clear()
    qtbot.keyClicks(page.agent_edit, agent)
    qtbot.mouseClick(page.provider_buttons[provider], Qt.MouseButton.LeftButton)
    go_to(wizard, qtbot, PageId.NUMBER)
    page = wizard.currentPage()
    page.phone_edit.clear()
    qtbot.keyClicks(page.phone_edit, number)
    go_to(wizard, qtbot, PageId.INBOUND)
    return wizard.currentPage()


def click_check(qtbot, check) -> None:
    """Click a check box on its box (a click far right of its text, mid-row, hits nothing)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(7, check.height() // 2))


def tick_set_up(qtbot, inbound) -> None:
    click_check(qtbot, inbound.carrier_box.enable_check)
    assert inbound.carrier_box.enable_check.isChecked()


def fill_outbound(wizard, qtbot, trunk_name: str = "acme-support", password: str = SIP_PASSWORD) -> None:
    go_to(wizard, qtbot, PageId.OUTBOUND)
    page = wizard.currentPage()
    page.enable_check.setChecked(True)
    if page.address_editor.name_edit.isVisible():  # Twilio: the termination domain's name
        page.address_editor.name_edit.clear()
        qtbot.keyClicks(page.address_editor.name_edit, trunk_name)
    page.username_edit.clear()
    qtbot.keyClicks(page.username_edit, "acme-livekit")
    page.password_edit.line_edit.clear()
    qtbot.keyClicks(page.password_edit.line_edit, password)


def register(wizard, qtbot, timeout_ms: int = 20000):
    """Go to the review page, press Register, wait for the result page or a failure shown there."""
    go_to(wizard, qtbot, PageId.REVIEW)
    review = wizard.currentPage()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not review.busy and (review.result is not None or review.last_error is not None),
                    timeout=timeout_ms)
    if review.result is not None:
        qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=timeout_ms)
    return review
