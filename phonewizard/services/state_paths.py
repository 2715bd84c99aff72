"""Where phonewizard keeps its state on this machine (not configuration, never a secret): the run
journals and number locks (run_journal.py, run_lock.py) and the names of the keyring entries it
wrote (secret_index.py)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from phonewizard import APP_NAME


def state_dir() -> Path:
    """Linux `~/.local/state/phonewizard` (XDG_STATE_HOME), macOS `~/Library/Application
    Support/phonewizard`, Windows `%LOCALAPPDATA%\\phonewizard`."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
