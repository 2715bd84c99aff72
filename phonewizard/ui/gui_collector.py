"""Cyclic garbage collection in the GUI thread only.

CPython runs a collection in whichever thread happens to allocate past the threshold. While a job
runs, the wizard's asyncio thread (ui/async_worker.py) and the sandbox's server thread allocate far
more than the GUI thread, so most collections would run there; when one frees a cycle holding a Qt
object (a closed dialog's wrapper, a timer, a job handle), that object's C++ destructor runs off the
GUI thread, where Qt can crash (the likeliest cause of a segfault seen in CI, in the recovery
dialog's tests while a registration ran on the worker). So `install()` turns automatic
collection off, and a timer in the GUI thread collects instead, by the interpreter's own thresholds.

`paused()` holds collection off while a worker builds a large, long-lived structure (a project's
inventory) and then moves everything alive out of the collector's way (`gc.freeze`: refcounting
still frees those objects; only cycles among them are never collected): a full collection over
the wizard's heap takes ~100 ms, and the window would freeze for it (benchmarks/RESULTS.md, row 10).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QTimer

# Often enough that garbage never piles up for long, rarely enough to cost nothing when idle: a
# tick whose counts are under the thresholds only reads three integers.
INTERVAL_MS = 500

_lock = threading.Lock()  # guards _pauses: workers pause, the GUI thread collects
_pauses = 0
_timer: QTimer | None = None


def install() -> None:
    """From the GUI thread, once a QCoreApplication exists (idempotent; nothing without one)."""
    global _timer
    app = QCoreApplication.instance()
    if _timer is not None or app is None:
        return
    gc.disable()
    gc.freeze()  # what exists now (modules, the window) is long-lived: keep full collections short
    _timer = QTimer(app)  # the application's: it outlives every window
    _timer.setObjectName("phonewizard-gui-collector")
    _timer.setInterval(INTERVAL_MS)
    _timer.timeout.connect(collect_due)
    _timer.start()


def installed() -> bool:
    return _timer is not None


def window_built() -> None:
    """Start-up has built the window (pages 2-9, the draft): freeze what exists. It lives as long
    as the window, and otherwise the first tick after start-up would walk all of it (~25 ms in
    the GUI thread: a stall in the user's first keystrokes, benchmarks/RESULTS.md row 3), and
    every later full collection again. Cycles among frozen objects are never collected (a
    start-up's few garbage cycles stay)."""
    if _timer is not None:
        gc.freeze()


def collect_due() -> int:
    """Collect, in the calling (GUI) thread, the oldest generation whose threshold is passed, as
    the interpreter would have; the number of unreachable objects found. Nothing while paused."""
    with _lock:
        if _pauses:
            return 0
    limit0, limit1, limit2 = gc.get_threshold()
    count0, count1, count2 = gc.get_count()
    if count0 <= limit0:
        return 0
    # gc.collect(n) counts one collection of generation n+1 and resets the younger counts, so
    # calling it this way keeps the interpreter's schedule: a gen-1 pass every `limit1` gen-0
    # passes, a full one every `limit2` gen-1 passes.
    generation = 2 if count1 > limit1 and count2 > limit2 else 1 if count1 > limit1 else 0
    return gc.collect(generation)


@contextmanager
def paused() -> Iterator[None]:
    """No collection while the block runs (any thread), then everything alive is frozen. Nested
    and concurrent uses are counted; the last one to end freezes. Without `install()` (a test of a
    job alone) automatic collection is turned off for the block and back on after."""
    global _pauses
    with _lock:
        _pauses += 1
        if _pauses == 1 and _timer is None:
            gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0:
                gc.freeze()
                if _timer is None:
                    gc.enable()
