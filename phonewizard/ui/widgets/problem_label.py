"""The inline message under a field: red for an error, amber for a warning, empty when fine.

Colour is never the only signal (accessibility): the text starts with "Error:"/"Warning:" for
screen readers via the accessible description, and the visible text is the message itself.
Colours come from ui/widgets/tones.py, so they stay readable on dark desktop themes too.

A label made with `reserve=True` (every field row's) keeps its space when empty: one line always,
and, while the page stays on screen, the height of the tallest message it has shown. So a message
appearing or going away under a field never moves the fields below it, and a click aimed at the
next field lands there (`release_space()` gives the extra height back; pages call it when shown).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from phonewizard.ui.widgets.enum_props import set_enum_property  # not Qt.*: see there
from phonewizard.ui.widgets.tones import TONES, set_tone

# The light-palette colours, kept for code that still formats a colour itself; prefer
# set_tone(widget, "error") or tone_color("error"), which follow the palette.
ERROR_COLOR = TONES["error"][0]
WARNING_COLOR = TONES["warning"][0]
HINT_COLOR = TONES["hint"][0]
OK_COLOR = TONES["ok"][0]  # success: a test that connected, an export written, a step done


class ProblemLabel(QLabel):
    """A word-wrapped label that shows at most one problem. `kind` is "error", "warning" or ""."""

    def __init__(self, parent: QWidget | None = None, *, reserve: bool = False) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_enum_property(self, "textFormat", "PlainText")
        set_enum_property(self, "textInteractionFlags", "TextSelectableByMouse")
        self.kind = ""
        self._tone: str | None = None
        self.reserve = reserve
        self._kept_height = 0
        if reserve:
            self._update_reserved_height()
        else:
            self.hide()

    def show_error(self, message: str) -> None:
        self._show("error", message, "error")

    def show_pending(self, message: str) -> None:
        """An error the user has not had a chance to fix yet: still an error, shown muted."""
        self._show("error", message, "hint")

    def show_warning(self, message: str) -> None:
        self._show("warning", message, "warning")

    def show_problem(self, error: str | None, warning: str | None = None) -> None:
        """Show the error if there is one, else the warning, else nothing."""
        if error:
            self.show_error(error)
        elif warning:
            self.show_warning(warning)
        else:
            self.clear_problem()

    def clear_problem(self) -> None:
        if not self.kind and not self.text() and (self.reserve or self.isHidden()):
            return  # already clear: skip the relayout (this runs per field per keystroke)
        self._keep_current_height()
        self.kind = ""
        self.setText("")
        self.setAccessibleName("")
        self.setAccessibleDescription("")
        if not self.reserve:
            self.hide()

    def release_space(self) -> None:
        """Forget the tallest message's height: back to one reserved line (or none)."""
        if self._kept_height:
            self._kept_height = 0
            self._update_reserved_height()

    def _show(self, kind: str, message: str, tone: str) -> None:
        if (kind, message, tone) == (self.kind, self.text(), self._tone) and not self.isHidden():
            return  # unchanged: setStyleSheet re-polishes the widget, costly per keystroke
        self._keep_current_height()
        self._tone = tone
        self.kind = kind
        self.setText(message)
        set_tone(self, tone)
        self.setAccessibleName(kind.capitalize())
        self.setAccessibleDescription(f"{kind.capitalize()}: {message}")
        self.show()

    # --- reserved space ---------------------------------------------------------------------

    def _keep_current_height(self) -> None:
        """Before the text changes: never let the label get shorter than it is now."""
        if self.reserve and self.text() and self.isVisible() and self.height() > self._kept_height:
            self._kept_height = self.height()
            self._update_reserved_height()

    def _update_reserved_height(self) -> None:
        margins = self.contentsMargins()
        line = self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()
        self.setMinimumHeight(max(line, self._kept_height))


def hint_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A soft grey explanatory line under a field (links open in the browser)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    set_tone(label, "hint")
    set_enum_property(label, "textInteractionFlags", "TextBrowserInteraction")
    label.setOpenExternalLinks(True)
    return label
