"""The names of the keyring entries phonewizard wrote, so that they can all be found again.

A keyring cannot be listed by service on every platform, and an entry's name depends on inputs
that may be gone by the time it is to be removed: `register FILE` moves a file's API secret into
the keyring under the file's URL and key, and nothing else remembers them (no profile was saved).
`SecretStore.set` adds each name here and `SecretStore.delete` drops it; `forget-profile` reads
it (services/forget.py). The file holds names only — `livekit-api-secret:<url>:<api key>`,
`sip-auth-password:<number>:<username>` — never a secret, mode 0600, written atomically.
Failing to keep the index never fails the keyring operation: it is a help for a later clean-up.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from phonewizard.services.private_files import write_private_text
from phonewizard.services.state_paths import state_dir

log = logging.getLogger(__name__)
MAX_BYTES = 256 * 1024


def index_path() -> Path:
    return state_dir() / "keyring-entries.json"


def written_entries() -> list[str]:
    """The entry names recorded, oldest first (empty when there is no readable index)."""
    path = index_path()
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_BYTES:
            return []
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = data.get("entries") if isinstance(data, dict) else None
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _write(names: list[str]) -> None:
    try:
        write_private_text(index_path(), json.dumps({"entries": names}, indent=1) + "\n")
    except OSError as exc:
        log.info("could not update the keyring index %s: %s", index_path(), exc.strerror or exc)


def remember_entry(key: str) -> None:
    names = written_entries()
    if key not in names:
        _write([*names, key])


def forget_entry(key: str) -> None:
    names = written_entries()
    if key in names:
        _write([n for n in names if n != key])
