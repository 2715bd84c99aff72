"""The CLI as a real process (`python -m phonewizard …`): exit codes, no tracebacks, no Qt,
Ctrl-C during register rolls back, and the README walkthrough against `phonewizard sandbox`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    # The child processes must never touch the developer's real keyring (the in-process tests
    # have the in-memory one); with this backend the CLI treats the keyring as unavailable.
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env.update(extra)
    return env


def _default_sigint() -> None:
    # A child of a process that ignores SIGINT (e.g. a CI runner's background job) would
    # inherit SIG_IGN, and Python then installs no KeyboardInterrupt handler.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def phonewizard(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    result = subprocess.run(
        [sys.executable, "-m", "phonewizard", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT, env=env or _env(), timeout=timeout,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def sandbox_env(sandbox) -> dict[str, str]:
    return _env(LIVEKIT_URL=sandbox.url, LIVEKIT_API_KEY=sandbox.api_key,
                LIVEKIT_API_SECRET=sandbox.api_secret)


def test_validate_exit_codes(tmp_path):
    ok = phonewizard("validate", EXAMPLES / "twilio.json")
    assert ok.returncode == 0 and "valid" in ok.stdout
    document = json.loads((EXAMPLES / "twilio.json").read_text())
    document["registration"]["phone_number"] = "12"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    invalid = phonewizard("validate", bad)
    assert invalid.returncode == 2
    assert re.search(r"^registration\.phone_number: .+", invalid.stderr, re.MULTILINE)
    missing = phonewizard("validate", tmp_path / "absent.json")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_headless_commands_never_load_qt():
    code = (
        "import sys\n"
        "from phonewizard.cli import main\n"
        f"assert main(['validate', {str(EXAMPLES / 'vonage.json')!r}]) == 0\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=_env(), timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["vonage.json", "absent.json"])
def test_validate_never_loads_the_livekit_client(name):
    # validate talks to nobody, valid file or not: livekit.api and aiohttp (~0.2 s) stay unloaded.
    code = (
        "import sys\n"
        "from phonewizard.cli import main\n"
        f"main(['validate', {str(EXAMPLES / name)!r}])\n"
        "loaded = [m for m in sys.modules if m.startswith(('aiohttp', 'livekit.api'))]\n"
        "assert not loaded, loaded[:5]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=_env(), timeout=60)
    assert result.returncode == 0, result.stderr


def test_register_json_and_secrets_stay_out_of_output(sandbox):
    result = phonewizard("register", EXAMPLES / "twilio.json", "--json", env=sandbox_env(sandbox))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["dispatch_rule_id"].startswith("SDR_") and document["sip_uri"]
    assert sandbox.api_secret not in result.stdout + result.stderr
    wrong = phonewizard("list", env=sandbox_env(sandbox) | {"LIVEKIT_API_SECRET": "w" * 40})
    assert wrong.returncode == 4


@POSIX_ONLY
def test_ctrl_c_during_register_rolls_back(sandbox):
    # The dispatch rule request hangs for 2 s: the inbound trunk exists by then.
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=2)
    process = subprocess.Popen(
        [sys.executable, "-m", "phonewizard", "register", str(EXAMPLES / "twilio.json")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env=sandbox_env(sandbox), preexec_fn=_default_sigint,
    )
    try:
        deadline = time.monotonic() + 30
        while "CreateSIPDispatchRule" not in sandbox.log.methods:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "register never reached the dispatch rule"
            time.sleep(0.02)
        assert sum(sandbox.counts().values()) == 1  # the inbound trunk was created
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, err
    assert "interrupted" in err and "rolled back" in err
    assert "Traceback" not in err
    assert sum(sandbox.counts().values()) == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@POSIX_ONLY
def test_walkthrough_with_the_sandbox_command(tmp_path):
    """docs/readme/cli.md: start `phonewizard sandbox`, register, list, unregister."""
    port = _free_port()
    state = tmp_path / "sandbox-state.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "phonewizard", "sandbox", "--port", str(port), "--state", str(state)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=_env(),
        preexec_fn=_default_sigint,
    )
    try:
        exports: dict[str, str] = {}
        for line in server.stdout:
            match = re.match(r"\s*export (LIVEKIT_\w+)=(\S+)", line)
            if match:
                exports[match.group(1)] = match.group(2)
            if "Ctrl-C" in line:
                break
        assert exports["LIVEKIT_URL"] == f"http://127.0.0.1:{port}"
        assert exports["LIVEKIT_API_KEY"] == "devkey"
        env = _env(**exports)

        registered = phonewizard("register", EXAMPLES / "twilio.json", "--json", env=env)
        assert registered.returncode == 0, registered.stderr
        rule_id = json.loads(registered.stdout)["dispatch_rule_id"]
        listed = phonewizard("list", "--json", env=env)
        assert [r["dispatch_rule_ids"] for r in json.loads(listed.stdout)] == [[rule_id]]
        removed = phonewizard("unregister", "+14155550123", env=env)
        assert removed.returncode == 0 and rule_id in removed.stdout
        assert json.loads(phonewizard("list", "--json", env=env).stdout) == []

        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
        assert server.returncode == 0, err
        assert "Sandbox stopped." in out and "Traceback" not in err
        assert state.exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()


def test_sandbox_port_in_use_is_a_clear_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = phonewizard("sandbox", "--port", port, timeout=30)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_sandbox_refuses_a_broken_state_file(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("not json", encoding="utf-8")
    result = phonewizard("sandbox", "--port", _free_port(), "--state", state, timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith("--state: ")
