"""The keyring is never touched on the GUI thread: a keyring that takes a second per call (a locked
SecretService showing its unlock prompt) leaves the window's timers ticking during Register, Save
profile, the start-up prefill and Open configuration, and the answers still land where they belong."""

from __future__ import annotations

import threading
import time

import keyring
import pytest
from PySide6.QtCore import QTimer

from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import SERVICE_NAME, livekit_secret_key
from tests.conftest import MemoryKeyring
from tests.ui.test_pages_5_9_harness import SIP_PASSWORD
from tests.ui.test_registration_flow_pages import outbound_draft, press_register, review_wizard
from tests.ui.test_wizard_files import SECRET, write_config
from tests.ui.wizard_helpers import make_wizard, next_button

DELAY = 1.0  # seconds per keyring call


class SlowKeyring(MemoryKeyring):
    """Every read and write takes a second; `seen_at_set` notes what `on_set()` saw at each write,
    and `calls` what each call saw: (kind, ran on the GUI thread, GUI ticks before, ticks after)."""

    def __init__(self, on_set=None) -> None:
        super().__init__()
        self.on_set = on_set
        self.seen_at_set: list[object] = []
        self.calls: list[tuple[str, bool, int, int]] = []
        self.ticks: Ticks | None = None

    def _slow(self, kind: str) -> None:
        on_gui = threading.current_thread() is threading.main_thread()
        before = self.ticks.count if self.ticks else 0
        time.sleep(DELAY)
        self.calls.append((kind, on_gui, before, self.ticks.count if self.ticks else 0))

    def get_password(self, service, username):
        self._slow("get")
        return super().get_password(service, username)

    def set_password(self, service, username, password):
        if self.on_set is not None:
            self.seen_at_set.append(self.on_set())
        self._slow("set")
        super().set_password(service, username, password)


class Ticks:
    """A 10 ms QTimer on the GUI thread, counting its ticks. The slow keyring reads the count
    before and after each of its one-second calls: if the GUI thread kept running its event loop,
    the count moved. An order of events, not a duration (how long the GUI may pause is benchmark
    5's figure), so a loaded machine cannot make it fail."""

    def __init__(self, keyring_backend: SlowKeyring) -> None:
        self.count = 0
        self.keyring = keyring_backend
        keyring_backend.ticks = self
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(10)

    def _tick(self) -> None:
        self.count += 1

    def stop(self) -> list[str]:
        """Stop; the kinds of keyring call made meanwhile, after checking that every one ran off
        the GUI thread while the GUI kept ticking."""
        self.timer.stop()
        calls = self.keyring.calls
        assert calls, "the keyring was never called"
        for kind, on_gui, before, after in calls:
            assert not on_gui, f"a keyring {kind} ran on the GUI thread"
            assert after > before, f"the GUI thread did not tick during a keyring {kind}"
        return [kind for kind, *_ in calls]


@pytest.fixture
def slow_keyring():
    backend = SlowKeyring()
    keyring.set_keyring(backend)  # conftest's memory_keyring fixture restores the previous one
    return backend


def test_register_with_a_slow_keyring_keeps_the_window_ticking(qtbot, sandbox, slow_keyring):
    # Secrets last: whenever the keyring is written, LiveKit has accepted the whole registration.
    slow_keyring.on_set = lambda: sum(sandbox.counts().values())
    wizard, review, _result = review_wizard(qtbot, outbound_draft(sandbox))
    ticks = Ticks(slow_keyring)
    press_register(qtbot, wizard)
    assert review.busy
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    assert ticks.stop().count("set") == 2  # both secrets went through the slow keyring
    assert SIP_PASSWORD in slow_keyring.entries.values()
    assert sandbox.api_secret in slow_keyring.entries.values()
    assert slow_keyring.seen_at_set == [3, 3]
    assert sum(sandbox.counts().values()) == 3
    assert _result.secrets_notice.isHidden()


