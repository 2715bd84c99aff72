"""`phonewizard` as real processes against an in-test sandbox: start one, wait until the sandbox
has received a given request, signal or kill it, and run the next command.

Children get the test's isolated XDG folders (conftest) unless told otherwise — a `state`
folder of their own stands for another machine (no shared lock, no shared journal) — and a
keyring backend that is never the developer's own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def child_env(sandbox: Any, state: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(LIVEKIT_URL=sandbox.url, LIVEKIT_API_KEY=sandbox.api_key, LIVEKIT_API_SECRET=sandbox.api_secret)
    if state is not None:
        env["XDG_STATE_HOME"] = str(state)
    env.update(extra)
    return env


def _default_signals() -> None:
    # A child of a process that ignores SIGINT/SIGHUP (a CI runner's background job, nohup)
    # would inherit SIG_IGN; these tests are about what the program does with them.
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def start(*args: Any, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "phonewizard", *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals if sys.platform != "win32" else None)


def run(*args: Any, env: dict[str, str], timeout: float = 90) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "phonewizard", *map(str, args)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def wait_for_request(sandbox: Any, method: str, process: subprocess.Popen | None = None,
                     count: int = 1, timeout: float = 60) -> None:
    """Until the sandbox has received `count` requests of `method` (the child is inside it)."""
    deadline = time.monotonic() + timeout
    while sandbox.log.methods.count(method) < count:
        if process is not None and process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the process ended before {method}: {process.returncode}\n{out}\n{err}")
        assert time.monotonic() < deadline, f"{method} never arrived"
        time.sleep(0.01)


def wait_until_answered(sandbox: Any, timeout: float = 60) -> None:
    """Until no request is still being handled (a hanging one has been applied or dropped)."""
    deadline = time.monotonic() + timeout
    while any(r.ended is None for r in sandbox.log.requests):
        assert time.monotonic() < deadline, "a request never ended"
        time.sleep(0.02)


def finish(process: subprocess.Popen, timeout: float = 60) -> subprocess.CompletedProcess:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in err, err
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
