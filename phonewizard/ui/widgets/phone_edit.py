"""A phone-number line edit that formats as you type and hands back +E.164.

phonenumbers' AsYouTypeFormatter is re-run over the digits on every *user* edit (`textEdited`,
so our own `setText` does not recurse), remembering the caret so a backspace or an insertion in
the middle of the number stays where the user put it (reference/ecosystem.md §6).
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat
from PySide6.QtCore import QLocale, Slot
from PySide6.QtWidgets import QLineEdit, QWidget

from phonewizard.ui.widgets.list_editor import ListEditor

# Characters the formatter consumes; anything else (letters, ';', 'x') is left as typed so the
# domain validation can say exactly what is wrong with it.
_FORMATTABLE = set("+0123456789 ()-.")


def default_region() -> str:
    """Region for numbers typed without '+': the user's locale, or US when it has none."""
    name = QLocale.system().name()  # e.g. "en_GB"; "C" when the locale is unset
    region = name.split("_")[1] if "_" in name else ""
    return region if region in phonenumbers.SUPPORTED_REGIONS else "US"


def _country_name(number: phonenumbers.PhoneNumber) -> str:
    """English country name, as phonenumbers.geocoder.country_name_for_number picks it, but named
    by Qt's CLDR territory table: importing the geocoder loads all of phonenumbers' geodata
    (about 0.4 s and 100 MB at start-up, measured by benchmarks/run.py)."""
    regions = phonenumbers.region_codes_for_country_code(number.country_code)
    if len(regions) != 1:  # shared code (+1, +7, +44…): the one region where the number is valid
        regions = [r for r in regions if phonenumbers.is_valid_number_for_region(number, r)]
    if len(regions) != 1:
        return ""
    territory = QLocale.codeToTerritory(regions[0])
    return "" if territory == QLocale.Country.AnyTerritory else QLocale.territoryToString(territory)


def country_label(e164: str) -> str:
    """'United States (+1)' for a parseable number, '' otherwise. No flags: plain words."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return ""
    name = _country_name(number)
    if not name:
        return f"+{number.country_code}"
    return f"{name} (+{number.country_code})"


class PhoneLineEdit(QLineEdit):
    """Formats on textEdited; `e164()` is what pages store."""

    def __init__(self, parent: QWidget | None = None, region: str | None = None) -> None:
        super().__init__(parent)
        self.region = region or default_region()
        self.setPlaceholderText("+1 415 555 0101")
        self.textEdited.connect(self._on_text_edited)

    def e164(self) -> str:
        """+E.164 when the text parses (with `region` for numbers without '+'); else the text as
        typed, stripped, so validation reports the user's own input."""
        text = self.text().strip(" ")
        if not text or not set(text) <= _FORMATTABLE:
            return text
        try:
            number = phonenumbers.parse(text, None if text.startswith("+") else self.region)
        except NumberParseException:
            return text
        if not phonenumbers.is_possible_number(number):
            return text
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)

    def set_e164(self, value: str) -> None:
        """Show a stored number in international format (a loaded value is not 'typed')."""
        try:
            number = phonenumbers.parse(value, None)
            shown = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        except NumberParseException:
            shown = value
        self.setText(shown)

    def country(self) -> str:
        """The country of the number once it parses ('' while it does not)."""
        value = self.e164()
        return country_label(value) if value[1:].isdigit() and value.startswith("+") else ""

    @Slot(str)
    def _on_text_edited(self, text: str) -> None:
        if not text or not set(text) <= _FORMATTABLE:
            return
        caret = self.cursorPosition()
        if caret == len(text) and not (text[-1].isdigit() or text[-1] == "+"):
            # The user just typed a separator at the end (perhaps before " x23"): keep it.
            return
        # Digits (and a leading '+') before the caret: the formatter reports where that many
        # significant characters end up in its output.
        significant_before = sum(1 for c in text[:caret] if c.isdigit() or c == "+")
        formatter = phonenumbers.AsYouTypeFormatter(self.region)
        formatted = text
        for ch in text:
            if ch.isdigit() or ch == "+":
                formatted = formatter.input_digit(ch)
        if formatted == text:
            return
        self.setText(formatted)
        self.setCursorPosition(_position_after(formatted, significant_before))


def _position_after(text: str, significant: int) -> int:
    """Index just after the `significant`-th digit or '+' of `text` (the caret's new home)."""
    if significant <= 0:
        return 0
    seen = 0
    for index, ch in enumerate(text):
        if ch.isdigit() or ch == "+":
            seen += 1
            if seen == significant:
                return index + 1
    return len(text)


def phone_list_editor(*, add_text: str, placeholder: str, item_name: str) -> ListEditor:
    """A ListEditor of PhoneLineEdits: each entry formats as typed; values are +E.164."""
    return ListEditor(
        add_text=add_text,
        placeholder=placeholder,
        entry_factory=PhoneLineEdit,
        value_of=lambda edit: edit.e164(),
        show_value=lambda edit, value: edit.set_e164(value),
        item_name=item_name,
    )
