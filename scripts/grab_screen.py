"""Screenshot of a whole X screen once a given program's window has painted (scripts/xcb_smoke.sh).

Usage: DISPLAY=:N QT_QPA_PLATFORM=xcb python scripts/grab_screen.py --pid PID --out shot.png

Polls the root window (Xvfb has no compositor, so the root window's image holds every mapped
window) until it shows a painted window (many distinct colours) that has not changed for two
seconds.
Fails (exit 1) when PID exits first, or after --timeout seconds. Being an xcb client itself, it
also proves this process can load Qt's xcb plugin.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by the shell) counts as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def distinct_colours(image, step: int = 4) -> int:
    return len({image.pixel(x, y) for y in range(0, image.height(), step) for x in range(0, image.width(), step)})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--min-colours", type=int, default=40)
    args = parser.parse_args()

    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    if app.platformName() != "xcb":
        print(f"grab_screen: platform is {app.platformName()!r}, not xcb", file=sys.stderr)
        return 1
    screen = app.primaryScreen()
    deadline = time.monotonic() + args.timeout
    settled_for = 2.0  # the deferred start-up (pages 2-9, keyring, sandbox) repaints page 1
    previous, since = None, time.monotonic()
    while time.monotonic() < deadline:
        if not alive(args.pid):
            print(f"grab_screen: the program (pid {args.pid}) exited before its window settled", file=sys.stderr)
            return 1
        image = screen.grabWindow(0).toImage()
        if previous is None or image != previous:
            previous, since = image, time.monotonic()
        elif distinct_colours(image) >= args.min_colours and time.monotonic() - since >= settled_for:
            if not image.save(args.out):
                print(f"grab_screen: could not write {args.out}", file=sys.stderr)
                return 1
            print(f"grab_screen: {image.width()}x{image.height()}, {distinct_colours(image)} colours -> {args.out}")
            return 0
        time.sleep(0.25)
    print(f"grab_screen: no painted window within {args.timeout:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
