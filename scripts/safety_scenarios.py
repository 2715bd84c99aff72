"""The scenarios behind docs/interruptions.md, each run as real `phonewizard` processes.

Every scenario returns a `Row`: how many tries, how many LiveKit objects were left that should
not be there, how many tries printed a Python traceback, how many leaked a secret (into stdout,
stderr or any file under the isolated XDG folders), and a short outcome. It measures whatever
the code does: a scenario that hangs is killed after its limit and says so.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIP_PASSWORD = "Figures-SIP-pa55-Kq3z"
NUMBER = "+13125550142"


@dataclass
class Row:
    scenario: str
    tries: int = 0
    objects_left: int = 0
    tracebacks: int = 0
    leaks: int = 0
    outcomes: Counter = field(default_factory=Counter)
    note: str = ""

    @property
    def outcome(self) -> str:
        seen = ", ".join(f"{what} ×{n}" if n > 1 else what for what, n in sorted(self.outcomes.items()))
        return f"{seen}; {self.note}" if self.note else seen


class _Counting(logging.Handler):
    """Counts the tracebacks the in-process sandbox logs (instead of printing them)."""

    def __init__(self) -> None:
        super().__init__()
        self.tracebacks = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.tracebacks += record.exc_info is not None


class Lab:
    """A sandbox (in this process, a fresh one for every try) and isolated folders for the
    child processes."""

    def __init__(self, folder: Path) -> None:
        from phonewizard.sandbox import SandboxServer

        self._server_class = SandboxServer
        self.folder = folder
        self.sandbox: Any = SandboxServer().start_in_thread()
        self.server_log = _Counting()
        sandbox_logger = logging.getLogger("phonewizard.sandbox")
        sandbox_logger.addHandler(self.server_log)
        sandbox_logger.propagate = False

    def close(self) -> None:
        self.wait_answered(limit=5)
        self.sandbox.stop_thread()

    def env(self, machine: str = "here", **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LIVEKIT_", "XDG_"))}
        home = self.folder / machine
        env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
                   XDG_STATE_HOME=str(home / "state"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                   LIVEKIT_URL=self.sandbox.url, LIVEKIT_API_KEY=self.sandbox.api_key,
                   LIVEKIT_API_SECRET=self.sandbox.api_secret)
        env.update(extra)
        return env

    def config(self, name: str, **registration: Any) -> Path:
        reg = {"phone_number": NUMBER, "provider": "telnyx", "allowed_addresses": ["192.76.120.10"],
               "auth_username": "acme-sales", "auth_password": SIP_PASSWORD, "enable_outbound": True,
               "outbound_address": "sip.telnyx.com", "destination_country": "US", **registration}
        path = self.folder / name
        path.write_text(json.dumps({"format": "phonewizard/1", "agent_name": "sales-agent",
                                    "livekit": {"url": self.sandbox.url, "api_key": "devkey"},
                                    "registration": reg}), encoding="utf-8")
        return path

    def reset(self) -> None:
        """A new, empty project and fresh state folders: every try starts from nothing."""
        self.close()
        for machine in self.folder.iterdir():
            if machine.is_dir():
                shutil.rmtree(machine)
        self.sandbox = self._server_class().start_in_thread()

    def objects(self) -> int:
        self.wait_answered()
        return sum(self.sandbox.counts().values())

    def wait_answered(self, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while any(r.ended is None for r in self.sandbox.log.requests) and time.monotonic() < deadline:
            time.sleep(0.02)

    def wait_for(self, method: str, process: subprocess.Popen, count: int = 1, limit: float = 60) -> bool:
        deadline = time.monotonic() + limit
        while self.sandbox.log.methods.count(method) < count:
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def start(self, *args: Any, env: dict[str, str] | None = None) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "phonewizard", *map(str, args)], cwd=ROOT,
                                env=env or self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=_default_signals)

    def run(self, *args: Any, env: dict[str, str] | None = None, limit: float = 120) -> tuple[int, str, str]:
        process = self.start(*args, env=env)
        return finish(process, limit)

    def leaked(self, *texts: str) -> bool:
        """A secret in any of `texts` or in any file the children wrote."""
        secrets = [self.sandbox.api_secret, SIP_PASSWORD]
        blobs = [t.encode() for t in texts]
        for path in self.folder.rglob("*"):  # the children's XDG folders (not our config files)
            if path.is_file() and path.parent != self.folder:
                blobs.append(path.read_bytes())
        return any(s.encode() in blob for s in secrets for blob in blobs)


def _default_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def finish(process: subprocess.Popen, limit: float) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return -999, out, err
    return process.returncode, out, err


def exit_word(code: int) -> str:
    if code == -999:
        return "hung (killed)"
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit {code}"


# ---- scenarios ---------------------------------------------------------------------------------

def signal_during_register(lab: Lab, sig: signal.Signals, tries: int) -> Row:
    row = Row(f"{sig.name} during `register` (conflict check, trunk, rule in flight)")
    for _ in range(tries):
        for method in ("ListSIPDispatchRule", "CreateSIPInboundTrunk", "CreateSIPDispatchRule"):
            lab.reset()
            path = lab.config("signal.json")
            lab.sandbox.faults.fail(method, "timeout", seconds=1.0)
            process = lab.start("register", path, "--no-save-secrets")
            if lab.wait_for(method, process):
                process.send_signal(sig)
            code, out, err = finish(process, 60)
            _count(row, lab, code, out, err, lab.objects())
    return row


def signal_during_unregister(lab: Lab, tries: int) -> Row:
    row = Row("SIGTERM during `unregister` (a deletion in flight)")
    for _ in range(tries):
        lab.reset()
        path = lab.config("unregister.json")
        lab.run("register", path, "--no-save-secrets")
        lab.sandbox.log.clear()
        lab.sandbox.faults.fail("DeleteSIPDispatchRule", "timeout", seconds=1.0)
        process = lab.start("unregister", NUMBER)
        if lab.wait_for("DeleteSIPDispatchRule", process):
            process.send_signal(signal.SIGTERM)
        code, out, err = finish(process, 60)
        _count(row, lab, code, out, err, lab.objects())
    return row


def kill_then_next(lab: Lab, then: tuple[str, ...], tries: int, command: str = "register") -> Row:
    words = " ".join(then)
    row = Row(f"`kill -9` during `{command}` ({3 if command == 'register' else 2} moments), then "
              f"`phonewizard {words}`")
    moments = (["CreateSIPInboundTrunk", "CreateSIPOutboundTrunk", "CreateSIPDispatchRule"]
               if command == "register" else ["DeleteSIPDispatchRule", "DeleteSIPTrunk"])
    reported = 0
    for _ in range(tries):
        for method in moments:
            lab.reset()
            path = lab.config("kill.json")
            if command == "unregister":
                lab.run("register", path, "--no-save-secrets")
                lab.sandbox.log.clear()
            lab.sandbox.faults.fail(method, "timeout", seconds=1.0)
            args = ("register", path, "--no-save-secrets") if command == "register" else ("unregister", NUMBER)
            process = lab.start(*args)
            lab.wait_for(method, process)
            process.kill()
            process.communicate()
            lab.wait_answered()
            code, out, err = lab.run(*[a if a != "FILE" else str(path) for a in then])
            reported += "did not finish" in err
            expected = 3 if then[0] == "register" else 0  # a re-registration leaves one set
            _count(row, lab, code, out, err, max(0, lab.objects() - expected))
    row.note = f"reported by the next command: {reported}/{row.tries}"
    return row


def concurrent(lab: Lab, two_machines: bool, tries: int) -> Row:
    where = "two machines (no shared lock)" if two_machines else "one machine"
    row = Row(f"two `register` of one number at once, {where}")
    for _ in range(tries):
        lab.reset()
        a = lab.config("a.json", allowed_numbers=["+13125550001"])
        b = lab.config("b.json", allowed_numbers=["+13125550002"])
        if two_machines:  # both conflict checks held, so both go on to create
            lab.sandbox.faults.fail("ListSIPDispatchRule", "timeout", seconds=2, times=2)
        else:  # the first run's rule held while the second starts
            lab.sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=4)
        first = lab.start("register", a, "--no-save-secrets", env=lab.env("machine-a"))
        if not two_machines:
            lab.wait_for("CreateSIPDispatchRule", first)
        second = lab.start("register", b, "--no-save-secrets", env=lab.env("machine-b" if two_machines else "machine-a"))
        results = [finish(p, 90) for p in (first, second)]
        codes = "+".join(str(c) for c, _, _ in sorted(results))
        row.tries += 1
        row.outcomes[f"exits {codes}"] += 1
        row.objects_left += max(0, lab.objects() - 3)
        row.tracebacks += any("Traceback" in err for _, _, err in results)
        row.leaks += lab.leaked(*(o + e for _, o, e in results))
    return row


def _count(row: Row, lab: Lab, code: int, out: str, err: str, left: int) -> None:
    row.tries += 1
    row.objects_left += left
    row.tracebacks += "Traceback" in err
    row.leaks += lab.leaked(out, err)
    row.outcomes[exit_word(code)] += 1
