"""No warning with a file name and a source line reaches a user: PyJWT's short-key warning is not
shown (the key is the server's secret, not the user's to fix), and any other library warning is
printed as one line by the entry point (phonewizard/__main__.py)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from phonewizard.sandbox import SandboxServer
from phonewizard.sandbox.runner import usage_text

ROOT = Path(__file__).resolve().parent.parent
SHORT = "secret"  # `livekit-server --dev`'s secret: 6 bytes, which PyJWT warns about


def test_the_sandbox_secrets_are_long_enough_for_pyjwt():
    server = SandboxServer()
    assert len(server.api_secret.encode()) >= 32
    assert f"LIVEKIT_API_SECRET={server.api_secret}" in usage_text(server)


# The in-process sandbox verifies tokens with the short key too; that warning is this test's own.
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_short_project_secret_prints_no_warning(tmp_path):
    server = SandboxServer(api_secret=SHORT).start_in_thread()  # a LiveKit dev server's secret
    try:
        env = {**os.environ, "LIVEKIT_URL": server.url, "LIVEKIT_API_KEY": server.api_key,
               "LIVEKIT_API_SECRET": SHORT, "PYTHONWARNINGS": "default"}
        done = subprocess.run([sys.executable, "-m", "phonewizard", "list"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    finally:
        server.stop_thread()
    assert done.returncode == 0, done.stderr
    assert "InsecureKeyLengthWarning" not in done.stderr and "HMAC key" not in done.stderr
    assert ".py:" not in done.stderr, done.stderr


def test_any_other_warning_is_one_line(monkeypatch):
    from phonewizard import __main__ as entry

    monkeypatch.setattr(warnings, "showwarning", warnings.showwarning)  # restored afterwards
    entry.one_line_warnings()
    stream = io.StringIO()
    warnings.showwarning(UserWarning("something a library says"), UserWarning, "/x/lib.py", 12, stream,
                         "    source line()")
    assert stream.getvalue() == "warning: something a library says\n"
