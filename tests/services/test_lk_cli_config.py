"""Reading LiveKit CLI's `~/.livekit/cli-config.yaml` (services/lk_cli_config.py): what `lk` writes,
what a person may have edited, and every broken file given as None, never an exception."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from phonewizard.services.lk_cli_config import (
    MAX_FILE_BYTES,
    LkProject,
    lk_cli_config_path,
    read_lk_cli_config,
)

SECRET = "lk-secret-0123456789abcdefghijklmnopqrstuvwx"

# What gopkg.in/yaml.v3 writes for CLIConfig (4-space indent, empty strings quoted).
WRITTEN_BY_LK = f"""\
default_project: staging
projects:
    - name: staging
      project_id: p_abc123xyz
      url: wss://staging-abc123xyz.livekit.cloud
      api_key: APIstaging
      api_secret: {SECRET}
    - name: local
      project_id: ""
      url: http://localhost:7880
      api_key: devkey
      api_secret: secret
device_name: ""
theme: ""
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / ".livekit" / "cli-config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_the_path_is_in_the_home_folder_as_lk_has_it():
    assert lk_cli_config_path(Path("/home/ada")) == Path("/home/ada/.livekit/cli-config.yaml")


def test_reads_what_lk_writes(tmp_path):
    config = read_lk_cli_config(write(tmp_path, WRITTEN_BY_LK))
    assert config is not None
    assert [p.name for p in config.projects] == ["staging", "local"]
    staging = config.default
    assert staging == LkProject("staging", "wss://staging-abc123xyz.livekit.cloud", "APIstaging", SECRET, "p_abc123xyz")
    assert config.find("local").project_id == ""
    assert config.find("Staging") is None  # `lk --project` matches names exactly


def test_the_secret_never_shows_in_a_repr(tmp_path):
    config = read_lk_cli_config(write(tmp_path, WRITTEN_BY_LK))
    assert SECRET not in repr(config) and SECRET not in repr(config.default)


def test_values_are_the_strings_written_as_go_reads_them(tmp_path):
    # YAML 1.1 would turn these into an int, a bool and None; Go decodes them into string fields.
    text = """\
projects:
  - name: no
    url: 'wss://x.livekit.cloud'
    api_key: 0x1F
    api_secret: "with: colon # and hash"
    project_id: ~
"""
    config = read_lk_cli_config(write(tmp_path, text))
    project = config.projects[0]
    assert (project.name, project.api_key, project.api_secret) == ("no", "0x1F", "with: colon # and hash")
    assert project.project_id == ""  # null is the empty string
    assert config.default is None and config.default_project == ""


def test_flow_style_and_comments_are_read(tmp_path):
    text = ("# added by hand\ndefault_project: a\nprojects: [{name: a, url: 'wss://a.livekit.cloud', "
            "api_key: K, api_secret: S, project_id: p_a1}]\n")
    assert read_lk_cli_config(write(tmp_path, text)).default.project_id == "p_a1"


def test_unusable_projects_are_left_out(tmp_path):
    text = """\
projects:
  - name: no-secret
    url: wss://a.livekit.cloud
    api_key: K
  - just a string
  - [a, list]
  - name: ok
    url: wss://b.livekit.cloud
    api_key: K
    api_secret: S
    unknown_key: ignored, as lk ignores it
"""
    config = read_lk_cli_config(write(tmp_path, text))
    assert [p.name for p in config.projects] == ["ok"]


def test_a_default_naming_no_project_gives_no_default(tmp_path):
    config = read_lk_cli_config(write(tmp_path, WRITTEN_BY_LK.replace("default_project: staging", "default_project: gone")))
    assert config.default is None and len(config.projects) == 2


def test_no_projects_at_all(tmp_path):
    for text in ("theme: dark\n", "projects: []\n", "projects:\n"):
        config = read_lk_cli_config(write(tmp_path, text))
        assert config is not None and config.projects == (), text
    assert read_lk_cli_config(write(tmp_path, "")) is None  # an empty document is no configuration


@pytest.mark.parametrize("text", [
    "projects: [unclosed\n",
    "projects:\n  - name: a\n    name: b\n    url: u\n    api_key: k\n    api_secret: s\n",  # yaml.v3 refuses
    "default_project: a\ndefault_project: b\n",
    "- a list\n- not a mapping\n",
    "projects: a string\n",
    "!!python/object/apply:os.system ['echo pwned']\n",
    "[" * 20000,
    "\tprojects: tab\n",
], ids=["syntax", "duplicate-in-project", "duplicate-top", "list", "projects-string", "python-tag", "deep", "tab"])
def test_a_malformed_file_is_none(tmp_path, text):
    assert read_lk_cli_config(write(tmp_path, text)) is None


def test_not_utf8_or_too_big_or_not_a_file_is_none(tmp_path):
    assert read_lk_cli_config(write(tmp_path, b"projects: \xff\xfe\n")) is None
    assert read_lk_cli_config(write(tmp_path, "#" * (MAX_FILE_BYTES + 1))) is None
    assert read_lk_cli_config(tmp_path / "missing.yaml") is None
    assert read_lk_cli_config(tmp_path) is None  # a folder
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    assert read_lk_cli_config(fifo) is None  # refused at once, never blocks


def test_an_unreadable_file_is_none(tmp_path, monkeypatch):
    # Tests run as root here, where chmod 000 does not stop a read: the OS error is simulated.
    import phonewizard.services.lk_cli_config as module

    def denied(path, limit, *, what):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(module, "read_regular_file", denied)
    assert read_lk_cli_config(write(tmp_path, WRITTEN_BY_LK)) is None
