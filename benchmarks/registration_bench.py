"""Child process: registration wall time against the sandbox (50 ms per request), two ways.

Usage: python benchmarks/registration_bench.py direct|gui RUNS
- direct: `Registrar(Connection(...)).apply(plan)` on a plain asyncio loop; reports each run's wall
  time, the sandbox's request log (methods) and its highest number of requests in flight.
- gui: the same registration submitted through the wizard's AsyncWorker while a 10 ms QTimer
  ticks in the GUI thread; reports the longest gap between two ticks (how long the window would
  have been frozen) besides the wall time.
Each run gets a fresh in-memory sandbox, so the conflict check always finds a clean project.
Prints one line `BENCH <json>`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from bench_support import emit, isolate_user_dirs, sample_plan, skip

LATENCY = 0.05


def start_sandbox():
    from phonewizard.services.sandbox import SandboxServer

    server = SandboxServer().start_in_thread()  # in-memory state
    return server


def registration(server):
    """A coroutine factory: builds Registrar (and so LiveKitAPI) inside the coroutine."""
    from phonewizard.services.livekit_client import Connection
    from phonewizard.services.registrar import Registrar

    plan = sample_plan(server.url, server.api_key)
    conn = Connection(server.url, server.api_key, server.api_secret)
    return lambda: Registrar(conn).apply(plan)


def run_direct(runs: int) -> dict:
    walls, concurrency, methods = [], [], []
    for _ in range(runs):
        server = start_sandbox()
        factory = registration(server)
        server.faults.latency = LATENCY
        server.log.clear()
        started = time.perf_counter()
        asyncio.run(factory())
        walls.append(time.perf_counter() - started)
        concurrency.append(server.log.max_concurrency)
        methods = server.log.methods
        server.stop_thread()
    return {"wall": walls, "max_concurrency": concurrency, "methods": methods, "latency": LATENCY}


def run_gui(runs: int) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from phonewizard.ui.async_worker import AsyncWorker

    app = QApplication.instance() or QApplication([sys.argv[0]])
    worker = AsyncWorker()
    gaps, walls = [], []
    for _ in range(runs):
        server = start_sandbox()
        factory = registration(server)
        server.faults.latency = LATENCY
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        outcome: dict = {}
        worker.finished.connect(lambda job, result: (outcome.setdefault("ok", result), loop.quit()))
        worker.failed.connect(lambda job, exc: (outcome.setdefault("error", exc), loop.quit()))
        QTimer.singleShot(60_000, loop.quit)
        timer.start()
        started = time.perf_counter()
        ticks.append(started)
        worker.submit(factory)
        loop.exec()
        ended = time.perf_counter()
        ticks.append(ended)
        timer.stop()
        worker.finished.disconnect()
        worker.failed.disconnect()
        server.stop_thread()
        if "ok" not in outcome:
            raise SystemExit(f"registration through the AsyncWorker failed: {outcome!r}")
        walls.append(ended - started)
        gaps.append(max(b - a for a, b in zip(ticks, ticks[1:])))
    worker.shutdown()
    del app
    return {"wall": walls, "max_gap": gaps, "latency": LATENCY}


def main() -> int:
    mode, runs = sys.argv[1], int(sys.argv[2])
    isolate_user_dirs()
    try:
        import phonewizard.services.registrar  # noqa: F401
        import phonewizard.services.sandbox  # noqa: F401
    except ImportError as exc:
        skip(f"registrar or sandbox not importable yet: {exc}")
    emit(run_direct(runs) if mode == "direct" else run_gui(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
