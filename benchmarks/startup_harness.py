"""Child process for the start-up benchmark: show a wizard, report when its first page paints.

Usage: python benchmarks/startup_harness.py baseline|wizard|wizard-sandbox
Prints one line `BENCH <json>`:
  painted_at     time.time() once the first page has painted: the end of the event-loop turn
                 in which the window, the page or any widget on it got its first Paint event.
                 Qt paints the window and everything on it in one pass, window first (and sends
                 no Paint to a page its opaque children cover, so the page alone is not enough).
                 The parent notes time.time() just before starting this process, so the
                 difference covers interpreter start, imports, construction and first paint.
  rss_kb         peak resident set size in the event-loop turn right after that paint.
  deferred_before_rss  whether the wizard's deferred start-up work had already run by then (it
                 must not have: otherwise rss_kb would include it; reported, never hidden).
  finished_at    time.time() when the deferred start-up work (pages 2-9, profile, keyring,
                 sandbox, first validation) had finished; for the baseline, the first paint.
  settled_rss_kb peak RSS 1 s after that, idle: the memory the wizard really needs once started.
`baseline` is a bare PySide6 QWizard with one empty page started exactly the same way. `wizard`
is the normal case, a LiveKit project configured through LIVEKIT_URL/KEY/SECRET; `wizard-sandbox`
has no project, so the wizard starts its built-in sandbox server.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget, QWizard, QWizardPage  # noqa: E402

SETTLE_MS = 1000
# A configured project for `wizard` (nothing is contacted at start-up). ≥32-byte secret.
PROJECT_ENV = {
    "LIVEKIT_URL": "wss://bench-project.livekit.cloud",
    "LIVEKIT_API_KEY": "APIbenchKey12345",
    "LIVEKIT_API_SECRET": "bench-secret-0123456789abcdefghijklmnop",
}


def peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def startup_done(wizard, baseline: bool) -> bool:
    """Whether the wizard's deferred start-up has run; `baseline` for the bare QWizard (none)."""
    startup = getattr(wizard, "startup", None)
    return baseline if startup is None else startup.done


class Run(QObject):
    """Event filter on the first page: on its first Paint, note the time, then measure."""

    def __init__(self, app: QApplication, wizard) -> None:
        super().__init__()
        self.app = app
        self.wizard = wizard
        self.seen_paint = False
        self.result: dict = {"painted_at": None}

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.seen_paint:
            self.seen_paint = True
            # The wizard schedules its deferred work from the window's first Paint too; this
            # filter was installed later, so it runs first and its timer fires first
            # (deferred_before_rss checks that).
            QTimer.singleShot(0, self.after_paint)
        return False

    def after_paint(self) -> None:
        self.result["painted_at"] = time.time()
        self.result["rss_kb"] = peak_rss_kb()
        self.result["deferred_before_rss"] = startup_done(self.wizard, baseline=False)
        self.wait_for_startup()

    def wait_for_startup(self) -> None:
        if not startup_done(self.wizard, baseline=True):
            QTimer.singleShot(5, self.wait_for_startup)
            return
        self.result["finished_at"] = time.time()
        QTimer.singleShot(SETTLE_MS, self.settled)

    def settled(self) -> None:
        self.result["settled_rss_kb"] = peak_rss_kb()
        self.app.quit()


def build(mode: str):
    if mode == "baseline":
        wizard = QWizard()
        wizard.addPage(QWizardPage())
        return wizard
    from bench_support import make_wizard  # imports phonewizard.ui.wizard

    return make_wizard()


def main() -> int:
    mode = sys.argv[1]
    if mode not in ("baseline", "wizard", "wizard-sandbox"):
        raise SystemExit(f"unknown mode {mode!r}")
    # Every mode: no saved profile or settings from the developer's home (QSettings reads the
    # XDG folders when the QApplication starts), no LIVEKIT_* from the developer's shell.
    from bench_support import isolate_user_dirs

    isolate_user_dirs()
    if mode == "wizard":
        os.environ.update(PROJECT_ENV)
    app = QApplication([sys.argv[0]])
    wizard = build(mode)
    wizard.show()
    run = Run(app, wizard)
    page = wizard.currentPage()
    for widget in [wizard, *([page, *page.findChildren(QWidget)] if page is not None else [])]:
        widget.installEventFilter(run)
    QTimer.singleShot(30_000, app.quit)  # never hang a benchmark run
    app.exec()
    print("BENCH " + json.dumps(run.result), flush=True)
    # Skip teardown (sandbox thread, worker): it is not part of start-up and may be slow.
    os._exit(0 if run.result["painted_at"] else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
