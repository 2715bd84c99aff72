"""Workaround for a reference-count bug of PySide6 6.12 on CPython 3.11: keep None alive.

Observed here (PySide6-Essentials 6.12.0, shiboken6 6.12.0 abi3 wheels, CPython 3.11.7): every call
of a Qt method returning void (`QLabel.setText`, `QWidget.hide`, `QObject.setObjectName`, …)
decrements the reference count of `None` once without having incremented it. The abi3 build
seems to assume CPython ≥ 3.12, where None is immortal and its count is never touched. On 3.11
the count (≈4,500 at start) reaches zero after a few thousand calls, and the interpreter aborts
with "Fatal Python error: none_dealloc: deallocating None" — the wizard after a minute of typing,
a pytest-qt session after a few dozen tests. Reproduce:

    o = QObject(); before = sys.getrefcount(None)
    for _ in range(1000): o.setObjectName("x")
    sys.getrefcount(None) - before   # → -1000 on 3.11, 0 on 3.12+

The fix does what 3.12 does by design: it gives None (and True/False, for safety) a reference
count so large that no run can exhaust it. These objects are statically allocated and never
freed, so an over-count has no cost. Applied once, when `phonewizard.ui` is imported (before any
Qt call); a no-op on 3.12+ and on non-CPython interpreters.
"""

from __future__ import annotations

import ctypes
import sys

# 2**40 void calls is ~35 years at a million calls per second.
_HEADROOM = 1 << 40
_applied = False


def needs_pin() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def pin_singletons() -> None:
    """Raise the reference counts of None, True and False once (idempotent)."""
    global _applied
    if _applied or not needs_pin():
        return
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object header in a release build of CPython.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _applied = True
