"""domain/ and services/ never import PySide6 (DESIGN.md layers): checked on the source with ast."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "phonewizard"
MODULES = sorted(p for layer in ("domain", "services") for p in (ROOT / layer).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_modules_to_check():
    assert any(p.name == "report.py" for p in MODULES)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_qt_below_ui(path):
    names = imported_modules(path)
    qt = {name for name in names if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")}
    assert not qt, f"{path.relative_to(ROOT)} imports {sorted(qt)}"
    upward = {name for name in names if name == "phonewizard.ui" or name.startswith("phonewizard.ui.")}
    assert not upward, f"{path.relative_to(ROOT)} imports the ui layer: {sorted(upward)}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name == "domain"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_nothing_above_it(path):
    above = {name for name in imported_modules(path)
             if name.split(".")[:2] in (["phonewizard", "services"], ["phonewizard", "cli"])}
    assert not above, f"{path.relative_to(ROOT)} imports {sorted(above)}"
