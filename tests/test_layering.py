"""The layer contracts (pyproject.toml `[tool.importlinter]`, DESIGN.md "Layers") hold, and a
broken one fails the suite: import-linter runs on the tree, then on a copy with one bad import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed")


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the `phonewizard` package found in `tree` (not the installed one)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tree)},
    )


def test_the_tree_keeps_every_layer_contract():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("domain/plan.py", "import phonewizard.services.registrar", "domain imports nothing of ours"),
        ("cli/errors.py", "import phonewizard.ui.wizard", "Layers"),
        ("sandbox/ids.py", "import phonewizard.app", "sandbox is a server"),
        ("services/registrar.py", "import PySide6.QtCore", "Only ui imports Qt"),
        ("ui/pages/result_page.py", "import phonewizard.services.registrar", "Front ends reach services only"),
    ],
)
def test_a_broken_contract_fails(tmp_path, module, bad_import, contract):
    shutil.copytree(ROOT / "phonewizard", tmp_path / "phonewizard",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "phonewizard" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # the break under test\n",
                      encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout, done.stdout
