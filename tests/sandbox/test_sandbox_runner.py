"""``run_forever``: prints how to use the sandbox, serves, and stops cleanly on Ctrl-C / SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from livekit import api
from livekit.protocol import sip as s

SECRET = "r" * 40


def start(state_path):
    code = (
        "from pathlib import Path; from phonewizard.sandbox import run_forever; "
        f"run_forever(0, Path({str(state_path)!r}), 'devkey', {SECRET!r})"
    )
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C" in line:
            return proc, "".join(lines)
    proc.kill()
    pytest.fail("sandbox did not start: " + "".join(lines) + proc.stderr.read())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_forever_prints_usage_serves_and_stops(tmp_path, sig):
    proc, banner = start(tmp_path / "state.json")
    try:
        url = re.search(r"export LIVEKIT_URL=(\S+)", banner).group(1)
        assert "export LIVEKIT_API_KEY=devkey" in banner
        assert f"export LIVEKIT_API_SECRET={SECRET}" in banner
        assert "+14155550100" in banner and "sip:sandbox.sip.phonewizard.invalid" in banner

        async def main():
            async with api.LiveKitAPI(url, "devkey", SECRET) as lk:
                req = s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+14155550100"]))
                return await lk.sip.create_inbound_trunk(req)

        created = asyncio.run(main())
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "Sandbox stopped." in out
    assert "Traceback" not in err
    assert created.sip_trunk_id in (tmp_path / "state.json").read_text()
