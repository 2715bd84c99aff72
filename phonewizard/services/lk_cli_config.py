"""The projects LiveKit's own CLI (`lk`) knows, read from its configuration file.

`lk` keeps them in `~/.livekit/cli-config.yaml` (livekit-cli `pkg/config/config.go`: the folder
`.livekit` in the home directory Go's `os.UserHomeDir` names, written by gopkg.in/yaml.v3 with
mode 0600), in this shape:

    default_project: my-project
    projects:
        - name: my-project
          project_id: p_abc123
          url: wss://my-project-abc123.livekit.cloud
          api_key: APIxxxxxxxx
          api_secret: xxxxxxxx

Reading follows what `lk` does with the file, so both agree on what is in it:
* keys are matched exactly, unknown keys ignored; every value is taken as the string it is written
  as, since Go decodes into string fields (PyYAML's `BaseLoader`: no YAML 1.1 guessing that turns
  `0x1F` into 31 or `no` into False, and no Python object is ever constructed from the file);
* a key given twice makes the file unusable, as yaml.v3 refuses it;
* a null (`~`, `null`) is an empty string.
The file is the user's own, holding secrets, so it is read like any file a user names
(services/user_files.py: regular file only, size capped). A missing, unreadable or malformed file
is None, never an exception: it is then simply not offered. A project without a name, URL, API key
or secret cannot be used and is left out. Nothing here writes the file or copies a secret anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phonewizard.services.user_files import UserFileError, read_regular_file

MAX_FILE_BYTES = 256 * 1024  # `lk` writes a few hundred bytes per project
MAX_PROJECTS = 1000
_NULLS = ("~", "null", "Null", "NULL")


@dataclass(frozen=True)
class LkProject:
    """One project of `lk project list`. `api_secret` never appears in a repr."""

    name: str
    url: str
    api_key: str
    api_secret: str = field(repr=False)
    project_id: str = ""  # "p_…" for LiveKit Cloud projects added with `lk cloud auth`; "" otherwise


@dataclass(frozen=True)
class LkCliConfig:
    path: Path
    projects: tuple[LkProject, ...]
    default_project: str = ""  # the name `lk` uses when no project is named; "" when none

    def find(self, name: str) -> LkProject | None:
        """The project called `name`, matched exactly as `lk --project NAME` does."""
        return next((p for p in self.projects if p.name == name), None)

    @property
    def default(self) -> LkProject | None:
        return self.find(self.default_project) if self.default_project else None


def lk_cli_config_path(home: Path) -> Path:
    """Where `lk` keeps its projects for a user whose home directory is `home`."""
    return home / ".livekit" / "cli-config.yaml"


def read_lk_cli_config(path: Path) -> LkCliConfig | None:
    """The projects in `path`, or None when there is no usable file (never raises)."""
    try:
        data = read_regular_file(path, MAX_FILE_BYTES, what="the LiveKit CLI's configuration")
        document = _parse(data.decode("utf-8-sig"))
    except (UserFileError, OSError, UnicodeDecodeError, ValueError, RecursionError, MemoryError):
        return None
    except Exception:  # noqa: BLE001 — any yaml.YAMLError: a file we cannot read is not offered
        return None
    if not isinstance(document, dict):
        return None
    entries = document.get("projects", [])
    if entries == "" or entries in _NULLS:
        entries = []
    if not isinstance(entries, list) or len(entries) > MAX_PROJECTS:
        return None
    projects = tuple(p for p in (_project(entry) for entry in entries) if p is not None)
    return LkCliConfig(path, projects, _text(document.get("default_project")))


def _parse(text: str) -> Any:
    import yaml  # imported on use: only a command or page that offers lk's projects pays for it

    class _Loader(yaml.BaseLoader):
        """Strings, lists and dicts only; a repeated key is an error (yaml.v3 refuses it too)."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            keys = [key_node.value for key_node, _ in node.value if isinstance(key_node, yaml.ScalarNode)]
            if len(keys) != len(set(keys)):
                raise ValueError("a mapping key is defined twice")
            return super().construct_mapping(node, deep=deep)

    return yaml.load(text, Loader=_Loader)  # noqa: S506 — BaseLoader builds no Python objects


def _text(value: Any) -> str:
    if not isinstance(value, str) or value in _NULLS:
        return ""
    return value


def _project(entry: Any) -> LkProject | None:
    if not isinstance(entry, dict):
        return None
    fields = {name: _text(entry.get(name)) for name in ("name", "project_id", "url", "api_key", "api_secret")}
    if not all(fields[name] for name in ("name", "url", "api_key", "api_secret")):
        return None
    return LkProject(**fields)
