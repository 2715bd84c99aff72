"""The keyring is never touched on the GUI thread: a keyring that takes a second per call (a locked
SecretService showing its unlock prompt) leaves the window's timers ticking during Register, Save
profile, the start-up prefill and Open configuration, and the answers still land where they belong."""

from __future__ import annotations

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
# A stall would last a whole keyring call (DELAY); half of one tells the two apart even on a loaded
# 2-core machine, where a 10 ms timer is sometimes a few hundred ms late.
MAX_GAP = DELAY / 2


class SlowKeyring(MemoryKeyring):
    """Every read and write takes a second; `seen_at_set` notes what `on_set()` saw at each write."""

    def __init__(self, on_set=None) -> None:
        super().__init__()
        self.on_set = on_set
        self.seen_at_set: list[object] = []

    def get_password(self, service, username):
        time.sleep(DELAY)
        return super().get_password(service, username)

    def set_password(self, service, username, password):
        if self.on_set is not None:
            self.seen_at_set.append(self.on_set())
        time.sleep(DELAY)
        super().set_password(service, username, password)


class Ticks:
    """A 10 ms QTimer on the GUI thread; `max_gap` is the longest pause between its ticks."""

    def __init__(self) -> None:
        self.stamps = [time.monotonic()]
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.stamps.append(time.monotonic()))
        self.timer.start(10)

    def stop(self) -> float:
        self.timer.stop()
        self.stamps.append(time.monotonic())
        return max(b - a for a, b in zip(self.stamps, self.stamps[1:]))

    @property
    def elapsed(self) -> float:
        return self.stamps[-1] - self.stamps[0]


@pytest.fixture
def slow_keyring():
    backend = SlowKeyring()
    keyring.set_keyring(backend)  # conftest's memory_keyring fixture restores the previous one
    return backend


def test_register_with_a_slow_keyring_keeps_the_window_ticking(qtbot, sandbox, slow_keyring):
    # Secrets last: whenever the keyring is written, LiveKit has accepted the whole registration.
    slow_keyring.on_set = lambda: sum(sandbox.counts().values())
    wizard, review, _result = review_wizard(qtbot, outbound_draft(sandbox))
    ticks = Ticks()
    press_register(qtbot, wizard)
    assert review.busy
    qtbot.waitUntil(lambda: wizard.currentId() == int(PageId.RESULT), timeout=15000)
    gap = ticks.stop()
    assert gap < MAX_GAP, f"the GUI thread stalled for {gap:.2f} s"
    assert ticks.elapsed >= 2 * DELAY  # both secrets went through the slow keyring
    assert SIP_PASSWORD in slow_keyring.entries.values()
    assert sandbox.api_secret in slow_keyring.entries.values()
    assert slow_keyring.seen_at_set == [3, 3]
    assert sum(sandbox.counts().values()) == 3
    assert _result.secrets_notice.isHidden()


def test_save_profile_with_a_slow_keyring_keeps_the_window_ticking(qtbot, tmp_path, slow_keyring):
    profile = tmp_path / "profile" / "config.json"
    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)  # LIVEKIT_* set: no keyring read
    button = wizard.button(wizard.WizardButton.CustomButton2)
    ticks = Ticks()
    with qtbot.waitSignal(wizard.profile.saved, timeout=10000) as saved:
        assert wizard.profile.save()
        assert not button.isEnabled()
        assert not wizard.profile.save()  # no second Save meanwhile
        assert not profile.exists()  # the file follows the keyring
    gap = ticks.stop()
    assert gap < MAX_GAP, f"the GUI thread stalled for {gap:.2f} s"
    assert ticks.elapsed >= DELAY
    assert saved.args == [profile] and profile.exists()
    assert button.isEnabled() and button.text() == "Saved ✓"
    assert list(slow_keyring.entries.values()) == [wizard.draft["livekit"]["api_secret"]]


def test_prefill_reads_the_keyring_in_the_background_and_keeps_a_typed_secret(qtbot, tmp_path, slow_keyring):
    profile = write_config(tmp_path / "profile" / "config.json")
    key = livekit_secret_key("wss://clinic-7h3k.livekit.cloud", "APIclinic77")
    slow_keyring.entries[(SERVICE_NAME, key)] = SECRET
    wizard = make_wizard(qtbot, tmp_path, environ={}, profile_path=profile)
    # Timed from here: building the wizard is not what is measured (it is slow on a loaded
    # machine), the keyring read it has started on the worker (DELAY) is.
    ticks = Ticks()
    page = wizard.page(PageId.LIVEKIT)
    assert page.url_edit.text() == "wss://clinic-7h3k.livekit.cloud" and page.secret_edit.text() == ""
    qtbot.keyClicks(page.secret_edit.line_edit, "typed-while-waiting-0123456789abcdef")
    qtbot.waitUntil(lambda: wizard.profile._secrets_job is None, timeout=10000)
    gap = ticks.stop()
    assert gap < MAX_GAP, f"the GUI thread stalled for {gap:.2f} s"
    assert ticks.elapsed >= DELAY / 2  # the read was still running for most of its second
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
    ticks = Ticks()
    assert wizard.profile.open_configuration()
    assert page.url_edit.text() == "wss://clinic-7h3k.livekit.cloud" and page.secret_edit.text() == ""
    qtbot.waitUntil(lambda: page.secret_edit.text() == SECRET, timeout=10000)
    gap = ticks.stop()
    assert gap < MAX_GAP, f"the GUI thread stalled for {gap:.2f} s"
    assert wizard.draft["livekit"]["api_secret"] == SECRET and wizard.report.ok
