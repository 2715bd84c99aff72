"""One registration at a time per (LiveKit project, number) on this machine: a lock file.

`hold_number(url, number, command, run_id)` takes an exclusive, non-blocking OS lock on
`<state dir>/locks/<key>.lock` (fcntl.flock on POSIX, msvcrt.locking on Windows) and writes who
holds it (pid, command, run ID, start time: nothing secret) into the file, or raises
`RunInProgress` naming the holder. The OS drops the lock when its process ends, however it ends
(`kill -9` included), so a crash never leaves a stale lock; the file itself stays (deleting it
would let two processes lock two different files under one name).

The project is the LiveKit URL, normalised like the keyring's names (`project_url`), so the
wizard's `wss://…` and a file's `https://…` share one lock; the number is LiveKit-normalised.
Across machines there is no shared lock: services/registrar_race.py settles that case.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.errors import LockHolder, RunInProgress
from phonewizard.services.secret_store import project_url
from phonewizard.services.state_paths import state_dir

__all__ = ["NumberLock", "hold_number", "is_held", "lock_path", "state_dir"]

# On Windows a locked byte range cannot be read by others; the lock sits far past the text.
_WINDOWS_LOCK_OFFSET = 1 << 30


def lock_path(url: str, phone_number: str) -> Path:
    digest = hashlib.sha256(f"{project_url(url)}\n{normalize_number(phone_number)}".encode()).hexdigest()
    return state_dir() / "locks" / f"{digest[:32]}.lock"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_holder(path: Path) -> LockHolder:
    try:
        data = json.loads(path.read_text(encoding="utf-8")[:4096] or "{}")
    except (OSError, ValueError):
        return LockHolder()  # written half-way or unreadable: the message stays general
    if not isinstance(data, dict):
        return LockHolder()
    pid = data.get("pid")
    return LockHolder(pid=pid if isinstance(pid, int) else None,
                      command=str(data.get("command", ""))[:40], run_id=str(data.get("run_id", ""))[:80],
                      started_at=str(data.get("started_at", ""))[:40])


class NumberLock:
    """A held lock; `release()` (or leaving the `with` block) gives it up. Idempotent."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)  # the next reader finds no stale holder
            _unlock(fd)
        except OSError:
            pass  # closing the descriptor releases the lock anyway
        finally:
            os.close(fd)

    def __enter__(self) -> NumberLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold_number(url: str, phone_number: str, command: str, run_id: str = "") -> NumberLock:
    """Take the lock of (project, number) or raise RunInProgress. OSError when the state folder
    cannot be written (the caller reports it like any file problem)."""
    path = lock_path(url, phone_number)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if not _try_lock(fd):
            raise RunInProgress(phone_number, _read_holder(path))
        holder = {"pid": os.getpid(), "command": command, "run_id": run_id,
                  "started_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(holder).encode("utf-8"))
    except BaseException:
        os.close(fd)
        raise
    return NumberLock(path, fd)


def is_held(url: str, phone_number: str) -> bool:
    """True while some process holds the lock (a run of that number is alive right now)."""
    path = lock_path(url, phone_number)
    if not path.exists():
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        if _try_lock(fd):
            _unlock(fd)
            return False
        return True
    finally:
        os.close(fd)
