"""Hostile paths given as a config file (issue 12, point 4) or as the sandbox's `--state`.

A FIFO, a link to /dev/zero or /dev/urandom, a socket, a folder, and documents nested 500 to
100,000 levels deep: each is refused with exit 2 and one line that starts with the file's name,
through `read_document`, `load_config`, and `phonewizard validate` / `register` run as real
processes. The subprocess timeout only detects a hang (a FIFO used to block forever); how fast the
refusal comes is measured in benchmarks/safety_bench.py (benchmark 8), not asserted here.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from phonewizard.sandbox import SandboxServer, StateFileError
from phonewizard.services import user_files
from phonewizard.services.config_files import ConfigFileError, load_config, read_document
from phonewizard.services.user_files import UserFileError, nested_deeper_than, read_regular_file
from tests.test_cli_subprocess import _env, phonewizard

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and /dev exist on POSIX only")
HANG = 60  # seconds: a process still running by then is hung (not a speed requirement)
DEPTHS = [500, 980, 5_000, 100_000]


def _deep(depth: int, inside_config: bool) -> bytes:
    nest = b"[" * depth + b"]" * depth
    if inside_config:  # deep inside an otherwise plausible document: the copy.deepcopy crash
        return b'{"format": "phonewizard/1", "agent_name": "a", "registration": {"metadata": {"x": ' + nest + b"}}}"
    return nest


def _make(kind: str, folder: Path) -> Path:
    """A path of the given hostile kind inside `folder`."""
    path = folder / f"{kind}.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("dev-zero", "dev-urandom"):
        path.symlink_to("/dev/" + kind.removeprefix("dev-"))
    elif kind == "socket":
        cwd = os.getcwd()
        os.chdir(folder)  # a relative name: AF_UNIX paths are limited to ~100 bytes
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.bind(path.name)
        finally:
            os.chdir(cwd)
    elif kind == "folder":
        path.mkdir()
    elif kind == "link-to-fifo":
        os.mkfifo(folder / "real-fifo")
        path.symlink_to(folder / "real-fifo")
    elif kind.startswith("deep-"):
        path.write_bytes(_deep(int(kind.split("-")[1]), inside_config=kind.endswith("-config")))
    else:
        raise AssertionError(kind)
    return path


SPECIAL = ["fifo", "link-to-fifo", "dev-zero", "dev-urandom", "socket", "folder"]
DEEP = [f"deep-{d}" for d in DEPTHS] + [f"deep-{d}-config" for d in DEPTHS]
EXPECTED = {"fifo": "named pipe (FIFO)", "link-to-fifo": "named pipe (FIFO)", "dev-zero": "/dev/zero",
            "dev-urandom": "/dev/urandom", "socket": "socket", "folder": "folder"}


def _one_line_about(message: str, path: Path) -> None:
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message.strip(), message
    assert "Traceback" not in message and "RecursionError" not in message, message


# ---- the functions --------------------------------------------------------------------------------

@POSIX
@pytest.mark.parametrize("kind", SPECIAL + DEEP)
def test_read_document_and_load_config_refuse_with_one_line(tmp_path, kind):
    path = _make(kind, tmp_path)
    for read in (read_document, load_config):
        with pytest.raises(ConfigFileError) as info:
            read(path)
        _one_line_about(str(info.value), path)
        if kind in EXPECTED:
            assert EXPECTED[kind] in str(info.value)
        else:
            assert "nested too deeply" in str(info.value)


def test_the_depth_limit_sits_between_real_configs_and_recursion_trouble(tmp_path):
    """Metadata may nest 16 levels (the model says so, per field); up to 32 levels the file is
    read and the model answers; beyond, the file is refused before anything recursive walks it."""
    def document(levels: int) -> dict:
        meta: object = "leaf"
        for _ in range(levels):
            meta = {"k": meta}
        return {"format": "phonewizard/1", "agent_name": "a",
                "livekit": {"url": "wss://x.livekit.cloud", "api_key": "k"},
                "registration": {"phone_number": "+14155550101", "provider": "twilio", "metadata": meta}}

    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(document(15)))  # 15 objects and a value: 16 levels
    assert load_config(ok).report.ok
    model_says = tmp_path / "deep-but-readable.json"
    model_says.write_text(json.dumps(document(25)))  # 2 + 25 + 1 levels: read, then refused by the model
    problems = load_config(model_says).report.errors
    assert [p.field for p in problems] == ["registration.metadata"]
    too_deep = tmp_path / "too-deep.json"
    too_deep.write_text(json.dumps(document(40)))
    with pytest.raises(ConfigFileError, match="nested too deeply"):
        load_config(too_deep)


def test_nested_deeper_than_is_iterative_and_exact():
    deep: list = []
    for _ in range(200_000):  # far past the recursion limit
        deep = [deep]
    assert nested_deeper_than(deep, 32)
    assert not nested_deeper_than([[[]]], 3) and nested_deeper_than([[[]]], 2)
    assert not nested_deeper_than({"a": {"b": "c"}}, 2) and nested_deeper_than({"a": {"b": {}}}, 2)
    assert not nested_deeper_than("text", 0)


def test_the_byte_cap_is_counted_while_reading_never_taken_from_st_size(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    path.write_bytes(b"x" * 11)
    assert read_regular_file(path, 11) == b"x" * 11
    with pytest.raises(UserFileError, match="larger than 10 bytes"):
        read_regular_file(path, 10)
    # Make the file look empty, as a device or a /proc file does: the cap still holds.
    real_stat, real_fstat = os.stat, os.fstat

    def empty(result: os.stat_result) -> os.stat_result:
        values = list(result[:10])
        values[stat.ST_SIZE] = 0
        return os.stat_result(values)

    monkeypatch.setattr(user_files.os, "stat", lambda p, *a, **k: empty(real_stat(p, *a, **k)))
    monkeypatch.setattr(user_files.os, "fstat", lambda fd: empty(real_fstat(fd)))
    with pytest.raises(UserFileError, match="larger than 10 bytes"):
        read_regular_file(path, 10)


@POSIX
def test_a_fifo_swapped_in_after_the_check_cannot_block_the_open(tmp_path, monkeypatch):
    """The name is checked with stat, then opened: if a FIFO takes its place in between, the
    non-blocking open returns at once and the descriptor's own fstat refuses it."""
    regular = tmp_path / "regular.json"
    regular.write_text("{}")
    fifo = _make("fifo", tmp_path)
    real_stat = os.stat
    monkeypatch.setattr(user_files.os, "stat", lambda p, *a, **k: real_stat(regular))  # the check is fooled
    outcome: list[BaseException] = []
    worker = threading.Thread(target=lambda: _capture(outcome, read_regular_file, fifo, 100), daemon=True)
    worker.start()
    worker.join(HANG)
    assert not worker.is_alive(), "opening the FIFO blocked"
    assert isinstance(outcome[0], UserFileError) and "named pipe" in str(outcome[0])


