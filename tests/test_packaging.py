"""Packaging: the resource helper, the generated icon files, the .desktop file, About, --version."""

from __future__ import annotations

import configparser
import importlib.util
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import phonewizard
from phonewizard import resources
from phonewizard.resources import ICON_PNG_SIZES, icon_png, resource_path, resources_dir

ROOT = Path(__file__).resolve().parent.parent


def test_resource_path_from_source_points_into_the_repository():
    path = resource_path("icons/phonewizard.svg")
    assert path == ROOT / "resources" / "icons" / "phonewizard.svg"
    assert path.is_file()
    assert resources_dir() == ROOT / "resources"


def test_resource_path_when_frozen_uses_meipass(tmp_path, monkeypatch):
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "x.png").write_bytes(b"png")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("icons/x.png") == tmp_path / "resources" / "icons" / "x.png"
    with pytest.raises(FileNotFoundError, match="phonewizard.svg"):
        resources.resource_path("icons/phonewizard.svg")


@pytest.mark.parametrize("name", ["../pyproject.toml", "/etc/passwd", "icons/../../README.md"])
def test_resource_path_refuses_names_outside_resources(name):
    with pytest.raises(ValueError, match="inside resources"):
        resource_path(name)


def test_missing_resource_names_the_file():
    with pytest.raises(FileNotFoundError, match="nope.png"):
        resource_path("nope.png")


def test_every_png_size_loads_at_its_size(qapp):
    from PySide6.QtGui import QImage

    for size in ICON_PNG_SIZES:
        image = QImage(str(icon_png(size)))
        assert not image.isNull(), size
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    with pytest.raises(ValueError, match="sizes are"):
        icon_png(100)


def test_svg_is_valid(qapp):
    from PySide6.QtSvg import QSvgRenderer

    assert QSvgRenderer(str(resource_path("icons/phonewizard.svg"))).isValid()


def test_ico_holds_every_windows_size_as_png(qapp):
    from PySide6.QtGui import QImageReader

    data = resource_path("icons/phonewizard.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for i in range(count):
        w, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(w or 256)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
    reader = QImageReader(str(resource_path("icons/phonewizard.ico")))
    assert reader.imageCount() == 7
    assert not reader.read().isNull()


def test_icns_holds_the_retina_png_slots():
    data = resource_path("icons/phonewizard.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    found, pos = {}, 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        payload = data[pos + 8 : pos + length]
        assert payload[:8] == b"\x89PNG\r\n\x1a\n"
        # PNG IHDR width sits at bytes 16..20.
        found[kind] = struct.unpack(">I", payload[16:20])[0]
        pos += length
    assert found == {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024}


def test_committed_icons_match_the_svg(qapp, capsys):
    """make_icons.py --check re-renders in memory: the committed files are the SVG's output."""
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "scripts" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    assert make_icons.main(["--check"]) == 0, capsys.readouterr().out


def test_desktop_file_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # desktop keys are case-sensitive
    parser.read(resource_path("phonewizard.desktop"), encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"]
    assert entry["Exec"].split()[0] == "phonewizard"
    # Icon is a theme name: the hicolor PNGs are installed as phonewizard.png.
    assert entry["Icon"] == "phonewizard"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert "Network" in entry["Categories"].split(";")


def test_about_box_shows_icon_and_version(qtbot):
    from phonewizard.ui.about import app_icon, make_about_box

    box = make_about_box(None)
    qtbot.addWidget(box)
    assert phonewizard.__version__ in box.text()
    assert not box.iconPixmap().isNull()
    assert not box.windowIcon().isNull()
    sizes = {s.width() for s in app_icon().availableSizes()}
    assert {16, 32, 256, 512} <= sizes


def test_version_prints_without_loading_qt():
    code = (
        "import sys; from phonewizard.__main__ import main; rc = main(['--version']); "
        "print('qt-loaded' if any(m.startswith('PySide6') for m in sys.modules) else 'no-qt', rc)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT, check=True
    ).stdout.split()
    assert out == ["phonewizard", phonewizard.__version__, "no-qt", "0"]


def test_build_spec_is_valid_python_with_resources_bundled():
    text = (ROOT / "build.spec").read_text()
    compile(text, "build.spec", "exec")
    assert '"resources"), "resources")' in text


def test_install_about_adds_an_about_button_that_opens_the_box(qtbot, monkeypatch):
    from PySide6.QtWidgets import QWizard, QWizardPage

    from phonewizard.ui import about

    shown = []
    monkeypatch.setattr(about, "show_about", lambda parent: shown.append(parent))
    wizard = QWizard()
    wizard.addPage(QWizardPage())
    qtbot.addWidget(wizard)
    about.install_about(wizard)
    wizard.show()
    button = wizard.button(QWizard.WizardButton.HelpButton)
    assert button.isVisible() and button.text() == "&About"
    button.click()
    assert shown == [wizard]


def test_a_started_wizard_has_the_application_icon(qtbot, tmp_path):
    from tests.ui.wizard_helpers import make_wizard

    wizard = make_wizard(qtbot, tmp_path)  # start-up has run: the icon is set after page 1 paints
    assert wizard.startup.done and not wizard.windowIcon().isNull()


def _spec_excludes() -> set[str]:
    import ast

    tree = ast.parse((ROOT / "build.spec").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXCLUDES":
            return set(ast.literal_eval(node.value))
    raise AssertionError("build.spec has no EXCLUDES list")


def test_no_module_imports_a_qt_module_the_bundle_leaves_out():
    """The bundle drops these PySide6 modules; an import of one would only fail when frozen."""
    import ast

    excluded = {name for name in _spec_excludes() if name.startswith("PySide6.")}
    offenders = []
    for path in (ROOT / "phonewizard").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in excluded]
    assert not offenders, offenders


@pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info >= (3, 12),
    reason="meaningful only on CPython before 3.12: from 3.12 None is immortal (PEP 683) and its "
           "reference count never changes, so a leak could not show; other interpreters count differently",
)
def test_qt_calls_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 on Python 3.11 returned None from void methods without a reference, so
    None's count fell by one per call until the interpreter aborted. Guards the version pin."""
    import gc

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setText("warm-up")
    # Until nothing is left: earlier tests' garbage (their finalizers make more) must not move
    # None's count while it is measured (collection runs in the GUI thread's ticks: gui_collector).
    while gc.collect():
        pass
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    gc.collect()
    assert sys.getrefcount(None) - before > -100


@pytest.mark.skipif(not __import__("shutil").which("desktop-file-validate"), reason="desktop-file-utils not installed")
def test_desktop_file_passes_desktop_file_validate():
    proc = subprocess.run(
        ["desktop-file-validate", str(resource_path("phonewizard.desktop"))],
        capture_output=True, text=True, timeout=30,
    )
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
