"""Writing a file that only its owner may read, atomically.

Used for everything phonewizard writes: the config file (config_files.py), the `lk` request files
(lk_export.py) and the sandbox's state file. Kept apart from config_files.py so that the sandbox
can use it without importing the config model (pydantic).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private_text(path: str | os.PathLike[str], text: str) -> Path:
    """Atomically replace `path` with `text` (UTF-8), mode 0600. Readers never see half a file
    and an error leaves the old file untouched and no temp file behind."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o600)  # mkstemp already uses 0600; this makes it explicit on all OSes
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    return path
