"""Using the projects LiveKit's own CLI (`lk`) already knows, in the wizard and on the command line.

Which project a command uses (docs/cli.md, "Which LiveKit project"), first match wins:
1. `--lk-project NAME` (the wizard: a project picked on page 1): that project's URL, API key and
   secret, and the SIP URI derived from its project ID; the LIVEKIT_* variables are ignored (a
   note says so), because a name typed on the command line is the most specific choice there is;
2. LIVEKIT_URL / LIVEKIT_API_KEY over the file's (or the saved profile's) `livekit` section;
3. `lk`'s default project, only for commands without a file (`list`, `unregister`) and only when
   neither a variable nor a saved profile names a project (a file always names its own).
The API secret of a project from 2 or 3: LIVEKIT_API_SECRET, the file, the keyring, then the
`lk` project with the same URL and key. A secret read from `lk`'s file stays there: it is never
written to our files, and reaches the keyring only when the user asks (the wizard's "Keep the
API secret in the system keyring", or Save profile); the secret policy does not save it.

The file is `~/.livekit/cli-config.yaml` (the home from HOME, or USERPROFILE on Windows, as Go's
os.UserHomeDir), or the file PHONEWIZARD_LK_CLI_CONFIG names (tests; unusual set-ups).
A missing or malformed file means no `lk` projects, never an error; naming a project that is not
there is one (InvalidInput listing the names that are).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping

from phonewizard.app.errors import InvalidInput
from phonewizard.services.lk_cli_config import LkCliConfig, LkProject, lk_cli_config_path, read_lk_cli_config
from phonewizard.services.secret_store import livekit_secret_key

__all__ = ["LK_CONFIG_VAR", "LK_PROJECT_OPTION", "LkCliConfig", "LkProject", "chosen_lk_project",
           "lk_cli_projects", "lk_config_path", "lk_default_project", "lk_secret_for", "project_fields", "sip_uri_for"]

LK_CONFIG_VAR = "PHONEWIZARD_LK_CLI_CONFIG"
LK_PROJECT_OPTION = "--lk-project"
SIP_DOMAIN = "sip.livekit.cloud"
# LiveKit Cloud project IDs are "p_" and a lower-case alphanumeric ID; the SIP host is that ID.
_PROJECT_ID = re.compile(r"^p_([A-Za-z0-9]{1,63})$")


def lk_config_path(environ: Mapping[str, str]) -> Path | None:
    """Where `lk` keeps its projects for this environment; None without a home directory."""
    override = environ.get(LK_CONFIG_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    home = environ.get("USERPROFILE" if os.name == "nt" else "HOME", "").strip()
    return lk_cli_config_path(Path(home)) if home else None


def lk_cli_projects(environ: Mapping[str, str]) -> LkCliConfig | None:
    """The projects `lk` knows, or None when it has no usable configuration file."""
    path = lk_config_path(environ)
    return read_lk_cli_config(path) if path is not None else None


def sip_uri_for(project: LkProject) -> str | None:
    """The project's SIP URI derived from its ID (`p_abc` → `sip:abc.sip.livekit.cloud`), or None
    when it has no LiveKit Cloud project ID (a self-hosted server added with `lk project add`)."""
    match = _PROJECT_ID.match(project.project_id.strip())
    return f"sip:{match.group(1).lower()}.{SIP_DOMAIN}" if match else None


def project_fields(project: LkProject) -> dict[str, str]:
    """The `livekit` section fields a project fills (never the secret: that one is handed over
    separately, so it cannot end up in a file by accident)."""
    fields = {"url": project.url.strip(), "api_key": project.api_key.strip()}
    sip_uri = sip_uri_for(project)
    if sip_uri:
        fields["sip_uri"] = sip_uri
    return fields


def chosen_lk_project(name: str, environ: Mapping[str, str]) -> LkProject:
    """The project `--lk-project NAME` names; InvalidInput saying what is there instead."""
    config = lk_cli_projects(environ)
    path = lk_config_path(environ)
    if config is None:
        where = str(path) if path is not None else "~/.livekit/cli-config.yaml (no home directory is set)"
        raise InvalidInput.field(LK_PROJECT_OPTION, f"no usable LiveKit CLI configuration at {where}: add the "
                                                    "project with `lk cloud auth` or `lk project add` first")
    project = config.find(name)
    if project is not None:
        return project
    if not config.projects:
        raise InvalidInput.field(LK_PROJECT_OPTION, f"no project “{name}”: {config.path} lists no usable "
                                                    "project (add one with `lk cloud auth` or `lk project add`)")
    names = ", ".join(p.name for p in config.projects)
    raise InvalidInput.field(LK_PROJECT_OPTION, f"no project “{name}” in {config.path}; it has: {names}")


def lk_default_project(environ: Mapping[str, str]) -> LkProject | None:
    config = lk_cli_projects(environ)
    return config.default if config is not None else None


def lk_secret_for(url: str, api_key: str, environ: Mapping[str, str]) -> str | None:
    """The secret `lk` keeps for the project at `url` with `api_key` (URLs compared as the keyring
    compares them: wss/https and a trailing slash do not matter), or None."""
    config = lk_cli_projects(environ)
    if config is None or not url or not api_key:
        return None
    wanted = livekit_secret_key(url, api_key)
    return next((p.api_secret for p in config.projects if livekit_secret_key(p.url, p.api_key) == wanted), None)
