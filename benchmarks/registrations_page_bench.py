"""Child process: the wizard's registrations page over a big project, and `show --json` on it
(issue "Registrations", Speed).

Usage: python benchmarks/registrations_page_bench.py RUNS [REGISTRATIONS]
One sandbox holds REGISTRATIONS (default 1,000) phonewizard registrations with outbound calling —
3,000 objects — seeded as in inventory_bench.py. The real wizard runs against it in sandbox mode
(offscreen Qt). Per run:

- page: from `wizard.next()` into the registrations page (what the user's click does: the
  page's initializePage starts the read on the AsyncWorker) until the page's `loaded` signal,
  when the table's model holds every row — the wall time, and the longest gap between 10 ms
  QTimer ticks on the GUI thread meanwhile (how long the window would not respond). The wizard
  then goes Back, so the next run opens the page again.
- show --json: `phonewizard show NUMBER --json` run in-process (cli.main) against the same
  sandbox; the LiveKit requests it made are taken from the sandbox's request log.
Prints one line `BENCH <json>`.
"""

from __future__ import annotations

import io
import os
import sys
import time
from contextlib import redirect_stderr, redirect_stdout

from bench_support import big_project_main


def run(runs: int, count: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from inventory_bench import seed
    from phonewizard import cli
    from phonewizard.domain.navigation import PageId
    from phonewizard.sandbox import SandboxServer
    from phonewizard.ui.wizard import PhoneWizard

    app = QApplication.instance() or QApplication([sys.argv[0]])
    server = SandboxServer().start_in_thread()
    numbers = seed(server, count)
    wizard = PhoneWizard(environ={}, sandbox_factory=lambda: server)
    wizard.resize(940, 720)
    wizard.show()
    page = wizard.page(PageId.REGISTRATIONS)
    out: dict = {"objects": sum(server.counts().values()), "wall": [], "max_gap": [], "rows": [],
                 "show_requests": [], "show_wall": []}
    try:
        for index in range(runs + 1):  # run 0 warms imports and caches up; not reported
            ticks: list[float] = []
            timer = QTimer()
            timer.setInterval(10)
            timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
            loop = QEventLoop()
            page.loaded.connect(loop.quit)
            page.load_failed.connect(loop.quit)
            QTimer.singleShot(60_000, loop.quit)
            timer.start()
            started = time.perf_counter()
            ticks.append(started)
            wizard.next()  # into the registrations page: its read starts
            loop.exec()
            ended = time.perf_counter()
            ticks.append(ended)
            timer.stop()
            page.loaded.disconnect(loop.quit)
            page.load_failed.disconnect(loop.quit)
            if page.model.total != count:
                raise SystemExit(f"the page listed {page.model.total} numbers, not {count}: {page.status_label.text()}")
            wizard.back()
            if index == 0:
                continue
            out["wall"].append(ended - started)
            out["max_gap"].append(max(b - a for a, b in zip(ticks, ticks[1:])))
            out["rows"].append(page.model.total)

            os.environ.update(LIVEKIT_URL=server.url, LIVEKIT_API_KEY=server.api_key,
                              LIVEKIT_API_SECRET=server.api_secret)
            server.log.clear()
            printed, said = io.StringIO(), io.StringIO()
            started = time.perf_counter()
            with redirect_stdout(printed), redirect_stderr(said):
                code = cli.main(["show", numbers[index % len(numbers)], "--json"])
            out["show_wall"].append(time.perf_counter() - started)
            if code != 0:
                raise SystemExit(f"show --json exited {code}: {said.getvalue().strip()}")
            out["show_requests"].append(sorted(server.log.methods))
    finally:
        wizard.shutdown()
        server.stop_thread()
        del app
    return out


if __name__ == "__main__":
    sys.exit(big_project_main(run, ("phonewizard.ui.pages.registrations_page",),
                              "the registrations page is not importable"))
