"""Benchmark 8: how fast the safety paths answer — figures that used to be wall-clock windows in
tests (tests only check order and outcome now; a shared 2-core machine makes windows flaky).

  validation     check_config on a full configuration, per call            (was test_report.py)
  hostile files  a FIFO, links to /dev/zero and /dev/urandom, 100,000-deep JSON refused by
                 read_document in-process, and by `phonewizard validate` as a process, start-up
                 included (issue 12: "exit 2 and one line naming the file, within a second")
  sandbox        4 parallel requests at 0.4 s injected latency, in latencies  (was test_sandbox_faults.py)
                 stop_thread while a request hangs in a "timeout" fault      (idem)
  client         a 0.5 s Connection timeout against a server that never answers (was test_livekit_client.py)

Run by benchmarks/run.py in a child process: `python benchmarks/safety_bench.py RUNS` prints one
`BENCH {json}` line of samples in seconds.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_support import ROOT, isolate_user_dirs

DEPTH = 100_000


def _validation_samples(calls: int) -> list[float]:
    from phonewizard.domain.report import check_config

    data = {"format": "phonewizard/1", "agent_name": "bench-agent",
            "livekit": {"url": "wss://bench.livekit.cloud", "api_key": "APIbench"},
            "registration": {"phone_number": "+14155550101", "provider": "twilio", "enable_outbound": True,
                             "outbound_address": "mytrunk.pstn.twilio.com", "auth_username": "u",
                             "auth_password": "Abcdefghij12", "trunk_numbers": ["+14155550101", "+14155550102"],
                             "allowed_addresses": ["54.172.60.0/30"], "custom_headers": {"X-A": "b"},
                             "transfer_config": {"allowed_destinations": ["tel:+15105550100"]}}}
    assert check_config(data).ok
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        check_config(data)
        samples.append(time.perf_counter() - started)
    return samples


def _hostile_paths(folder: Path) -> list[Path]:
    paths = []
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.json")
        paths.append(folder / "fifo.json")
        for device in ("zero", "urandom"):
            (folder / f"{device}.json").symlink_to(f"/dev/{device}")
            paths.append(folder / f"{device}.json")
    deep = folder / "deep.json"
    deep.write_bytes(b"[" * DEPTH + b"]" * DEPTH)
    return paths + [deep]


def _hostile_samples(runs: int) -> tuple[list[float], list[float]]:
    from phonewizard.services.config_files import ConfigFileError, read_document

    in_process, processes = [], []
    with tempfile.TemporaryDirectory() as tmp:
        paths = _hostile_paths(Path(tmp))
        for _ in range(runs):
            for path in paths:
                started = time.perf_counter()
                try:
                    read_document(path)
                except ConfigFileError:
                    pass
                in_process.append(time.perf_counter() - started)
            for path in paths:
                started = time.perf_counter()
                proc = subprocess.run([sys.executable, "-m", "phonewizard", "validate", str(path)],
                                      capture_output=True, text=True, timeout=60, cwd=ROOT)
                processes.append(time.perf_counter() - started)
                if proc.returncode != 2 or len(proc.stderr.splitlines()) != 1:
                    raise RuntimeError(f"{path.name}: exit {proc.returncode}: {proc.stderr.strip()[:200]}")
    return in_process, processes


def _sandbox_samples(runs: int) -> tuple[list[float], list[float], list[float]]:
    from livekit import api
    from livekit.protocol import sip as s

    from phonewizard.sandbox import SandboxServer
    from phonewizard.services.livekit_client import Connection, LiveKitUnreachable
    from phonewizard.services.registrar import Registrar

    parallel, stops, timeouts = [], [], []
    for _ in range(runs):
        server = SandboxServer().start_in_thread()
        server.faults.latency = 0.4

        async def four() -> float:
            async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
                started = time.perf_counter()
                await asyncio.gather(*(lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest()) for _ in range(4)))
                return time.perf_counter() - started

        parallel.append(asyncio.run(four()) / 0.4)
        server.faults.clear()

        server.faults.fail("ListSIPInboundTrunk", "timeout", seconds=3600)

        async def timed_out() -> float:
            conn = Connection(server.url, server.api_key, server.api_secret, timeout=0.5)
            started = time.perf_counter()
            try:
                await Registrar(conn).test_connection()
            except LiveKitUnreachable:
                return time.perf_counter() - started
            raise RuntimeError("the client did not time out")

        timeouts.append(asyncio.run(timed_out()))
        started = time.perf_counter()
        server.stop_thread()  # one request still hangs in the fault
        stops.append(time.perf_counter() - started)
    return parallel, stops, timeouts


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    isolate_user_dirs()
    in_process, processes = _hostile_samples(runs)
    parallel, stops, timeouts = _sandbox_samples(runs)
    print("BENCH " + json.dumps({
        "validation": _validation_samples(1000), "hostile_in_process": in_process,
        "hostile_process": processes, "parallel_latencies": parallel, "stop": stops, "client_timeout": timeouts,
    }))


if __name__ == "__main__":
    main()
