"""`make install` / `make uninstall` (scripts/install.sh) in a throwaway HOME (issue 15.9)."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / ".venv" / "bin" / "phonewizard"

pytestmark = pytest.mark.skipif(not TARGET.exists(), reason="needs the checkout's .venv (scripts/bootstrap.sh)")


def run(home, *args, path="/usr/bin:/bin", **env):
    environment = {"HOME": str(home), "PATH": path, **env}
    return subprocess.run(["bash", str(ROOT / "scripts" / "install.sh"), *args], env=environment,
                          capture_output=True, text=True, timeout=60)


def test_install_links_the_command_and_it_runs(tmp_path):
    proc = run(tmp_path)
    assert proc.returncode == 0, proc.stderr
    link = tmp_path / ".local" / "bin" / "phonewizard"
    assert link.is_symlink() and Path(os.readlink(link)) == TARGET
    assert f"export PATH=\"{tmp_path}/.local/bin:$PATH\"" in proc.stdout  # not on PATH yet: say how
    version = subprocess.run([str(link), "--version"], capture_output=True, text=True, timeout=60,
                             env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert version.returncode == 0 and version.stdout.startswith("phonewizard ")
    again = run(tmp_path, path=f"{tmp_path}/.local/bin:/usr/bin:/bin")
    assert again.returncode == 0 and "already installed" in again.stdout and "phonewizard --help" in again.stdout


def test_uninstall_removes_only_our_link(tmp_path):
    assert run(tmp_path).returncode == 0
    link = tmp_path / ".local" / "bin" / "phonewizard"
    proc = run(tmp_path, "--uninstall")
    assert proc.returncode == 0 and not link.exists() and not link.is_symlink()
    assert "nothing to remove" in run(tmp_path, "--uninstall").stdout


def test_a_foreign_phonewizard_is_never_replaced_or_removed(tmp_path):
    bindir = tmp_path / ".local" / "bin"
    bindir.mkdir(parents=True)
    foreign = bindir / "phonewizard"
    foreign.write_text("#!/bin/sh\necho mine\n")
    proc = run(tmp_path)
    assert proc.returncode == 1 and "BINDIR=" in proc.stderr
    assert foreign.read_text() == "#!/bin/sh\necho mine\n"
    assert run(tmp_path, "--uninstall").returncode == 1
    assert foreign.exists()


def test_bindir_chooses_another_directory(tmp_path):
    bindir = tmp_path / "bin"
    proc = run(tmp_path, BINDIR=str(bindir))
    assert proc.returncode == 0, proc.stderr
    assert (bindir / "phonewizard").is_symlink()
    assert not (tmp_path / ".local" / "bin" / "phonewizard").exists()
    assert run(tmp_path, "--uninstall", BINDIR=str(bindir)).returncode == 0
    assert not (bindir / "phonewizard").is_symlink()
