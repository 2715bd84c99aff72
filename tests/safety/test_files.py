"""Files: an interrupted export leaves the previous file intact and no temp file behind; corrupt or
newer-format config files are refused with a clear message (exit 2); every file phonewizard
writes (config, profile, `export-lk` output) is mode 0600, even over an older 0644 file.
"""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.services import config_files
from phonewizard.services.config_files import ConfigFileError, load_config, save_config
from tests.safety.helpers import cli_run, trunk_document, write  # noqa: F401 - fixture

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _config(number: str = "+13125550142") -> PhoneWizardConfig:
    return PhoneWizardConfig.model_validate(trunk_document("wss://demo.livekit.cloud", number))


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


class Boom(OSError):
    pass


@pytest.mark.parametrize("where", ["replace", "write", "fsync", "chmod"])
def test_an_interrupted_export_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path, monkeypatch, where):
    target = tmp_path / "export.json"
    save_config(target, _config("+13125550142"))
    previous = target.read_bytes()
    before = sorted(os.listdir(tmp_path))

    def fail(*args, **kwargs):
        raise Boom(28, "No space left on device")

    if where == "write":
        real_fdopen = os.fdopen

        def fdopen(*args, **kwargs):
            handle = real_fdopen(*args, **kwargs)

            class Half:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    handle.close()

                def write(self, text):
                    handle.write(text[: len(text) // 2])  # half of it reaches the temp file
                    fail()

                def __getattr__(self, name):
                    return getattr(handle, name)
            return Half()
        monkeypatch.setattr(config_files.os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(config_files.os, where, fail)
    with pytest.raises(Boom):
        save_config(target, _config("+13125550199"))
    monkeypatch.undo()
    assert target.read_bytes() == previous
    assert sorted(os.listdir(tmp_path)) == before  # no .export.json.*.tmp left


def test_an_interrupted_cli_export_lk_keeps_the_previous_files(cli_run, tmp_path, monkeypatch):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document("wss://demo.livekit.cloud", password=None))
    out = tmp_path / "out"
    assert cli_run("export-lk", path, "--out", out).code == 0
    previous = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(config_files.os, "replace", lambda *a: (_ for _ in ()).throw(Boom(28, "No space left on device")))
    result = cli_run("export-lk", path, "--out", out)
    assert result.code == 2 and "No space left on device" in result.err
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous


def test_an_interrupted_wizard_export_keeps_the_previous_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QWidget

    from phonewizard.ui.pages.export_action import export_configuration

    target = tmp_path / "wizard-export.json"
    save_config(target, _config())
    previous = target.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    monkeypatch.setattr(config_files.os, "replace", lambda *a: (_ for _ in ()).throw(Boom(28, "No space left on device")))
    parent = QWidget()
    qtbot.addWidget(parent)
    kind, message = export_configuration(parent, _config("+13125550199"))
    monkeypatch.undo()
    assert kind == "error" and "No space left on device" in message and str(target) in message
    assert target.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wizard-export.json"]


# ---- refusing files that are not (this version's) config ----------------------------------------

BAD_FILES = {
    "truncated": (b'{"format": "phonewizard/1", "agent_name": "a", "livekit": {', "invalid JSON at line 1"),
    "newer": (json.dumps({**trunk_document("wss://x.livekit.cloud"), "format": "phonewizard/2"}).encode(),
              "written by a newer phonewizard (phonewizard/2); upgrade phonewizard"),
    "unknown format": (b'{"format": "other/1"}', 'unknown format "other/1"'),
    "no format": (json.dumps({k: v for k, v in trunk_document("wss://x.livekit.cloud").items() if k != "format"}).encode(),
                  "format: missing"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    "array": (b"[1, 2]", "expected a JSON object"),
    "duplicate key": (b'{"format": "phonewizard/1", "format": "phonewizard/1"}', 'duplicate key "format"'),
    "too large": (b'{"format": "phonewizard/1", "x": "' + b"a" * (1024 * 1024) + b'"}', "too large"),
}


@pytest.mark.parametrize("command", ["validate", "register", "export-lk"])
@pytest.mark.parametrize("name", list(BAD_FILES))
def test_corrupt_or_newer_files_are_refused_with_exit_2(cli_run, tmp_path, command, name):  # noqa: F811
    content, expected = BAD_FILES[name]
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    extra = ["--out", tmp_path / "out"] if command == "export-lk" else []
    result = cli_run(command, path, *extra)
    assert result.code == 2, result.err
    assert result.err.startswith(f"{path}: ") and expected in result.err, result.err
    assert len(result.err.splitlines()) == 1
    assert path.read_bytes() == content  # never "repaired" or overwritten


def test_a_corrupt_profile_does_not_stop_list_or_the_wizard(cli_run, tmp_path, qtbot, monkeypatch):  # noqa: F811
    profile = config_files.default_config_path()
    profile.parent.mkdir(parents=True)
    profile.write_text('{"format": "phonewizard/7"}')
    result = cli_run("list")
    assert result.code == 2 and "newer phonewizard" in result.err
    from tests.ui.wizard_helpers import make_wizard

    wizard = make_wizard(qtbot, tmp_path, profile_path=profile)
    assert any("newer phonewizard" in n for n in wizard.notices)
    assert profile.read_text() == '{"format": "phonewizard/7"}'


def test_load_config_raises_a_clear_error_not_json_errors(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b"{\n  \"format\": \"phonewizard/1\",\n  oops\n}")
    with pytest.raises(ConfigFileError, match=r"invalid JSON at line 3, column 3"):
        load_config(path)


# ---- file modes ---------------------------------------------------------------------------------

@POSIX
def test_config_files_are_written_0600_even_over_a_0644_file(tmp_path, monkeypatch):
    old_umask = os.umask(0o022)
    try:
        target = tmp_path / "c.json"
        target.write_text("{}")
        os.chmod(target, 0o644)
        save_config(target, _config())
        assert _mode(target) == 0o600
        fresh = tmp_path / "sub" / "fresh.json"
        save_config(fresh, _config())
        assert _mode(fresh) == 0o600
    finally:
        os.umask(old_umask)


@POSIX
def test_export_lk_files_are_0600(cli_run, tmp_path):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document("wss://demo.livekit.cloud", password=None))
    assert cli_run("export-lk", path, "--out", tmp_path / "out").code == 0
    files = list((tmp_path / "out").iterdir())
    assert files and all(_mode(p) == 0o600 for p in files)


@POSIX
def test_wizard_profile_is_0600(qtbot, tmp_path):
    from tests.ui.wizard_helpers import make_wizard, save_profile_and_wait

    wizard = make_wizard(qtbot, tmp_path)
    wizard.draft["agent_name"] = "sales-agent"
    wizard.revalidate()
    written = save_profile_and_wait(qtbot, wizard)
    assert written is not None and _mode(written) == 0o600