def _capture(outcome: list, function, *args) -> None:
    try:
        function(*args)
    except BaseException as exc:  # noqa: BLE001 - handed to the test thread
        outcome.append(exc)


# ---- the CLI as a real process --------------------------------------------------------------------

# Every kind through `validate`; through `register` the ones the issue reported (each run is a
# new Python process, ~0.4 s, so the two commands share the rest: both call load_config first).
CLI_CASES = [("validate", kind) for kind in SPECIAL + DEEP] + [
    ("register", kind) for kind in ("fifo", "dev-zero", "dev-urandom", "deep-500-config", "deep-980-config", "deep-100000")
]


@POSIX
@pytest.mark.parametrize(("command", "kind"), CLI_CASES)
def test_cli_refuses_hostile_paths_with_exit_2_and_one_line(tmp_path, command, kind):
    path = _make(kind, tmp_path)
    result = phonewizard(command, path, timeout=HANG)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    _one_line_about(result.stderr, path)


@POSIX
def test_a_link_to_a_regular_config_is_followed(tmp_path):
    real = tmp_path / "real.json"
    real.write_text((Path(__file__).resolve().parents[2] / "examples" / "twilio.json").read_text())
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = phonewizard("validate", link, timeout=HANG)
    assert result.returncode == 0, result.stderr


# ---- the sandbox's --state ------------------------------------------------------------------------

@POSIX
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-urandom", "socket", "folder", "deep-100000"])
def test_sandbox_refuses_a_hostile_state_path(tmp_path, kind):
    path = _make(kind, tmp_path)
    with pytest.raises(StateFileError) as info:
        SandboxServer(state_path=path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    result = phonewizard("sandbox", "--port", "0", "--state", path, timeout=HANG)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("--state: sandbox state file ") and len(result.stderr.splitlines()) == 1


@POSIX
def test_a_state_symlink_is_followed_and_stays_a_link(tmp_path):
    """Issue 12 point 10: the link used to be replaced by a file without a word. It is followed
    on purpose: the target keeps the state, the link stays, and the start-up text says where."""
    target = tmp_path / "synced" / "state.json"
    target.parent.mkdir()
    link = tmp_path / "state.json"
    link.symlink_to(target)  # dangling until the first save creates the target
    server = SandboxServer(state_path=link).start_in_thread()
    try:
        assert server.store.shown_path == f"{link} (a link to {target})"
        _create_trunk(server)
    finally:
        server.stop_thread()
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["inbound"], "the state went to the link's target"
    again = SandboxServer(state_path=link)
    assert again.counts()["inbound"] == 1


def _create_trunk(server: SandboxServer) -> None:
    import asyncio

    from livekit import api
    from livekit.protocol import sip as s

    async def main() -> None:
        async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
            await lk.sip.create_inbound_trunk(
                s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+14155550100"])))

    asyncio.run(main())


@POSIX
def test_the_sandbox_command_names_the_link_target(tmp_path):
    link = tmp_path / "state.json"
    link.symlink_to(tmp_path / "target.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "phonewizard", "sandbox", "--port", "0", "--state", str(link)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(),
    )
    try:
        for line in process.stdout:
            if line.startswith("State is kept in"):
                assert f"{link} (a link to {tmp_path / 'target.json'})" in line
                break
        else:
            raise AssertionError(process.communicate())
    finally:
        process.terminate()
        process.communicate(timeout=HANG)
