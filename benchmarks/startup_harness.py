"""Child process for the start-up benchmark: show a wizard, report when its first page paints.

Usage: python benchmarks/startup_harness.py baseline|wizard
Prints one line `BENCH <json>`: {"painted_at": <time.time() at the first paint of the first page>,
"rss_kb": <peak resident set size so far>}. The parent notes time.time() just before starting
this process, so the difference covers interpreter start, imports, construction and first paint.
`baseline` is a bare PySide6 QWizard with one empty page started exactly the same way.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard, QWizardPage  # noqa: E402


class FirstPaint(QObject):
    """Event filter: on the watched widget's first Paint event, record and quit."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.painted_at: float | None = None

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.time()
            # Quit after this paint is delivered, so the measurement includes nothing later.
            QTimer.singleShot(0, self.app.quit)
        return False


def build(mode: str):
    if mode == "baseline":
        wizard = QWizard()
        wizard.addPage(QWizardPage())
        return wizard
    from bench_support import make_wizard  # imports phonewizard.ui.wizard

    return make_wizard()


def main() -> int:
    mode = sys.argv[1]
    # Both modes: no saved profile or settings from the developer's home (QSettings reads the
    # XDG folders when the QApplication starts).
    from bench_support import isolate_user_dirs

    isolate_user_dirs()
    app = QApplication([sys.argv[0]])
    wizard = build(mode)
    watcher = FirstPaint(app)
    wizard.show()
    page = wizard.currentPage()
    (page if page is not None else wizard).installEventFilter(watcher)
    QTimer.singleShot(30_000, app.quit)  # never hang a benchmark run
    app.exec()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("BENCH " + json.dumps({"painted_at": watcher.painted_at, "rss_kb": rss_kb}), flush=True)
    # Skip teardown (sandbox thread, worker): it is not part of start-up and may be slow.
    os._exit(0 if watcher.painted_at else 1)
    return 0 if watcher.painted_at else 1


if __name__ == "__main__":
    sys.exit(main())
