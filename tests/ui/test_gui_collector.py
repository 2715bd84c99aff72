"""Garbage collection runs in the GUI thread only: a cycle freed while another thread allocates
hard is collected by the GUI thread's timer, never by that thread (where a Qt object's destructor
could crash: ui/gui_collector.py)."""

from __future__ import annotations

import gc
import threading

from phonewizard.ui import gui_collector
from phonewizard.ui.async_worker import AsyncWorker


class Cycle:
    """Records the thread that freed it."""

    freed_in: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.freed_in.append(threading.current_thread().name)


KEPT: list[list] = []


def allocate_hard() -> None:
    # Far past the gen-0 threshold, and kept (the counts are allocations minus deallocations): with
    # automatic collection on, this thread would collect.
    KEPT.extend([] for _ in range(50_000))


def test_a_cycle_freed_while_another_thread_allocates_is_collected_in_the_gui_thread(qtbot):
    worker = AsyncWorker()  # installs the collector, as the wizard does
    try:
        assert gui_collector.installed() and not gc.isenabled()
        Cycle.freed_in.clear()
        Cycle()  # unreachable at once, but only a collection frees it
        thread = threading.Thread(target=allocate_hard, name="allocating")
        thread.start()
        thread.join()
        assert Cycle.freed_in == []  # the allocating thread did not collect
        qtbot.waitUntil(lambda: Cycle.freed_in != [], timeout=5000)
        assert Cycle.freed_in == [threading.main_thread().name]
    finally:
        KEPT.clear()
        worker.shutdown()


def test_nothing_is_collected_while_paused_and_what_was_built_is_frozen_after(qtbot):
    AsyncWorker().shutdown()
    Cycle.freed_in.clear()
    frozen_before = gc.get_freeze_count()
    with gui_collector.paused():
        Cycle()
        allocate_hard()
        assert gui_collector.collect_due() == 0
        qtbot.wait(gui_collector.INTERVAL_MS * 2)  # the timer ticks, and skips
        assert Cycle.freed_in == []
    KEPT.clear()
    assert gc.get_freeze_count() > frozen_before
    assert not gc.isenabled()  # still the GUI thread's job, not the interpreter's



def test_the_window_built_at_start_up_is_frozen_out_of_the_collectors_way(qtbot, tmp_path):
    from tests.ui.wizard_helpers import LIVEKIT_ENV

    from phonewizard.ui.wizard import PhoneWizard

    wizard = PhoneWizard(environ=LIVEKIT_ENV, profile_path=tmp_path / "config.json", defer_startup=True)
    qtbot.addWidget(wizard, before_close_func=lambda w: w.shutdown())
    frozen_before = gc.get_freeze_count()
    wizard.startup.run()  # pages 2-9 and the draft: thousands of objects as long-lived as the window
    assert gc.get_freeze_count() > frozen_before + 1000
    assert gc.get_count()[0] < gc.get_threshold()[0]  # the first tick finds nothing young to walk
