"""The application icon as a QIcon, and the About box (icon, name, version, what it does)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget, QWizard

from phonewizard import __version__
from phonewizard.resources import ICON_PNG_SIZES, icon_png

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QMessageBox

APP_TITLE = "Phone Wizard"


def app_icon() -> QIcon:
    """The icon with every PNG size added, so each platform picks a sharp one (no SVG plugin needed)."""
    from PySide6.QtGui import QIcon  # here: the About button comes before the first paint, the icon after

    icon = QIcon()
    for size in ICON_PNG_SIZES:
        icon.addFile(str(icon_png(size)))
    return icon


def about_text() -> str:
    """Rich text shown in the About box; the version comes from the package, not a copy."""
    return (
        f"<h3>{APP_TITLE} {__version__}</h3>"
        "<p>Registers a phone number for a LiveKit voice agent: a SIP inbound trunk, "
        "an optional outbound trunk and a dispatch rule.</p>"
        "<p>Secrets are kept in the system keyring, never in files.</p>"
    )


def make_about_box(parent: QWidget | None) -> QMessageBox:
    """The About box, not yet shown (separate so tests can inspect it without blocking)."""
    # Here, not at import: the About button is installed before the first paint, and PySide6
    # builds all enums of Qt / QMessageBox on first touch (ui/widgets/enum_props.py).
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    icon = app_icon()
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_TITLE}")
    box.setWindowIcon(icon)
    box.setIconPixmap(icon.pixmap(64, 64))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_about(parent: QWidget | None) -> None:
    """Modal About box with the application icon and version (blocks until closed)."""
    make_about_box(parent).exec()


def install_about(wizard: QWizard) -> None:
    """Give the wizard an "About" button (QWizard's Help button); the window icon (`app_icon`)
    is set by the second half of start-up (ui/startup.py), after page 1 has painted.

    The button shows only if the wizard's `setButtonLayout` list contains
    `QWizard.WizardButton.HelpButton` (or no custom layout is set).
    """
    wizard.setOption(QWizard.WizardOption.HaveHelpButton, True)
    wizard.setButtonText(QWizard.WizardButton.HelpButton, "&About")
    wizard.button(QWizard.WizardButton.HelpButton).setToolTip(f"About {APP_TITLE} {__version__}")
    wizard.helpRequested.connect(lambda: show_about(wizard))
