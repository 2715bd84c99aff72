"""Shared test setup: offscreen Qt, an in-memory keyring, and an isolated config directory."""

import gc
import os
import sys

from pathlib import Path

# Must be set before any QApplication exists, or Qt aborts the whole run without a display.
# The offscreen screen is a 1920×1080 desktop rather than Qt's 800×600 default, so the wizard
# opens at its normal size (it never opens larger than its screen: ui/window_size.py); the
# small-screen tests start their own processes with their own screens.
OFFSCREEN_SCREEN = Path(__file__).with_name("offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={OFFSCREEN_SCREEN}"

import keyring
import keyring.backend
import pytest


class MemoryKeyring(keyring.backend.KeyringBackend):
    """In-memory backend. priority -1 so keyring's auto-detection never picks it up by itself."""

    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.entries:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.entries[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Config, data, QSettings and the LiveKit CLI's projects come from a per-test folder, never the
    developer's home."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "LIVEKIT_TOKEN", "PHONEWIZARD_SIP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    # The LiveKit CLI's projects (app/lk_projects.py): a per-test file, absent unless a test writes it.
    monkeypatch.setenv("PHONEWIZARD_LK_CLI_CONFIG", str(tmp_path / "lk" / "cli-config.yaml"))
    # The wizard's sandbox on any free port: tests never hold 7880 (ui/sandbox_port.py), which other
    # runs on the same machine, and tests expecting nothing there, may need.
    monkeypatch.setenv("PHONEWIZARD_SANDBOX_PORT", "0")
    return tmp_path


@pytest.fixture(autouse=True)
def garbage_collected_in_the_main_thread():
    """Once a wizard or worker has turned automatic collection over to the GUI thread's timer
    (ui/gui_collector.py), tests that never run Qt's event loop would never collect: collect
    what is due after each test, in the main (GUI) thread, as the timer would. What a test's
    wizard froze at its start-up (it lives as long as that window) is handed back first: the
    window is gone, and hundreds of tests' windows must not pile up."""
    yield
    collector = sys.modules.get("phonewizard.ui.gui_collector")
    if collector is not None and collector.installed():
        gc.unfreeze()
        collector.collect_due()


pytest_plugins = ["tests.sandbox_fixtures", "tests.carrier_fixtures"]
