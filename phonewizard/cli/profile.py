"""`phonewizard forget-profile`: delete the saved profile and the keyring entries it refers to.

The wizard's "Save profile" writes `config.json` (no secrets) and puts the LiveKit API secret and
the SIP password in the keyring; `register FILE` may have moved a file's API secret there too.
This undoes all of it (app/profiles.py), so a machine can be handed over clean.
"""

from __future__ import annotations

import argparse

from phonewizard.app.profiles import default_profile_path, forget_profile
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, err, out


def cmd_forget_profile(args: argparse.Namespace) -> int:
    path = default_profile_path()
    outcome = forget_profile(path, SecretStore())
    if outcome is None:
        out(f"No saved profile at {path} and no secret saved by phonewizard; nothing to forget.")
        return EXIT_OK
    for item in outcome.removed:
        out(f"removed {item}")
    for problem in outcome.problems:
        err(f"warning: {problem}")
    return EXIT_FAILED if outcome.problems else EXIT_OK
