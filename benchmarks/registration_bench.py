"""Child process: registration wall time against the sandbox (50 ms per request), two ways.

Usage: python benchmarks/registration_bench.py direct|gui RUNS
- direct: per run, a fresh in-memory sandbox with 50 ms injected per request, and on it, timed
  the same way (`asyncio.run` of a coroutine that builds its own LiveKitAPI and closes it):
  1. the unit, ONE round trip: a single ListSIPInboundTrunk, so the client's and the server's real
     per-request work (connection, token, protobuf, HTTP, the sandbox's handling) is in the unit
     and not counted as a fraction of an extra round trip;
  2. a full registration, `Registrar(Connection(...)).apply(plan)`.
  Reports both walls, also a request on an already open connection (information), and from the
  sandbox's request log (server-side start/end of each request) the number of sequential rounds,
  the requests and the highest number in flight.
- gui: the same registration submitted through the wizard's AsyncWorker while a 10 ms QTimer
  ticks in the GUI thread; reports the longest gap between two ticks (how long the window would
  have been frozen) besides the wall time.
Each run gets a fresh sandbox, so the conflict check always finds a clean project.
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
    from phonewizard.sandbox import SandboxServer

    server = SandboxServer().start_in_thread()  # in-memory state
    return server


def connection(server):
    from phonewizard.services.livekit_client import Connection

    return Connection(server.url, server.api_key, server.api_secret)


def registration(server):
    """A coroutine factory: builds Registrar (and so LiveKitAPI) inside the coroutine."""
    from phonewizard.services.registrar import Registrar

    plan = sample_plan(server.url, server.api_key)
    conn = connection(server)
    return lambda: Registrar(conn).apply(plan)


def one_request(server, warm: bool = False):
    """A coroutine factory: one ListSIPInboundTrunk, opened and closed like a registration's client
    (`open_api(conn, sip_admin=True)`). `warm`: a first request opens the connection, then only a
    second one is timed; the coroutine returns that request's seconds."""
    from livekit.protocol.sip import ListSIPInboundTrunkRequest

    from phonewizard.services.livekit_client import open_api

    conn = connection(server)

    async def once() -> float:
        async with open_api(conn, sip_admin=True) as api:
            if warm:
                await api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())
            started = time.perf_counter()
            await api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())
            return time.perf_counter() - started
    return once


def timed(factory) -> float:
    async def discard() -> None:
        # The result is dropped inside the loop: on Python 3.11, asyncio.run's SIGINT check formats
        # the repr of the main task, result included (~0.15 ms for a RegistrationResult), which is
        # the harness's cost, not the registration's. The wizard's AsyncWorker never does that.
        await factory()

    started = time.perf_counter()
    asyncio.run(discard())
    return time.perf_counter() - started


def run_direct(runs: int) -> dict:
    out: dict = {"wall": [], "one_rt": [], "warm_rt": [], "rounds": [], "max_concurrency": [],
                 "methods": [], "latency": LATENCY}
    for _ in range(runs):
        server = start_sandbox()
        server.faults.latency = LATENCY
        # The unit and the registration alternate within each run, so a load change on the shared
        # machine hits both alike.
        out["one_rt"].append(timed(one_request(server)))
        out["warm_rt"].append(asyncio.run(one_request(server, warm=True)()))
        factory = registration(server)
        server.log.clear()
        out["wall"].append(timed(factory))
        out["rounds"].append(server.log.sequential_rounds())
        out["max_concurrency"].append(server.log.max_concurrency)
        out["methods"] = server.log.methods
        server.stop_thread()
    return out


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
        QTimer.singleShot(60_000, loop.quit)
        timer.start()
        started = time.perf_counter()
        ticks.append(started)
        job = worker.submit(factory)
        job.finished.connect(lambda result: (outcome.setdefault("ok", result), loop.quit()))
        job.failed.connect(lambda exc: (outcome.setdefault("error", exc), loop.quit()))
        loop.exec()
        ended = time.perf_counter()
        ticks.append(ended)
        timer.stop()
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
        import phonewizard.sandbox  # noqa: F401
    except ImportError as exc:
        skip(f"registrar or sandbox not importable yet: {exc}")
    emit(run_direct(runs) if mode == "direct" else run_gui(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
