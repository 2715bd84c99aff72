"""The system libraries Qt's X11 ("xcb") platform plugin needs, and a check before the window opens.

The PySide6 wheels bring Qt itself, but its xcb plugin (libqxcb.so and libQt6XcbQpa.so.6) links
against X11/xcb libraries from the system. When one is missing, Qt does not fail politely: it
prints "could not load the Qt platform plugin "xcb" … libxcb-cursor0 or libxcb-cursor0 is
needed" and aborts the process. `xcb_problem(environ)` (run by run_gui before Qt starts) finds the
missing ones first and says exactly which command installs them.

XCB_LIBRARIES is every library those two files list as NEEDED (PySide6 6.11, `readelf -d`), except
Qt's own and the C/C++ runtime; tests/ui/test_xcb_libraries.py checks it against `ldd` of the
installed plugin, so an upgrade that needs another library fails the tests. This file imports
nothing but the standard library, so scripts/bootstrap.sh can run it before the virtualenv exists:
`python3 phonewizard/ui/xcb_libraries.py debian-packages` prints the Debian/Ubuntu package names.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Mapping

# soname → the Debian/Ubuntu package that ships it.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}


def debian_packages() -> list[str]:
    """The Debian/Ubuntu packages for XCB_LIBRARIES, each once, in a stable order."""
    return sorted(set(XCB_LIBRARIES.values()))


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will load the xcb plugin: on Linux with QT_QPA_PLATFORM=xcb, or unset with an X
    display, unless a Wayland session is there for Qt to prefer."""
    if not platform.startswith("linux"):
        return False
    requested = environ.get("QT_QPA_PLATFORM", "").strip()
    if requested:
        return requested.split(";")[0].split(":")[0] == "xcb"
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return False
    return bool(environ.get("DISPLAY"))


def _bundled(soname: str) -> bool:
    """In the PyInstaller bundle, a library the build host had is shipped in _internal/."""
    bundle = getattr(sys, "_MEIPASS", None)
    return bool(bundle) and (Path(bundle) / soname).exists()


def _can_load(soname: str) -> bool:
    import ctypes  # here: only this check needs it, and only on X11

    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(can_load: Callable[[str], bool] | None = None) -> list[str]:
    """The sonames of XCB_LIBRARIES the dynamic loader cannot find (in list order)."""
    can_load = can_load or _can_load
    return [soname for soname in XCB_LIBRARIES if not (_bundled(soname) or can_load(soname))]


def install_command(missing: list[str], *, is_root: bool | None = None, has_apt: bool | None = None) -> str | None:
    """The command that installs the packages for `missing` on Debian/Ubuntu, or None elsewhere."""
    if has_apt is None:
        has_apt = shutil.which("apt-get") is not None
    if not has_apt:
        return None
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    packages = sorted({XCB_LIBRARIES[soname] for soname in missing})
    return ("" if is_root else "sudo ") + "apt-get install -y " + " ".join(packages)


def explain(missing: list[str], command: str | None) -> str:
    """The message printed instead of Qt's abort."""
    lines = [
        "phonewizard: the wizard cannot open on this X11 display: Qt's X11 (xcb) platform plugin "
        "needs system libraries that are not installed:",
        "    " + " ".join(missing),
    ]
    if command:
        lines += ["Install them with:", "    " + command]
    else:
        lines += [
            "Install the packages that provide them with your distribution's package manager "
            "(for example `dnf provides '*/" + missing[0] + "'` on Fedora, `pacman -F " + missing[0] + "` on Arch).",
        ]
    lines.append(
        "Then start the wizard again. Meanwhile the headless commands work without a window "
        "(phonewizard --help)."
    )
    return "\n".join(lines)


def xcb_problem(environ: Mapping[str, str], platform: str = sys.platform,
                can_load: Callable[[str], bool] | None = None) -> str | None:
    """The message to print instead of opening the window, or None when nothing is missing (or
    Qt will not use xcb at all)."""
    if not uses_xcb(environ, platform):
        return None
    missing = missing_libraries(can_load)
    if not missing:
        return None
    return explain(missing, install_command(missing))


if __name__ == "__main__":  # python3 phonewizard/ui/xcb_libraries.py debian-packages|check
    if sys.argv[1:] == ["debian-packages"]:
        print(" ".join(debian_packages()))
    elif sys.argv[1:] == ["check"]:
        gone = missing_libraries()
        print(explain(gone, install_command(gone)) if gone else "all xcb libraries found")
        sys.exit(1 if gone else 0)
    else:
        print(__doc__.strip().splitlines()[0], "\nusage: xcb_libraries.py debian-packages|check", file=sys.stderr)
        sys.exit(2)
