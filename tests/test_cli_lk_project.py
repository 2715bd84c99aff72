"""The CLI with LiveKit CLI projects (`~/.livekit/cli-config.yaml`, app/lk_projects.py):
`--lk-project NAME`, the default project, the secret found by URL and key, and broken files."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.cli_run import EXAMPLES, run


def dead_url() -> str:
    """A local address nobody listens on: "elsewhere" must fail without leaving this machine."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def write_lk_config(sandbox, text: str | None = None, default: str = "sandbox") -> Path:
    path = Path(os.environ["PHONEWIZARD_LK_CLI_CONFIG"])  # per test (tests/conftest.py)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else f"""\
default_project: {default}
projects:
    - name: sandbox
      project_id: p_sbx42
      url: {sandbox.url}
      api_key: {sandbox.api_key}
      api_secret: {sandbox.api_secret}
    - name: elsewhere
      project_id: p_other
      url: {dead_url()}
      api_key: APIelsewhere
      api_secret: elsewhere-secret-0123456789abcdefghijk
""")
    return path


def test_register_with_a_named_project(sandbox, capsys, memory_keyring):
    write_lk_config(sandbox, default="")
    result = run(capsys, ["register", EXAMPLES / "twilio.json", "--lk-project", "sandbox", "--json"],
                 secrets=[sandbox.api_secret])
    assert result.code == 0, result.err
    # The project's SIP URI, derived from its ID, replaces the file's.
    assert result.json()["sip_uri"] == "sip:sbx42.sip.livekit.cloud"
    assert "note: using the LiveKit CLI's project “sandbox”" in result.err
    assert memory_keyring.entries == {}  # the secret stays in lk's file: not copied to the keyring


def test_the_named_project_wins_over_the_variables(sandbox_env, capsys):
    write_lk_config(sandbox_env)
    result = run(capsys, ["list", "--lk-project", "elsewhere", "--json"], secrets=[sandbox_env.api_secret])
    assert result.code == 4, result.err  # nothing listens at "elsewhere"
    assert "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET ignored" in result.err
    assert sandbox_env.log.methods == []


def test_an_unknown_project_lists_the_known_ones(sandbox, capsys):
    write_lk_config(sandbox)
    result = run(capsys, ["validate", EXAMPLES / "twilio.json", "--lk-project", "prod"], secrets=[sandbox.api_secret])
    assert result.code == 2
    assert result.err.startswith("--lk-project: no project “prod”") and "sandbox, elsewhere" in result.err


def test_list_and_unregister_use_the_default_project(sandbox, capsys):
    write_lk_config(sandbox)
    registered = run(capsys, ["register", EXAMPLES / "twilio.json", "--lk-project", "sandbox"],
                     secrets=[sandbox.api_secret])
    assert registered.code == 0, registered.err
    listed = run(capsys, ["list", "--json"], secrets=[sandbox.api_secret])
    assert listed.code == 0, listed.err
    assert [r["phone_number"] for r in listed.json()] == ["+14155550123"]
    assert "note: using the LiveKit CLI's default project “sandbox”" in listed.err
    gone = run(capsys, ["unregister", "+14155550123"], secrets=[sandbox.api_secret])
    assert gone.code == 0 and "Unregistered +14155550123" in gone.out


def test_a_file_naming_an_lk_project_finds_its_secret_there(sandbox, capsys, tmp_path):
    write_lk_config(sandbox)
    document = (EXAMPLES / "twilio.json").read_text().replace("http://127.0.0.1:7880", sandbox.url)
    path = tmp_path / "twilio.json"
    path.write_text(document)
    result = run(capsys, ["register", path], secrets=[sandbox.api_secret])  # no LIVEKIT_*, empty keyring
    assert result.code == 0, result.err


@pytest.mark.parametrize("text", ["projects: [broken\n", "\x00\x01binary", "- a\n- list\n"])
def test_a_broken_file_is_as_if_there_were_none(sandbox, capsys, text):
    write_lk_config(sandbox, text)
    result = run(capsys, ["list"])
    assert result.code == 2 and result.err.startswith("livekit.url: no LiveKit project configured")
    named = run(capsys, ["list", "--lk-project", "sandbox"])
    assert named.code == 2 and named.err.startswith("--lk-project: no usable LiveKit CLI configuration")


def test_every_command_that_reads_a_project_takes_lk_project():
    import argparse

    from phonewizard.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    reads_a_project = {name for name, p in sub.choices.items() if "--allow-insecure" in p._option_string_actions}
    assert {"register", "validate", "list", "show", "unregister", "doctor", "call"} <= reads_a_project
    for name in sorted(reads_a_project | {"probe"}):
        assert "--lk-project" in sub.choices[name]._option_string_actions, name


def test_doctor_and_show_use_the_named_project(sandbox, capsys):
    write_lk_config(sandbox, default="")
    run(capsys, ["register", EXAMPLES / "twilio.json", "--lk-project", "sandbox"], secrets=[sandbox.api_secret])
    shown = run(capsys, ["show", "+14155550123", "--lk-project", "sandbox"], secrets=[sandbox.api_secret])
    assert shown.code == 0, shown.err
    doctor = run(capsys, ["doctor", "--to", "+14155550123", "--lk-project", "sandbox", "--json"],
                 secrets=[sandbox.api_secret])
    assert doctor.code == 0, doctor.err
