"""Small and scaled screens (issue 15.12): the window fits the screen's available area and the
button row (Back, Next, Cancel, …) is always on screen; page bodies scroll instead.

The screen size and scale are fixed when a QApplication starts, so the real-screen cases run the
wizard in a child process: Qt's offscreen platform with a screen of the given size
(`offscreen:configfile=…`), at QT_SCALE_FACTOR 1.5 for the 150 % case. The child walks pages 1-8
and reports the available geometry, the window frame and every visible wizard button's
rectangle on each page, in global (logical) coordinates.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWizard

from phonewizard.domain.navigation import PageId
from phonewizard.ui.window_size import FRAME_ALLOWANCE, SMALLEST_SIZE, fit_to_screen, keep_frame_on_screen
from tests.ui.wizard_helpers import make_wizard, new_registration

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWizard
    app = QApplication([])
    from phonewizard.domain.navigation import PageId
    from phonewizard.ui.wizard import PhoneWizard

    def rect(r):
        return [r.x(), r.y(), r.width(), r.height()]

    def settle():
        for _ in range(5):
            app.processEvents()

    wizard = PhoneWizard(environ={}, settings=QSettings(sys.argv[1], QSettings.Format.IniFormat),
                         profile_path=sys.argv[2])
    wizard.show()
    settle()
    report = {"available": rect(wizard.screen().availableGeometry()), "scale": wizard.devicePixelRatio(),
              "pages": []}

    def record():
        settle()
        buttons = {}
        for which in QWizard.WizardButton:
            if which in (QWizard.WizardButton.Stretch, QWizard.WizardButton.NoButton):
                continue
            try:
                button = wizard.button(which)
            except (TypeError, ValueError):
                continue
            if button is not None and button.isVisible():
                top_left = button.mapToGlobal(button.rect().topLeft())
                buttons[button.text()] = [top_left.x(), top_left.y(), button.width(), button.height(),
                                          button.sizeHint().width()]
        report["pages"].append({"page": wizard.currentId(), "frame": rect(wizard.frameGeometry()),
                                "buttons": buttons})

    record()
    wizard.next()  # the registrations page
    record()
    wizard.next()
    agent = wizard.page(PageId.AGENT)
    agent.agent_edit.setText("support-agent")
    agent.provider_buttons["twilio"].click()
    record()
    wizard.next()
    wizard.page(PageId.NUMBER).phone_edit.setText("+14155550101")
    wizard.page(PageId.NUMBER).notify_edited()
    while wizard.currentId() != int(PageId.REVIEW):
        record()
        before = wizard.currentId()
        wizard.next()
        if wizard.currentId() == before:
            raise SystemExit(f"stuck on page {before}")
    record()
    wizard.shutdown()
    print("REPORT " + json.dumps(report))
    """
)


def run_child(tmp_path, width, height, scale="1"):
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": f"{width}x{height}", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1,
    }]}))
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
        QT_SCALE_FACTOR=scale,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        PYTHONPATH=str(ROOT),
    )
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "ui.ini"), str(tmp_path / "profile.json")],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("REPORT "))
    return json.loads(line[len("REPORT "):])


def inside(outer, inner):
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner[:4]
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


@pytest.mark.parametrize(
    "width, height, scale",
    [
        (1400, 1000, "1.5"),  # the case: 933×667 logical; the buttons were off screen
        (1280, 672, "1"),  # 1280×720 logical (1920×1080 at 150 %) less a 48-pixel taskbar
        (1024, 600, "1"),  # a netbook
        (1920, 1080, "1.5"),  # the laptop itself at 150 %: 1280×720 logical
    ],
)
def test_the_button_row_is_on_screen_on_every_page(tmp_path, width, height, scale):
    report = run_child(tmp_path, width, height, scale)
    available = report["available"]
    assert report["scale"] == float(scale)
    assert len(report["pages"]) >= 8, [p["page"] for p in report["pages"]]
    for page in report["pages"]:
        name = PageId(page["page"]).name
        assert inside(available, page["frame"]), (name, available, page["frame"])
        assert {"&Next >", "Cancel"} & set(page["buttons"]) or "&Register" in page["buttons"], page
        for text, geometry in page["buttons"].items():
            assert inside(available, geometry), (name, text, available, geometry)
            assert geometry[2] >= geometry[4], f"{name}: {text!r} is squeezed ({geometry[2]} < {geometry[4]})"


def test_default_size_on_a_large_screen(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)  # the tests' 1920×1080 screen
    assert (wizard.width(), wizard.height()) == (940, 720)
    assert (wizard.minimumWidth(), wizard.minimumHeight()) == SMALLEST_SIZE


def test_a_saved_size_larger_than_the_screen_is_clamped(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    wizard.resize(1800, 1200)  # e.g. saved on a bigger monitor
    size = fit_to_screen(wizard, QRect(0, 0, 1280, 672))
    assert (size.width(), size.height()) == (1280 - FRAME_ALLOWANCE[0], 672 - FRAME_ALLOWANCE[1])
    assert (wizard.width(), wizard.height()) == (size.width(), size.height())


def test_a_screen_smaller_than_the_minimum_lowers_the_minimum(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    fit_to_screen(wizard, QRect(0, 0, 640, 480))
    assert wizard.width() <= 640 - FRAME_ALLOWANCE[0] and wizard.height() <= 480 - FRAME_ALLOWANCE[1]
    assert wizard.minimumHeight() <= 480 - FRAME_ALLOWANCE[1]


@pytest.mark.parametrize("page_id", [PageId.LIVEKIT, PageId.AGENT, PageId.NUMBER])
def test_at_the_minimum_size_pages_scroll_and_the_buttons_stay(qtbot, tmp_path, page_id):
    wizard = make_wizard(qtbot, tmp_path)
    wizard.resize(*SMALLEST_SIZE)
    if page_id >= PageId.AGENT:
        new_registration(wizard)
        agent = wizard.page(PageId.AGENT)
        agent.agent_edit.setText("support-agent")
        agent.provider_buttons["twilio"].click()
    if page_id >= PageId.NUMBER:
        wizard.next()
    qtbot.wait(1)
    page = wizard.currentPage()
    assert wizard.currentId() == page_id
    assert page.scroll_area.height() > 60, "the page body keeps a usable height"
    for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.CancelButton,
                  QWizard.WizardButton.CustomButton1, QWizard.WizardButton.CustomButton2):
        button = wizard.button(which)
        geometry = QRect(button.mapTo(wizard, button.rect().topLeft()), button.size())
        assert wizard.rect().contains(geometry), (button.text(), geometry, wizard.rect())
        assert button.width() >= button.sizeHint().width(), button.text()


def test_a_frame_past_the_screen_edge_is_pulled_back(qtbot, tmp_path):
    wizard = make_wizard(qtbot, tmp_path)
    wizard.resize(900, 700)
    wizard.move(500, 300)  # the bottom and right edges are past a 1280×672 area
    area = QRect(0, 0, 1280, 672)
    keep_frame_on_screen(wizard, area)
    assert area.contains(wizard.frameGeometry()), (wizard.frameGeometry(), area)
