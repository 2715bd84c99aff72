"""The X11 (xcb) libraries: the list matches the installed plugin, and a missing one gives the
exact install command instead of Qt's abort (issue 15.1)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from phonewizard.ui import xcb_libraries
from phonewizard.ui.xcb_libraries import (
    XCB_LIBRARIES,
    debian_packages,
    explain,
    install_command,
    missing_libraries,
    uses_xcb,
    xcb_problem,
)

ROOT = Path(__file__).resolve().parents[2]


def qt_dir() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt"


def ldd_sonames(path: Path) -> dict[str, str]:
    """{soname: resolved path or 'not found'} from ldd."""
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="Linux with ldd")
@pytest.mark.parametrize("name", ["plugins/platforms/libqxcb.so", "lib/libQt6XcbQpa.so.6"])
def test_the_list_covers_every_system_library_of_the_xcb_plugin(name):
    plugin = qt_dir() / name
    assert plugin.exists(), plugin
    linked = ldd_sonames(plugin)
    qt_own = {s for s, where in linked.items() if str(qt_dir()) in where or s.startswith("libQt6") or s.startswith("libicu")}
    x_side = {s for s in linked if s.startswith(("libxcb", "libX11", "libxkbcommon"))}
    assert x_side - set(XCB_LIBRARIES) == set(), "the xcb plugin needs libraries XCB_LIBRARIES lacks"
    # Every listed library really is used by the plugin (directly or through another one).
    listed_and_linked = set(XCB_LIBRARIES) & set(linked)
    assert not (set(XCB_LIBRARIES) - set(linked)), set(XCB_LIBRARIES) - set(linked)
    assert not qt_own & set(XCB_LIBRARIES)
    assert listed_and_linked


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="Debian/Ubuntu only")
def test_the_packages_are_the_ones_that_ship_the_libraries():
    for soname, package in XCB_LIBRARIES.items():
        owner = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True)
        if owner.returncode == 0:  # installed here: dpkg names the package that owns the file
            assert owner.stdout.split(":")[0] == package, (soname, owner.stdout)


def test_no_missing_library_means_no_message():
    assert xcb_problem({"DISPLAY": ":0"}, "linux", can_load=lambda soname: True) is None


def test_a_missing_library_names_it_and_the_install_command(monkeypatch):
    monkeypatch.setattr(xcb_libraries.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(xcb_libraries.os, "geteuid", lambda: 1000)
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    message = xcb_problem({"DISPLAY": ":0"}, "linux", can_load=lambda soname: soname not in absent)
    assert "libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1" in message
    assert "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in message
    assert "Aborted" not in message and "Traceback" not in message


def test_install_command_variants():
    missing = ["libxcb-cursor.so.0", "libgthread-2.0.so.0", "libglib-2.0.so.0"]
    assert install_command(missing, is_root=True, has_apt=True) == "apt-get install -y libglib2.0-0 libxcb-cursor0"
    assert install_command(missing, is_root=False, has_apt=True).startswith("sudo apt-get install -y ")
    assert install_command(missing, is_root=False, has_apt=False) is None
    text = explain(missing, None)
    assert "dnf provides '*/libxcb-cursor.so.0'" in text and "pacman -F" in text


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({"DISPLAY": ":0"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, False),
        ({"QT_QPA_PLATFORM": "offscreen:configfile=x.json"}, False),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "DISPLAY": ":0"}, False),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, False),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, True),
        ({}, False),
    ],
)
def test_which_sessions_load_the_xcb_plugin(environ, expected):
    assert uses_xcb(environ, "linux") is expected
    assert uses_xcb(environ, "darwin") is False


def test_on_this_machine_nothing_is_missing_after_bootstrap():
    # scripts/bootstrap.sh installs the set when it runs as root (CI); a developer's machine may
    # lack them, which is what the message is for.
    if os.geteuid() != 0:
        pytest.skip("bootstrap installs the xcb set only as root")
    assert missing_libraries() == []


def test_the_script_prints_the_package_list_for_bootstrap():
    out = subprocess.run([sys.executable, str(ROOT / "phonewizard/ui/xcb_libraries.py"), "debian-packages"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == debian_packages() and "libxcb-cursor0" in out and "libxkbcommon-x11-0" in out


def test_the_program_prints_the_command_instead_of_aborting(tmp_path):
    """A real start of the GUI path with every library 'missing' (a loader that finds none):
    exit 1 with the message, no Qt abort (which would be exit 134)."""
    code = (
        "import sys\n"
        "from phonewizard.ui import xcb_libraries\n"
        "xcb_libraries._can_load = lambda soname: soname != 'libxcb-cursor.so.0'\n"
        "from phonewizard.__main__ import main\n"
        "sys.exit(main([]))\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "DISPLAY": ":99"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    assert "libxcb-cursor.so.0" in proc.stderr and "libxcb-cursor0" in proc.stderr
    assert "Traceback" not in proc.stderr
