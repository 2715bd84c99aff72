"""`--lk-project NAME`: the LiveKit CLI's project a command was told to use (app/lk_projects.py).

Every command that reads a LiveKit project takes the option (`cli.add_project_option`); this turns
it into the project, or InvalidInput (exit 2) naming the projects `lk` does know.
"""

from __future__ import annotations

import argparse
import os

from phonewizard.app.lk_projects import LkProject, chosen_lk_project
from phonewizard.cli.errors import remember_secret


def lk_project_arg(args: argparse.Namespace) -> LkProject | None:
    name = getattr(args, "lk_project", None)
    if not name:
        return None
    project = chosen_lk_project(name, os.environ)
    remember_secret(project.api_secret)  # scrubbed from anything printed, like every secret read
    return project
