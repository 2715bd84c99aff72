"""The inline message under a field: red for an error, amber for a warning, hidden when fine.

Colour is never the only signal (accessibility): the text starts with "Error:"/"Warning:" for
screen readers via the accessible description, and the visible text is the message itself.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from phonewizard.ui.widgets.enum_props import set_enum_property  # not Qt.*: see there

ERROR_COLOR = "#b3261e"
WARNING_COLOR = "#8a5a00"
HINT_COLOR = "#5f6368"
OK_COLOR = "#146c2e"  # success: a test that connected, an export written, a step done


class ProblemLabel(QLabel):
    """A word-wrapped label that shows at most one problem. `kind` is "error", "warning" or ""."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_enum_property(self, "textFormat", "PlainText")
        set_enum_property(self, "textInteractionFlags", "TextSelectableByMouse")
        self.kind = ""
        self.hide()

    def show_error(self, message: str) -> None:
        self._show("error", message, ERROR_COLOR)

    def show_pending(self, message: str) -> None:
        """An error the user has not had a chance to fix yet: still an error, shown muted."""
        self._show("error", message, HINT_COLOR)

    def show_warning(self, message: str) -> None:
        self._show("warning", message, WARNING_COLOR)

    def show_problem(self, error: str | None, warning: str | None = None) -> None:
        """Show the error if there is one, else the warning, else nothing."""
        if error:
            self.show_error(error)
        elif warning:
            self.show_warning(warning)
        else:
            self.clear_problem()

    def clear_problem(self) -> None:
        if not self.kind and not self.text() and self.isHidden():
            return  # already clear: skip the relayout (this runs per field per keystroke)
        self.kind = ""
        self.setText("")
        self.setAccessibleDescription("")
        self.hide()

    def _show(self, kind: str, message: str, color: str) -> None:
        if (kind, message, color) == (self.kind, self.text(), getattr(self, "_color", None)) and not self.isHidden():
            return  # unchanged: setStyleSheet re-polishes the widget, costly per keystroke
        self._color = color
        self.kind = kind
        self.setText(message)
        self.setStyleSheet(f"color: {color};")
        self.setAccessibleName(kind.capitalize())
        self.setAccessibleDescription(f"{kind.capitalize()}: {message}")
        self.show()


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A soft grey explanatory line under a field (links open in the browser)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {HINT_COLOR};")
    set_enum_property(label, "textInteractionFlags", "TextBrowserInteraction")
    label.setOpenExternalLinks(True)
    return label
