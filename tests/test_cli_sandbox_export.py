"""A configuration the wizard exported in sandbox mode (`"livekit": {…, "sandbox": true}`): `register`
says to start `phonewizard sandbox` instead of asking for a secret no keyring can hold."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from phonewizard.domain.config_document import config_to_document
from phonewizard.domain.report import check_config
from tests.cli_run import EXAMPLES, run


def sandbox_export(tmp_path: Path, url: str = "http://127.0.0.1:7880") -> Path:
    document = json.loads((EXAMPLES / "twilio.json").read_text())
    document["livekit"].update(url=url, sandbox=True)
    path = tmp_path / "exported.json"
    path.write_text(json.dumps(document))
    return path


def test_the_marker_is_written_only_when_true():
    document = json.loads((EXAMPLES / "twilio.json").read_text())
    assert "sandbox" not in config_to_document(check_config(document).config)["livekit"]
    document["livekit"]["sandbox"] = True
    assert config_to_document(check_config(document).config)["livekit"]["sandbox"] is True


def test_without_the_sandbox_variables_register_says_to_start_it(tmp_path, capsys, memory_keyring):
    result = run(capsys, ["register", sandbox_export(tmp_path)])
    assert result.code == 2
    assert result.err.startswith("livekit.api_secret: this configuration was exported from the wizard's sandbox")
    assert "start `phonewizard sandbox`" in result.err and "keyring" not in result.err
    assert run(capsys, ["validate", sandbox_export(tmp_path)]).code == 0  # nothing wrong with the file


def test_with_the_sandbox_running_and_its_lines_pasted_it_registers(tmp_path, sandbox_env, capsys):
    result = run(capsys, ["register", sandbox_export(tmp_path)], secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err


def test_a_sandbox_that_is_not_running_is_named(tmp_path, capsys, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv("LIVEKIT_API_SECRET", "s" * 43)  # a secret, but nothing listens at the file's URL
    result = run(capsys, ["register", sandbox_export(tmp_path, dead)])
    assert result.code == 4
    assert "exported from the wizard's sandbox: start `phonewizard sandbox`" in result.err
