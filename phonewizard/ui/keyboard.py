"""Keyboard behaviour of the wizard: where the focus goes, what Enter does, which Alt keys exist.

`install_keyboard(wizard)` (one call from PhoneWizard.__init__) makes three things hold:

- After Next or Back, the new page's first input (`first_input`) has the focus, so typing goes
  into it at once.
  QWizard itself focuses the page's first child that takes Tab focus, which for our pages is the
  scroll area around the page body, so ten digits typed after Next were lost.
- Enter always means the wizard's Next / Register / Finish. In a dialog every push button is an
  "auto default" button: once clicked, it keeps the focus and takes Enter for itself. Page buttons
  and the wizard's Open/Save/About/Back buttons are switched to plain buttons (autoDefault off);
  QWizard keeps Next, Register and Finish as the default button.
- `mnemonic_owners(wizard)` lists which visible control claims which Alt+letter, with the
  wizard's own buttons, so a test can walk every page and assert that no letter is claimed twice.
"""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QPushButton, QWidget, QWizard

_WIZARD_BUTTONS = (
    QWizard.WizardButton.BackButton,
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.CommitButton,
    QWizard.WizardButton.FinishButton,
    QWizard.WizardButton.CancelButton,
    QWizard.WizardButton.HelpButton,
    QWizard.WizardButton.CustomButton1,
    QWizard.WizardButton.CustomButton2,
    QWizard.WizardButton.CustomButton3,
)
# QWizard manages these as the default button (the one Enter presses) itself.
_DEFAULT_BUTTONS = (
    QWizard.WizardButton.NextButton,
    QWizard.WizardButton.CommitButton,
    QWizard.WizardButton.FinishButton,
)


def install_keyboard(wizard: QWizard) -> None:
    """Focus the first input after every page change; keep Enter for Next/Register/Finish."""
    for which in _WIZARD_BUTTONS:
        if which not in _DEFAULT_BUTTONS:
            button = wizard.button(which)
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)

    first_page = wizard.currentPage()  # page 1, set up before the window is shown
    waiting_for_paint = first_page is not None

    def on_page_changed(_page_id: int) -> None:
        page = wizard.currentPage()
        if page is None or (waiting_for_paint and page is first_page):
            return  # page 1 before the window's first paint: done right after it (below)
        plain_buttons(page)
        # QWizard picks its own focus widget while switching pages; ours must come after it.
        QTimer.singleShot(0, page, lambda: focus_first_input(wizard))

    def after_paint() -> None:
        nonlocal waiting_for_paint
        waiting_for_paint = False
        on_page_changed(wizard.currentId())

    wizard.currentIdChanged.connect(on_page_changed)
    if waiting_for_paint:
        # Page 1 right after the window's first paint, not before: walking its children makes
        # PySide6 build the Python types (and their enums) of every widget inside, ~10 ms that
        # the first paint must not wait for (ui/startup.py, benchmarks/RESULTS.md start-up).
        from phonewizard.ui.startup import after_first_paint

        after_first_paint(wizard, after_paint)


def plain_buttons(root: QWidget) -> None:
    """Every push button under `root` stops being an auto-default button (Enter is Next's)."""
    for button in root.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


def _usable(widget: QWidget, page: QWidget) -> bool:
    # Every kind first_input picks takes Tab focus; not asking focusPolicy() keeps PySide6 from
    # building the whole Qt namespace on page 1 (ui/widgets/enum_props.py).
    return widget.isVisibleTo(page) and widget.isEnabled()


def _is_field(widget: QWidget) -> bool:
    """Something the user types or picks a value in: a writable text field, a spin box, a
    drop-down list."""
    # Imported here: page 1 has neither, and PySide6 builds a type's enums when it is first
    # imported (~0.6 ms before the first paint for these three).
    from PySide6.QtWidgets import QAbstractSpinBox, QPlainTextEdit, QTextEdit

    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, (QAbstractSpinBox, QComboBox))


def _is_control(widget: QWidget) -> bool:
    """Anything else that takes the keyboard: check boxes, radio and push buttons."""
    return isinstance(widget, QAbstractButton)


def _in_visual_order(widgets: Iterable[QWidget], page: QWidget) -> list[QWidget]:
    def position(widget: QWidget) -> tuple[int, int]:
        point = widget.mapTo(page, widget.rect().topLeft())
        return point.y(), point.x()

    return sorted(widgets, key=position)


def first_input(page: QWidget) -> QWidget | None:
    """Where typing should go when the page opens: the page's own choice when it has one (a
    `preferred_focus()` method returning a widget, or None to leave it to this rule), else its
    first field, check box, radio or push button in reading order (top to bottom, left to
    right). None when the page has no such control: the default button keeps the focus."""
    preferred = getattr(page, "preferred_focus", None)
    if callable(preferred):
        widget = preferred()
        if widget is not None and _usable(widget, page):
            return widget
    matching = [w for w in page.findChildren(QWidget) if _usable(w, page) and (_is_field(w) or _is_control(w))]
    return _in_visual_order(matching, page)[0] if matching else None


def focus_first_input(wizard: QWizard) -> QWidget | None:
    """Give the current page's first input the keyboard focus (scrolled into view); without one,
    the default button (Next, Register or Finish). Returns the widget that got the focus."""
    page = wizard.currentPage()
    if page is None:
        return None
    target = first_input(page)
    if target is None:
        target = next((b for b in (wizard.button(w) for w in _DEFAULT_BUTTONS) if b.isVisible() and b.isEnabled()), None)
        if target is None:
            return None
    target.setFocus()
    scroll_area = getattr(page, "scroll_area", None)
    if scroll_area is not None and scroll_area.isAncestorOf(target):
        scroll_area.ensureWidgetVisible(target)
    return target


# --- mnemonics -------------------------------------------------------------------------------


def mnemonic_of(text: str) -> str | None:
    """The Alt+letter of a control's text: 'Add &trunk number' → 't'; '&&' is a literal '&'."""
    index = 0
    while True:
        index = text.find("&", index)
        if index < 0 or index + 1 >= len(text):
            return None
        if text[index + 1] == "&":
            index += 2
            continue
        return text[index + 1].lower()


def mnemonic_owners(wizard: QWizard) -> dict[str, list[str]]:
    """{letter: [texts]} for the controls that react to Alt+letter on the current page, the
    wizard's own visible buttons included. A letter with two or more texts is a clash."""
    owners: dict[str, list[str]] = {}
    page = wizard.currentPage()
    texts: list[str] = []
    for which in _WIZARD_BUTTONS:
        button = wizard.button(which)
        if button is not None and button.isVisible():
            texts.append(button.text())
    if page is not None:
        for widget in page.findChildren(QWidget):
            if not widget.isVisibleTo(page):
                continue
            if isinstance(widget, QAbstractButton):
                texts.append(widget.text())
            elif isinstance(widget, QLabel) and widget.buddy() is not None:
                texts.append(widget.text())
    for text in texts:
        letter = mnemonic_of(text)
        if letter:
            owners.setdefault(letter, []).append(text)
    return owners


def mnemonic_clashes(wizard: QWizard) -> dict[str, list[str]]:
    """The letters of `mnemonic_owners` claimed by more than one control."""
    return {letter: texts for letter, texts in mnemonic_owners(wizard).items() if len(texts) > 1}
