"""Screenshots of pages 1-4 filled the way a user would fill them, in a light and a dark palette.

They go to test-output/screenshots/ (ignored); `make screenshots` writes the documented ones to
docs/screenshots/. The assertions make sure each one shows a finished page at the wizard's real
size with real text, not an empty or clipped window.
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QImage

from phonewizard.domain.navigation import PageId
from tests.ui.wizard_helpers import (
    choose_agent,
    dark_palette,
    make_wizard,
    new_registration,
    next_button,
    save_screenshot,
    screenshot_sandbox,
    use_palette,
)


def check_png(path, wizard):
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (wizard.width(), wizard.height())
    assert image.width() >= 860 and image.height() >= 640
    assert QFontInfo(wizard.font()).family() != ""  # a font exists, so text is not tofu boxes


def show_connected(qtbot, wizard) -> None:
    """The LiveKit page with its SIP URI typed, as after a successful connection test."""
    livekit = wizard.page(PageId.LIVEKIT)
    qtbot.keyClicks(livekit.sip_uri_edit, "sip:4k2j9x1q.sip.livekit.cloud")
    livekit._show_test_result("Connected: 1 inbound trunk, 1 outbound trunk, 1 dispatch rule", ok=True)


def test_screenshots_of_pages_1_to_4(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    wizard.resize(940, 720)

    show_connected(qtbot, wizard)
    check_png(save_screenshot(wizard, "01-livekit"), wizard)
    new_registration(wizard)

    choose_agent(qtbot, wizard, "twilio")
    assert next_button(wizard).isEnabled()
    check_png(save_screenshot(wizard, "02-agent"), wizard)
    wizard.next()

    number = wizard.page(PageId.NUMBER)
    qtbot.keyClicks(number.phone_edit, "+14155550101")
    qtbot.mouseClick(number.callers_list.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(number.callers_list.entry_edits()[-1], "+1 650 555 0142")
    qtbot.mouseClick(number.callers_list.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(number.callers_list.entry_edits()[-1], "+1 650 555")
    assert number.callers_list.entry_problems()[-1].kind == "error"  # shown in the picture
    check_png(save_screenshot(wizard, "03-number"), wizard)
    number.callers_list.entry_edits()[-1].clear()
    qtbot.keyClicks(number.callers_list.entry_edits()[-1], "+1 650 555 0199")
    assert next_button(wizard).isEnabled()
    wizard.next()

    inbound = wizard.page(PageId.INBOUND)
    qtbot.mouseClick(inbound.ranges_button, Qt.MouseButton.LeftButton)
    check_png(save_screenshot(wizard, "04-inbound"), wizard)
    assert next_button(wizard).isEnabled()


def test_screenshot_of_sandbox_mode(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path, environ={}, sandbox_factory=screenshot_sandbox)
    wizard.resize(940, 720)
    assert wizard.sandbox_active
    check_png(save_screenshot(wizard, "01-livekit-sandbox"), wizard)


def test_screenshots_in_a_dark_palette(qtbot, tmp_path):
    """The same pages on a dark desktop theme: hints, errors, warnings and success readable."""
    from phonewizard.ui.widgets.tones import is_dark

    previous = use_palette(dark_palette())
    try:
        wizard = make_wizard(qtbot, tmp_path)
        wizard.resize(940, 720)
        assert is_dark(wizard.palette().color(wizard.backgroundRole()))
        show_connected(qtbot, wizard)
        check_png(save_screenshot(wizard, "01-livekit-dark"), wizard)
        new_registration(wizard)
        choose_agent(qtbot, wizard, "twilio")
        wizard.next()
        number = wizard.page(PageId.NUMBER)
        qtbot.keyClicks(number.phone_edit, "+14155550101")
        qtbot.mouseClick(number.callers_list.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(number.callers_list.entry_edits()[-1], "+1 650 555")
        assert number.callers_list.entry_problems()[-1].kind == "error"
        assert wizard.currentId() == PageId.NUMBER
        check_png(save_screenshot(wizard, "03-number-dark"), wizard)
        number.callers_list.entry_edits()[-1].clear()
        qtbot.keyClicks(number.callers_list.entry_edits()[-1], "+1 650 555 0199")
        wizard.next()
        inbound = wizard.page(PageId.INBOUND)
        qtbot.mouseClick(inbound.ranges_button, Qt.MouseButton.LeftButton)
        inbound.digest_check.setChecked(True)  # the Twilio caveat (a warning) shows
        assert wizard.currentId() == PageId.INBOUND
        check_png(save_screenshot(wizard, "04-inbound-dark"), wizard)
    finally:
        use_palette(previous)


@pytest.mark.parametrize("size", ["minimum", "default"])
def test_pages_fit_without_clipping(qtbot, tmp_path, size):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from phonewizard.ui.wizard import DEFAULT_SIZE, MINIMUM_SIZE

    wizard = make_wizard(qtbot, tmp_path)
    wizard.resize(*(MINIMUM_SIZE if size == "minimum" else DEFAULT_SIZE))
    new_registration(wizard)
    choose_agent(qtbot, wizard, "twilio")
    wizard.back()
    wizard.back()
    for page_id in (PageId.LIVEKIT, PageId.REGISTRATIONS, PageId.AGENT, PageId.NUMBER, PageId.INBOUND):
        page = wizard.currentPage()
        assert wizard.currentId() == page_id
        qtbot.wait(10)  # let the layouts settle
        assert not page.scroll_area.verticalScrollBar().isVisible(), f"{page_id.name} needs scrolling"
        viewport = page.scroll_area.viewport().width()
        assert page.scroll_area.widget().width() <= viewport, f"{page_id.name} is cut on the right"
        for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
            if widget.isVisibleTo(page) and not (isinstance(widget, QLabel) and widget.wordWrap()):
                assert widget.width() >= widget.sizeHint().width(), (
                    f"{page_id.name}: {widget.text()!r} is clipped ({widget.width()} < {widget.sizeHint().width()})"
                )
        if page_id == PageId.NUMBER:
            qtbot.keyClicks(page.phone_edit, "+14155550101")
        if page_id != PageId.INBOUND:
            assert next_button(wizard).isEnabled()
            wizard.next()


def test_pictures_go_to_an_ignored_folder_unless_make_screenshots_asks():
    """`make test` must leave the work tree clean (.ci/run checks git status after the tests)."""
    import os
    import re
    import shutil
    import subprocess
    from pathlib import Path

    from tests.ui.wizard_helpers import ROOT, SCREENSHOTS

    if not os.environ.get("PHONEWIZARD_SCREENSHOT_DIR"):
        assert ROOT / "docs" not in SCREENSHOTS.parents
        if shutil.which("git") and (ROOT / ".git").exists():
            probe = SCREENSHOTS / "01-livekit.png"
            ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", str(probe)])
            assert ignored.returncode == 0, f"{probe} is not ignored by git"
    # `make screenshots` names tests that exist.
    script = (ROOT / "scripts" / "screenshots.sh").read_text()
    for path, name in re.findall(r"(tests/ui/\w+\.py)(?:::(\w+))?", script):
        source = (ROOT / path).read_text()
        assert not name or f"def {name}(" in source, (path, name)
    assert Path(ROOT / "docs" / "screenshots").is_dir()
