"""Where bundled files live: one helper that works from a source checkout and from a frozen build.

From source the files are in `<repository>/resources/`; in a PyInstaller bundle build.spec copies
that folder to `<bundle>/_internal/resources/` and PyInstaller exposes `_internal` as
`sys._MEIPASS` (onedir and onefile alike). No Qt import here, so services and the CLI may use it.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

# Sizes of the icons/phonewizard-<size>.png files (made by scripts/make_icons.py from the SVG).
ICON_PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def resources_dir() -> Path:
    """The folder holding the bundled resources, frozen or not."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    # phonewizard/resources.py → repository root is two levels up.
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    """Absolute path of `name` (relative, '/'-separated) inside resources/.

    Raises FileNotFoundError naming the file and the folder searched, so a broken bundle
    says what is missing instead of showing a blank icon.
    """
    relative = PurePosixPath(name)
    if relative.is_absolute() or Path(name).is_absolute() or ".." in relative.parts:
        raise ValueError(f"resource name must be relative and inside resources/: {name!r}")
    path = resources_dir().joinpath(*relative.parts)
    if not path.exists():
        raise FileNotFoundError(f"resource {name!r} not found in {resources_dir()}")
    return path


def icon_png(size: int) -> Path:
    """The PNG rendering of the application icon at `size` pixels (one of ICON_PNG_SIZES)."""
    if size not in ICON_PNG_SIZES:
        raise ValueError(f"no {size}px icon; sizes are {ICON_PNG_SIZES}")
    return resource_path(f"icons/phonewizard-{size}.png")
