"""Renders resources/icons/phonewizard.svg into the icon files each platform wants.

Output (all next to the SVG, committed to the repository):
- phonewizard-<N>.png for N in 16, 24, 32, 48, 64, 128, 256, 512 (Linux hicolor theme, Qt window icon);
- phonewizard.ico (Windows): one ICO container with PNG entries 16..256;
- phonewizard.icns (macOS): one icns container with PNG entries ic07 (128), ic08 (256),
  ic09 (512) and ic10 (1024, the 512@2x slot).

Rendering uses Qt's QSvgRenderer in an offscreen QGuiApplication, so no display and no extra
tool (Inkscape, ImageMagick) is needed. Qt's own "ico" writer stores a single image per file,
and Essentials ships no icns writer, so both containers are written here by hand: they are a
small header plus the PNG bytes.

Usage: .venv/bin/python scripts/make_icons.py [--check]
  --check  render in memory and exit 1 if a committed file is missing or shows different pixels
           (no writes). Without it, files whose pixels are unchanged are left alone too.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG = ICON_DIR / "phonewizard.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"ic07", 128), (b"ic08", 256), (b"ic09", 512), (b"ic10", 1024))


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    """One square PNG of the SVG at `size` pixels, antialiased, transparent corners."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size}px PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """ICO container: ICONDIR, one ICONDIRENTRY per size, then the PNG payloads (Vista+ format)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the ICO directory
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[bytes, bytes]) -> bytes:
    """icns container: 'icns' + total length, then (type, length incl. 8-byte header, PNG) blocks."""
    body = b"".join(kind + struct.pack(">I", len(data) + 8) + data for kind, data in pngs.items())
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def build_all() -> dict[Path, bytes]:
    """Every output file's path and content, rendered from the SVG."""
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SVG} is not a valid SVG")
    wanted = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    rendered = {size: render_png(renderer, size) for size in sorted(wanted)}
    files = {ICON_DIR / f"phonewizard-{size}.png": rendered[size] for size in PNG_SIZES}
    files[ICON_DIR / "phonewizard.ico"] = ico_bytes({s: rendered[s] for s in ICO_SIZES})
    files[ICON_DIR / "phonewizard.icns"] = icns_bytes({k: rendered[s] for k, s in ICNS_TYPES})
    return files


def png_entries(data: bytes) -> list[bytes]:
    """The PNG payloads of a .png (itself), .ico or .icns file, in order."""
    if data[:4] == b"icns":
        entries, pos = [], 8
        while pos < len(data):
            length = struct.unpack(">I", data[pos + 4 : pos + 8])[0]
            entries.append(data[pos + 8 : pos + length])
            pos += length
        return entries
    if data[:4] == b"\x00\x00\x01\x00":
        count = struct.unpack_from("<H", data, 4)[0]
        return [
            data[offset : offset + length]
            for length, offset in (struct.unpack_from("<II", data, 6 + 16 * i + 8) for i in range(count))
        ]
    return [data]


def same_pixels(a: bytes, b: bytes) -> bool:
    """Decoded images equal, allowing antialiasing noise: PNG bytes depend on the zlib build and
    edge pixels on the Qt version, so byte equality would fail on a machine that is merely different."""
    images = [QImage.fromData(x, "PNG").convertToFormat(QImage.Format.Format_RGBA8888) for x in (a, b)]
    if any(i.isNull() for i in images) or images[0].size() != images[1].size():
        return False
    pa, pb = (bytes(i.constBits())[: i.sizeInBytes()] for i in images)
    if pa == pb:
        return True
    off = sum(1 for x, y in zip(pa, pb) if abs(x - y) > 16)
    return off <= len(pa) // 100


def up_to_date(path: Path, data: bytes) -> bool:
    if not path.exists():
        return False
    old = path.read_bytes()
    if old == data:
        return True
    new_entries, old_entries = png_entries(data), png_entries(old)
    return len(new_entries) == len(old_entries) and all(map(same_pixels, new_entries, old_entries))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - keeps Qt alive
    files = build_all()
    stale = [p for p, data in files.items() if not up_to_date(p, data)]
    if check:
        for path in stale:
            print(f"make_icons: out of date: {path.relative_to(ICON_DIR.parent.parent)}")
        return 1 if stale else 0
    for path in stale:
        path.write_bytes(files[path])
    print(f"make_icons: wrote {len(files)} files to {ICON_DIR} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
