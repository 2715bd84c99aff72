"""Deferred start-up (`PhoneWizard(defer_startup=True)`, what run_gui builds): page 1 paints with
Qt only, pages 2-9, the profile, keyring, sandbox and first validation follow right after the first
paint, or at the first user input if that comes sooner."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from phonewizard.domain.navigation import PageId
from phonewizard.ui.wizard import PhoneWizard
from tests.ui.wizard_helpers import LIVEKIT_ENV, new_registration, next_button

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "keyring", "phonenumbers", "aiohttp", "google.protobuf", "livekit", "jwt", "asyncio")


def deferred_wizard(qtbot, tmp_path, environ=None, show=True) -> PhoneWizard:
    wizard = PhoneWizard(
        environ=LIVEKIT_ENV if environ is None else environ,
        settings=QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat),
        profile_path=tmp_path / "profile" / "config.json",
        defer_startup=True,
    )
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    if show:
        wizard.show()
    return wizard


def test_first_page_shows_the_environment_but_next_waits_for_validation(qtbot, tmp_path):
    wizard = deferred_wizard(qtbot, tmp_path)
    # Before the first paint: page 1 only, no report, so Next is off even though the values
    # would be valid.
    assert not wizard.startup.done and wizard.report is None
    assert wizard.pageIds() == [int(PageId.LIVEKIT)]
    page = wizard.page(PageId.LIVEKIT)
    assert page.url_edit.text() == LIVEKIT_ENV["LIVEKIT_URL"]
    assert page.secret_edit.text() == LIVEKIT_ENV["LIVEKIT_API_SECRET"]
    assert not page.isComplete() and not next_button(wizard).isEnabled()

    with qtbot.waitSignal(wizard.startup.finished, timeout=5000):
        pass  # runs in the event-loop turn after the first paint
    assert wizard.startup.done and wizard.report is not None
    assert sorted(wizard.pageIds()) == sorted(int(p) for p in PageId)
    assert wizard.draft["livekit"]["url"] == LIVEKIT_ENV["LIVEKIT_URL"] and not wizard.sandbox_active
    assert next_button(wizard).isEnabled()
    new_registration(wizard)


def test_without_a_project_the_sandbox_starts_after_the_first_paint(qtbot, tmp_path):
    wizard = deferred_wizard(qtbot, tmp_path, environ={})
    assert not wizard.sandbox_active
    qtbot.waitUntil(lambda: wizard.startup.done, timeout=5000)
    assert wizard.sandbox_active
    assert wizard.page(PageId.LIVEKIT).url_edit.text() == wizard.sandbox.url
    assert next_button(wizard).isEnabled()


def test_saved_profile_and_its_keyring_secret_load_after_the_first_paint(qtbot, tmp_path, memory_keyring):
    from phonewizard.services.secret_store import SERVICE_NAME, livekit_secret_key

    url, key = "wss://saved-project.livekit.cloud", "APIsavedKey0001"
    profile = tmp_path / "profile" / "config.json"
    profile.parent.mkdir(parents=True)
    profile.write_text(json.dumps({"format": "phonewizard/1", "agent_name": "saved-agent",
                                   "livekit": {"url": url, "api_key": key}}))
    memory_keyring.entries[(SERVICE_NAME, livekit_secret_key(url, key))] = "s" * 40
    wizard = deferred_wizard(qtbot, tmp_path, environ={})
    assert wizard.page(PageId.LIVEKIT).url_edit.text() == ""
    qtbot.waitUntil(lambda: wizard.startup.done, timeout=5000)
    page = wizard.page(PageId.LIVEKIT)
    qtbot.waitUntil(lambda: page.secret_edit.text() != "", timeout=5000)  # the keyring answers on the worker, after the draft has loaded
    assert page.url_edit.text() == url and page.secret_edit.text() == "s" * 40
    assert wizard.draft["agent_name"] == "saved-agent" and not wizard.sandbox_active
    assert next_button(wizard).isEnabled()


def test_typing_before_start_up_ran_finishes_it_first_and_keeps_the_text(qtbot, tmp_path):
    wizard = deferred_wizard(qtbot, tmp_path)
    QApplication.processEvents()  # one turn: page 1 paints; start-up is due in the next turn
    page = wizard.page(PageId.LIVEKIT)
    assert not wizard.startup.done
    qtbot.keyClicks(page.sip_uri_edit, "sip:early.sip.livekit.cloud")
    assert wizard.startup.done
    assert wizard.draft["livekit"]["sip_uri"] == "sip:early.sip.livekit.cloud"
    assert wizard.draft["livekit"]["url"] == LIVEKIT_ENV["LIVEKIT_URL"]
    assert page.sip_uri_edit.text() == "sip:early.sip.livekit.cloud"
    assert wizard.report is not None and page.isComplete()


def _spy_on_start_up_runs(monkeypatch) -> list[bool]:
    """Each call of Startup.run (the after-first-paint trigger, the input guard, direct calls)
    appends whether start-up is done afterwards: tests wait for the trigger to have *run*."""
    from phonewizard.ui.startup import Startup

    runs: list[bool] = []
    run = Startup.run

    def spy(self) -> None:
        run(self)
        runs.append(self.done)

    monkeypatch.setattr(Startup, "run", spy)
    return runs


def test_a_wizard_shut_down_before_its_first_paint_does_not_start_later(qtbot, tmp_path, monkeypatch):
    # Wait for the positive event — the after-first-paint trigger has run (after a paint or the
    # no-paint fallback) — and only then check that it started nothing; a fixed wait would pass
    # whenever the trigger was merely late.
    runs = _spy_on_start_up_runs(monkeypatch)
    wizard = deferred_wizard(qtbot, tmp_path, environ={})  # would start the sandbox
    wizard.shutdown()
    qtbot.waitUntil(lambda: bool(runs), timeout=10000)
    assert runs == [False]
    assert not wizard.startup.done and not wizard.sandbox_active
    qtbot.keyClick(wizard.page(PageId.LIVEKIT).url_edit, "x")  # nor at an input
    assert not wizard.startup.done


def test_a_click_before_start_up_ran_acts_on_the_loaded_draft(qtbot, tmp_path, sandbox):
    from PySide6.QtCore import Qt

    environ = {"LIVEKIT_URL": sandbox.url, "LIVEKIT_API_KEY": sandbox.api_key,
               "LIVEKIT_API_SECRET": sandbox.api_secret}
    wizard = deferred_wizard(qtbot, tmp_path, environ=environ)
    QApplication.processEvents()  # one turn: page 1 paints; start-up is due in the next turn
    page = wizard.page(PageId.LIVEKIT)
    assert not wizard.startup.done
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert wizard.startup.done and wizard.report is not None and not wizard.sandbox_active
    qtbot.waitUntil(lambda: page.test_status.text().startswith("Connected"), timeout=10000)


def test_start_up_runs_once(qtbot, tmp_path, monkeypatch):
    runs = _spy_on_start_up_runs(monkeypatch)
    wizard = deferred_wizard(qtbot, tmp_path, show=False)
    finished = []
    wizard.startup.finished.connect(lambda: finished.append(True))
    wizard.startup.run()
    pages = [wizard.page(i) for i in wizard.pageIds()]
    wizard.startup.run()
    qtbot.keyClick(wizard.page(PageId.LIVEKIT).url_edit, "x")
    qtbot.waitUntil(lambda: len(runs) == 3, timeout=10000)  # the no-paint fallback has fired too
    assert [wizard.page(i) for i in wizard.pageIds()] == pages and finished == [True]


def test_page_one_paints_before_any_heavy_module_is_imported(tmp_path):
    """The import contract behind the start-up benchmark, checked in a fresh interpreter."""
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from phonewizard.ui.wizard import PhoneWizard
        wizard = PhoneWizard(environ={LIVEKIT_ENV!r}, defer_startup=True)
        wizard.show()
        state = {{}}
        def at_first_turn():  # the turn after the first paint, before the deferred work
            state["early"] = sorted(m for m in {HEAVY!r} if m in sys.modules)
        QTimer.singleShot(0, at_first_turn)
        wizard.startup.finished.connect(lambda: QTimer.singleShot(0, app.quit))
        QTimer.singleShot(10000, app.quit)
        app.exec()
        late = sorted(m for m in {HEAVY!r} if m in sys.modules)
        print("EARLY", ",".join(state["early"]), "LATE", ",".join(late), "DONE", wizard.startup.done)
        wizard.shutdown()
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_DATA_HOME=str(tmp_path / "d"), XDG_STATE_HOME=str(tmp_path / "s"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, env=env, cwd=ROOT)
    line = next(l for l in out.stdout.splitlines() if l.startswith("EARLY"))
    early, late, done = line.split("EARLY ")[1].split(" LATE ")[0], line.split(" LATE ")[1].split(" DONE")[0], line.endswith("True")
    assert early == "", f"imported before the first paint: {early}"
    assert done
    # After start-up: validation needs pydantic, page 3 phonenumbers; the LiveKit/network
    # stack is still not loaded (it comes with the review page's plan or a connection test).
    assert "pydantic" in late and "phonenumbers" in late
    for module in ("aiohttp", "google.protobuf", "livekit", "keyring", "asyncio"):
        assert module not in late.split(","), f"{module} imported during start-up"


def test_first_page_widgets_get_the_enum_properties_set_by_name(qtbot, tmp_path):
    """enum_props sets them through Qt's property system; check they arrived as intended."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSizePolicy

    wizard = deferred_wizard(qtbot, tmp_path)
    page = wizard.page(PageId.LIVEKIT)
    assert page.scroll_area.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    problem = page.rows["livekit.url"].problem
    assert problem.textFormat() == Qt.TextFormat.PlainText
    assert problem.textInteractionFlags() == Qt.TextInteractionFlag.TextSelectableByMouse
    assert page.test_status.textFormat() == Qt.TextFormat.PlainText
    label = page.rows["livekit.url"].label
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
    # The check boxes are as wide as their text, at the left of the field column.
    check = page.sandbox_check
    assert check.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Maximum
    assert check.width() == check.sizeHint().width()
    assert check.x() == page.url_edit.x()
    # Password echo mode carries the sensitive-data input hints (no prediction, no completion).
    hints = page.secret_edit.line_edit.inputMethodHints()
    assert hints & Qt.InputMethodHint.ImhSensitiveData and hints & Qt.InputMethodHint.ImhNoPredictiveText


def test_set_enum_property_rejects_a_wrong_name(qtbot):
    import pytest
    from PySide6.QtWidgets import QLabel

    from phonewizard.ui.widgets.enum_props import set_enum_property

    label = QLabel()
    qtbot.addWidget(label)
    with pytest.raises(ValueError, match="textFormat"):
        set_enum_property(label, "textFormat", "NoSuchFormat")
