"""Without a display the wizard says so plainly instead of letting Qt abort the process."""

import subprocess
import sys

from phonewizard.ui.app import missing_display


def test_linux_without_display_is_explained():
    message = missing_display({}, "linux")
    assert "no display" in message and "phonewizard register" in message


def test_a_display_a_wayland_socket_or_an_explicit_platform_is_enough():
    assert missing_display({"DISPLAY": ":0"}, "linux") is None
    assert missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None


def test_other_platforms_have_no_such_variables():
    assert missing_display({}, "darwin") is None
    assert missing_display({}, "win32") is None


def test_the_program_exits_1_with_the_message(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "phonewizard"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert "no display" in proc.stderr and "Traceback" not in proc.stderr


def test_the_livekit_client_preload_imports_the_stack():
    # run_gui runs it on the worker thread once start-up is done; here in a fresh interpreter.
    code = (
        "import asyncio, sys\n"
        "from phonewizard.ui.app import preload_livekit_client\n"
        "assert 'livekit.api' not in sys.modules and 'aiohttp' not in sys.modules\n"
        "asyncio.run(preload_livekit_client())\n"
        "assert {'livekit.api', 'aiohttp', 'livekit.protocol.sip'} <= set(sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