def test_save_profile_with_a_slow_keyring_keeps_the_window_ticking(qtbot, tmp_path, slow_keyring):
    profile = tmp_path / "profile" / "config.json"
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)  # LIVEKIT_* set: no keyring read
    button = wizard.button(wizard.WizardButton.CustomButton2)
    ticks = Ticks(slow_keyring)
    with qtbot.waitSignal(wizard.profile.saved, timeout=10000) as saved:
        assert wizard.profile.save()
        assert not button.isEnabled()
        assert not wizard.profile.save()  # no second Save meanwhile
        assert not profile.exists()  # the file follows the keyring
    assert ticks.stop()  # the keyring was used, off the GUI thread, while the GUI ticked
    assert saved.args == [profile] and profile.exists()
    assert button.isEnabled() and button.text() == "Saved ✓"
    assert list(slow_keyring.entries.values()) == [wizard.draft["livekit"]["api_secret"]]


def test_prefill_reads_the_keyring_in_the_background_and_keeps_a_typed_secret(qtbot, tmp_path, slow_keyring):
    profile = write_config(tmp_path / "profile" / "config.json")
    key = livekit_secret_key("wss://clinic-7h3k.livekit.cloud", "APIclinic77")
    slow_keyring.entries[(SERVICE_NAME, key)] = SECRET
    ticks = Ticks(slow_keyring)  # counts ticks; nothing here is timed, so a slow build is fine
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    page = wizard.page(PageId.LIVEKIT)
    assert page.url_edit.text() == "wss://clinic-7h3k.livekit.cloud" and page.secret_edit.text() == ""
    qtbot.keyClicks(page.secret_edit.line_edit, "typed-while-waiting-0123456789abcdef")
    qtbot.waitUntil(lambda: wizard.profile._secrets_job is None, timeout=10000)
    assert ticks.stop()  # the keyring was used, off the GUI thread, while the GUI ticked
    assert page.secret_edit.text() == "typed-while-waiting-0123456789abcdef"
    assert wizard.draft["livekit"]["api_secret"] == "typed-while-waiting-0123456789abcdef"


def test_prefill_fills_an_untouched_secret_when_the_keyring_answers(qtbot, tmp_path, slow_keyring):
    profile = write_config(tmp_path / "profile" / "config.json")
    key = livekit_secret_key("wss://clinic-7h3k.livekit.cloud", "APIclinic77")
    slow_keyring.entries[(SERVICE_NAME, key)] = SECRET
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    page = wizard.page(PageId.LIVEKIT)
    assert page.secret_edit.text() == "" and wizard.draft["livekit"]["api_secret"] == ""  # not yet
    pristine = page.pristine
    qtbot.waitUntil(lambda: page.secret_edit.text() == SECRET, timeout=10000)
    assert wizard.draft["livekit"]["api_secret"] == SECRET
    assert wizard.report.ok and page.pristine == pristine  # filled like a load, not like an edit
    assert next_button(wizard).isEnabled()


def test_open_configuration_reads_the_keyring_in_the_background(qtbot, tmp_path, slow_keyring, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    opened = write_config(tmp_path / "exports" / "clinic.json")
    key = livekit_secret_key("wss://clinic-7h3k.livekit.cloud", "APIclinic77")
    slow_keyring.entries[(SERVICE_NAME, key)] = SECRET
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=tmp_path / "none" / "config.json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(opened), "JSON (*.json)")))
    page = wizard.page(PageId.LIVEKIT)
    ticks = Ticks(slow_keyring)
    assert wizard.profile.open_configuration()
    assert page.url_edit.text() == "wss://clinic-7h3k.livekit.cloud" and page.secret_edit.text() == ""
    qtbot.waitUntil(lambda: page.secret_edit.text() == SECRET, timeout=10000)
    assert "get" in ticks.stop()
    assert wizard.draft["livekit"]["api_secret"] == SECRET and wizard.report.ok
