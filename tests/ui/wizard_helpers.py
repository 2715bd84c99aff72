"""Shared helpers for the wizard tests: build a PhoneWizard isolated from the user's machine.

Every wizard gets its own QSettings file and profile path under tmp_path and is shut down (sandbox
thread, worker thread) when the test ends. SCREENSHOTS is where page PNGs go (an ignored folder,
or docs/screenshots under `make screenshots`).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget, QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui.wizard import PhoneWizard

ROOT = Path(__file__).resolve().parents[2]
# Tests write their pictures to an ignored folder, never over tracked files: fonts differ between
# machines, so every run would change the PNGs. `make screenshots` (scripts/screenshots.sh) sets
# PHONEWIZARD_SCREENSHOT_DIR=docs/screenshots to regenerate the documented ones on purpose.
SCREENSHOTS = Path(os.environ.get("PHONEWIZARD_SCREENSHOT_DIR") or ROOT / "test-output" / "screenshots")
# The screenshots show the sandbox's URL: a fixed port keeps `make screenshots` from changing
# the documented pictures for that alone. Below Linux's ephemeral range.
SCREENSHOT_SANDBOX_PORT = 17880

# ≥32-byte secret: shorter HMAC keys make PyJWT warn (reference/ecosystem.md §1).
LIVEKIT_ENV = {
    "LIVEKIT_URL": "wss://acme-voice-4k2j9x1q.livekit.cloud",
    "LIVEKIT_API_KEY": "APIm3Hq8ZtVbW2xK",
    "LIVEKIT_API_SECRET": "f3Jq9LxT7vR2mW8pZ4cN6bY1hK5sD0aGeU",
}


def screenshot_sandbox(**kwargs):
    """A started SandboxServer on SCREENSHOT_SANDBOX_PORT, or on any free port when that one is
    taken (another run at the same time): then only this run's pictures differ."""
    from phonewizard.sandbox import SandboxServer, SandboxStartError

    try:
        return SandboxServer(port=SCREENSHOT_SANDBOX_PORT, **kwargs).start_in_thread()
    except SandboxStartError:
        return SandboxServer(**kwargs).start_in_thread()


def refuse_modal_dialogs(monkeypatch, *, file_dialogs: bool = True):
    """An unpatched static dialog blocks an offscreen test forever: make any use fail loudly.
    QMessageBox's static calls always, QFileDialog's open/save unless `file_dialogs=False`.
    Returns the refusing function, for a module's own dialogs."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("a modal dialog was opened")

    if file_dialogs:
        for name in ("getSaveFileName", "getOpenFileName"):
            monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    return refuse


def make_wizard(qtbot, tmp_path: Path, environ=None, **kwargs) -> PhoneWizard:
    """A shown wizard; `environ=None` means LIVEKIT_ENV (a configured project, no sandbox)."""
    settings = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    wizard = PhoneWizard(
        environ=LIVEKIT_ENV if environ is None else environ,
        settings=kwargs.pop("settings", settings),
        profile_path=kwargs.pop("profile_path", tmp_path / "profile" / "config.json"),
        **kwargs,
    )
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def new_registration(wizard: PhoneWizard) -> None:
    """From the project page through the registrations page's New registration to the agent page."""
    wizard.next()
    assert wizard.currentId() == PageId.REGISTRATIONS
    wizard.next()
    assert wizard.currentId() == PageId.AGENT


def choose_agent(qtbot, wizard: PhoneWizard, provider: str = "twilio") -> None:
    """On the agent page: type the agent's name (support-agent) and click `provider`'s button."""
    agent = wizard.page(PageId.AGENT)
    qtbot.keyClicks(agent.agent_edit, "support-agent")
    qtbot.mouseClick(agent.provider_buttons[provider], Qt.MouseButton.LeftButton)


def wizard_at(qtbot, tmp_path, page_id, provider="twilio", environ=None):
    """A wizard with pages before `page_id` filled in by typing, showing `page_id`
    (`environ` as for make_wizard)."""
    wizard = make_wizard(qtbot, tmp_path, environ=environ)
    new_registration(wizard)
    choose_agent(qtbot, wizard, provider)
    wizard.next()
    if page_id == PageId.NUMBER:
        return wizard, wizard.page(PageId.NUMBER)
    qtbot.keyClicks(wizard.page(PageId.NUMBER).phone_edit, "+14155550101")
    wizard.next()
    assert wizard.currentId() == page_id
    return wizard, wizard.page(page_id)


def next_button(wizard: QWizard):
    return wizard.button(QWizard.WizardButton.NextButton)


def go_to(wizard: PhoneWizard, qtbot, page_id) -> None:
    """Press Next until `page_id` is current (the current pages must be complete)."""
    for _ in range(10):
        if wizard.currentId() == int(page_id):
            return
        assert next_button(wizard).isEnabled(), (
            f"Next is disabled on page {wizard.currentId()}: "
            f"{[str(p) for p in wizard.currentPage().own_errors()]}"
        )
        wizard.next()
        qtbot.wait(1)
    raise AssertionError(f"never reached page {page_id}")


def save_screenshot(widget: QWidget, name: str, folder: Path = SCREENSHOTS) -> Path:
    """<folder>/<name>.png of the whole widget (the wizard window, a dialog), as it looks once
    settled."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    # Layout changes (scroll bars, word-wrapped heights) and rows added to a visible layout are
    # applied by posted events, some of which post more; a grab taken before them shows a
    # transient state.
    QTest.qWait(100)
    assert widget.grab().save(str(target)), f"could not write {target}"
    return target


def copyable_values(result_page) -> list[str]:
    """Everything a Copy button on the result page can put on the clipboard."""
    return [result_page.sip_uri_label.text(), *(c.value() for c in result_page.copyables)]


def save_profile_and_wait(qtbot, wizard: PhoneWizard, timeout: int = 10000):
    """Press Save profile in code and wait for its keyring job: the Path written, or None."""
    with qtbot.waitSignal(wizard.profile.saved, timeout=timeout) as blocker:
        assert wizard.profile.save()
    return blocker.args[0]


def dark_palette():
    """A dark desktop theme's palette (the colours of a typical dark Fusion/Breeze theme)."""
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in (
        (roles.Window, "#2b2b2b"), (roles.WindowText, "#e8e8e8"), (roles.Base, "#1f1f1f"),
        (roles.AlternateBase, "#2b2b2b"), (roles.Text, "#e8e8e8"), (roles.Button, "#3a3a3a"),
        (roles.ButtonText, "#e8e8e8"), (roles.Highlight, "#3d6fb4"), (roles.HighlightedText, "#ffffff"),
        (roles.ToolTipBase, "#3a3a3a"), (roles.ToolTipText, "#e8e8e8"), (roles.PlaceholderText, "#9a9a9a"),
        (roles.Link, "#8ab4f8"), (roles.Light, "#505050"), (roles.Midlight, "#444444"),
        (roles.Mid, "#333333"), (roles.Dark, "#202020"), (roles.Shadow, "#000000"),
    ):
        palette.setColor(role, QColor(color))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def use_palette(palette):
    """Set the application palette; returns the previous one (put it back with this again)."""
    from PySide6.QtWidgets import QApplication

    previous = QApplication.palette()
    QApplication.setPalette(palette)
    QApplication.processEvents()  # palette-change events, then the tones' refresh (next turn)
    QApplication.processEvents()
    return previous
