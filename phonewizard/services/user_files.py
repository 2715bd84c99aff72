"""Reading a file the user named, without trusting what the name points at.

A path given on the command line, in the wizard's Open dialog or as the sandbox's `--state` may be
a FIFO (opening it blocks until someone writes), a device such as /dev/zero or /dev/urandom (its
size is 0 and reading never ends), a socket, a folder, or a symlink to any of these. So:

* the path is followed (symlinks included) and must end at a **regular file**; anything else is
  refused before it is opened, and checked again on the open descriptor (the name may be swapped
  in between);
* the open never blocks (O_NONBLOCK: a FIFO swapped in late cannot hang us) and never makes a
  terminal our controlling one (O_NOCTTY);
* at most `limit` bytes are read, counted while reading: `st_size` is never trusted (it is 0 for
  devices and many /proc files).

`nested_deeper_than` is the iterative depth check for parsed JSON: Python's json, `copy.deepcopy`
and validators recurse once per level, so a document must be checked (without recursion) before
anything else walks it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

_CHUNK = 64 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)


class UserFileError(Exception):
    """The file cannot be read as a file; `reason` says why (without the path), `str()` is
    `"<path>: <reason>"`, one line."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _not_a_file(path: Path, mode: int, what: str) -> UserFileError:
    kind = _kind(mode)
    where = ""
    if path.is_symlink():
        where = f" (a link to {os.path.realpath(path)})"
    if kind == "a folder":
        return UserFileError(path, f"is a folder{where}, not {what}")
    return UserFileError(path, f"is {kind}{where}, not {what}; give the path of a regular file")


def _os_reason(exc: OSError) -> str:
    return f"cannot read it ({exc.strerror or exc})"


def read_regular_file(path: str | os.PathLike[str], limit: int, *, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises `UserFileError` when the path is missing, is not a regular file, cannot be read, or
    holds more than `limit` bytes (reason starts with "larger than"). `what` names the expected
    file in messages ("a config file")."""
    path = Path(path)
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise UserFileError(path, "no such file") from None
    except OSError as exc:
        raise UserFileError(path, _os_reason(exc)) from None
    if _kind(before.st_mode) is not None:
        raise _not_a_file(path, before.st_mode, what)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise UserFileError(path, "no such file") from None
    except OSError as exc:
        raise UserFileError(path, _os_reason(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if _kind(mode) is not None:  # swapped for something else between stat and open
            raise _not_a_file(path, mode, what)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UserFileError(path, f"larger than {_size(limit)}, too large for {what}; is this the right file?")
        return b"".join(chunks)
    except OSError as exc:
        raise UserFileError(path, _os_reason(exc)) from None
    finally:
        os.close(fd)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MiB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"


def nested_deeper_than(value: Any, limit: int) -> bool:
    """True when lists/dicts in `value` nest more than `limit` levels (the top object is level 1).
    Iterative, so any depth is safe to check; stops at the first branch that is too deep."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
