"""`--lk-project NAME`: the LiveKit CLI's project a command was told to use (app/lk_projects.py),
and the project and connection of a file-less command.

Every command that reads a LiveKit project takes the option (`cli.add_project_option`); this turns
it into the project, or InvalidInput (exit 2) naming the projects `lk` does know. `chosen_project`
is the project a file-less command works on (app/project.command_project), `connection_to` its
connection once the API secret is read.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from phonewizard.app.lk_projects import LkProject, chosen_lk_project
from phonewizard.app.profiles import default_profile_path
from phonewizard.app.project import ApiSecret, CommandProject, api_secret_for, command_project, connection_for
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import err, remember_secret

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection


def lk_project_arg(args: argparse.Namespace) -> LkProject | None:
    name = getattr(args, "lk_project", None)
    if not name:
        return None
    project = chosen_lk_project(name, os.environ)
    remember_secret(project.api_secret)  # scrubbed from anything printed, like every secret read
    return project


def chosen_project(args: argparse.Namespace) -> CommandProject:
    """--lk-project, else the variables over the saved profile, else the LiveKit CLI's default
    project; a note on stderr says when the project comes from the LiveKit CLI."""
    chosen = command_project(default_profile_path(), os.environ, lk=lk_project_arg(args),
                             allow_insecure=getattr(args, "allow_insecure", False))
    if chosen.note:
        err(f"note: {chosen.note}")
    return chosen


def connection_to(chosen: CommandProject, store: SecretStore) -> Connection:
    """The connection to `chosen`, its API secret read (keyring, then the LiveKit CLI's project)
    and scrubbed from anything printed."""
    return secret_and_connection(chosen, store)[1]


def secret_and_connection(chosen: CommandProject, store: SecretStore) -> tuple[ApiSecret, Connection]:
    """connection_to, with the API secret and where it came from (a registration it runs decides
    by that whether the secret is saved)."""
    secret = api_secret_for(chosen.profile, store, os.environ, lk=chosen.lk)
    remember_secret(secret.value)
    return secret, connection_for(chosen.profile, secret)
