"""Message colours stay readable on light and dark desktop themes (issue 15.13).

Contrast is computed with WCAG 2.x's formula; every tone must reach 4.5:1 against the window
background, on the default (light) palette, a dark one, and the awkward extremes in between.
"""

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from phonewizard.domain.navigation import PageId
from phonewizard.ui.widgets.problem_label import ProblemLabel, hint_label
from phonewizard.ui.widgets.tones import MIN_CONTRAST, TONES, contrast_ratio, is_dark, set_tone, tone_color
from tests.ui.wizard_helpers import dark_palette, make_wizard, use_palette, wizard_at

UI = Path(__file__).resolve().parents[2] / "phonewizard" / "ui"


def window_of(palette):
    return palette.color(QPalette.ColorRole.Window)


@pytest.fixture
def dark(qapp):
    previous = use_palette(dark_palette())
    yield
    use_palette(previous)


def test_wcag_formula():
    assert contrast_ratio(QColor("black"), QColor("white")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("white")) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio(QColor("#5f6368"), QColor("#2b2b2b")) < 3  # the old hint grey on dark
    assert is_dark(QColor("#2b2b2b")) and not is_dark(QColor("#efefef"))


@pytest.mark.parametrize("background", ["#ffffff", "#efefef", "#d4d0c8", "#808080", "#3c3f41", "#2b2b2b", "#121212", "#000000"])
@pytest.mark.parametrize("tone", sorted(TONES))
def test_every_tone_is_readable_on_any_window_colour(qapp, tone, background):
    palette = QPalette(QApplication.palette())
    palette.setColor(QPalette.ColorRole.Window, QColor(background))
    previous = use_palette(palette)
    try:
        color = QColor(tone_color(tone))
    finally:
        use_palette(previous)
    assert contrast_ratio(color, QColor(background)) >= MIN_CONTRAST, (tone, background, color.name())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_messages_on_the_pages_reach_4_5_to_1(qtbot, tmp_path, request, theme):
    if theme == "dark":
        request.getfixturevalue("dark")
    wizard, page = wizard_at(qtbot, tmp_path, PageId.NUMBER)
    qtbot.keyClicks(page.phone_edit, "+1 415")  # an error under the field; hints around it
    assert page.phone_row.problem.kind == "error"
    page.callers_row.problem.show_warning("a warning, as it would show")
    toned = [w for w in wizard.findChildren(QLabel) if w.property("phonewizardTone") and w.isVisibleTo(wizard)]
    assert len(toned) >= 4
    background = window_of(wizard.palette())
    for label in toned:
        match = re.search(r"color:\s*(#[0-9a-fA-F]{6})", label.styleSheet())
        assert match, label.styleSheet()
        ratio = contrast_ratio(QColor(match.group(1)), background)
        assert ratio >= MIN_CONTRAST, (theme, label.text(), match.group(1), round(ratio, 2))


def test_a_theme_change_while_the_wizard_is_open_recolours_the_messages(qtbot, tmp_path):
    label = ProblemLabel()
    qtbot.addWidget(label)
    label.show_error("something is wrong")
    hint = hint_label("a hint")
    qtbot.addWidget(hint)
    light_error, light_hint = label.styleSheet(), hint.styleSheet()
    assert TONES["error"][0] in light_error and TONES["hint"][0] in light_hint
    previous = use_palette(dark_palette())
    try:
        qtbot.waitUntil(lambda: label.styleSheet() != light_error)  # the refresh runs a turn later
        assert TONES["error"][1] in label.styleSheet() and TONES["hint"][1] in hint.styleSheet()
    finally:
        use_palette(previous)
    qtbot.waitUntil(lambda: label.styleSheet() == light_error)
    set_tone(hint, None)
    assert hint.styleSheet() == ""


def test_no_page_hard_codes_a_text_colour():
    """Every coloured text goes through tones (set_tone / tone_color), so it follows the palette.
    The sandbox banner is the one exception: it sets its own background with its text colour."""
    offenders = []
    for path in UI.rglob("*.py"):
        if path.name == "tones.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<![-\w])color\s*:\s*#", line) and "background" not in line:
                offenders.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
            if re.search(r"setStyleSheet\(f?[\"']color", line):
                offenders.append(f"{path.relative_to(UI)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_wizard_opens_with_a_dark_palette(qtbot, tmp_path, dark):
    wizard = make_wizard(qtbot, tmp_path)
    assert is_dark(window_of(wizard.palette()))
    hint = wizard.page(PageId.LIVEKIT).rows["livekit.api_secret"].hint
    assert TONES["hint"][1] in hint.styleSheet()
