"""The number lock (services/run_lock.py): one holder per project and number, the holder named
when refused, released by `release()` and by the OS when the holding process dies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from phonewizard.services.errors import RunInProgress
from phonewizard.services.run_lock import hold_number, is_held, lock_path

URL = "https://demo.livekit.cloud"
NUMBER = "+14155550123"


def test_a_held_number_is_refused_naming_the_holder():
    with hold_number(URL, NUMBER, "register", "run-1"):
        assert is_held(URL, NUMBER)
        with pytest.raises(RunInProgress) as info:
            hold_number(URL, NUMBER, "unregister", "run-2")
        message = str(info.value)
        assert f"`phonewizard register` (pid {os.getpid()}, run run-1, started " in message
        assert NUMBER in message and "Nothing was sent" in message
    assert not is_held(URL, NUMBER)
    with hold_number(URL, NUMBER, "unregister"):  # free again
        pass


def test_one_project_one_lock_whatever_the_spelling():
    assert lock_path("wss://Demo.LiveKit.cloud/", "+1 415 555 0123") == lock_path(URL, NUMBER)
    assert lock_path(URL, NUMBER) != lock_path(URL, "+14155550124")
    assert lock_path(URL, NUMBER) != lock_path("https://other.livekit.cloud", NUMBER)
    with hold_number("wss://demo.livekit.cloud", NUMBER, "register"):
        with pytest.raises(RunInProgress):
            hold_number(URL, "14155550123", "register")
        with hold_number(URL, "+14155550124", "register"):  # another number is independent
            pass


def test_the_lock_file_is_private_and_holds_no_secret():
    with hold_number(URL, NUMBER, "register", "run-1"):
        path = lock_path(URL, NUMBER)
        assert path.stat().st_mode & 0o077 == 0
        assert set(json.loads(path.read_text())) == {"pid", "command", "run_id", "started_at"}


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_a_killed_holder_releases_the_lock():
    code = textwrap.dedent(f"""
        import sys, time
        from phonewizard.services.run_lock import hold_number
        lock = hold_number({URL!r}, {NUMBER!r}, "register", "doomed")
        print("held", flush=True)
        time.sleep(60)
    """)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert child.stdout.readline().strip() == "held"
        with pytest.raises(RunInProgress, match=f"pid {child.pid}, run doomed"):
            hold_number(URL, NUMBER, "register")
        child.kill()
        child.wait(timeout=30)
        with hold_number(URL, NUMBER, "register"):
            pass
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
