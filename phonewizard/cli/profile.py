"""`phonewizard forget-profile`: delete the saved profile and the keyring entries it refers to.

The wizard's "Save profile" writes `config.json` (no secrets) and puts the LiveKit API secret and
the SIP password in the keyring; this undoes both, so a machine can be handed over clean.
"""

from __future__ import annotations

import argparse

from phonewizard.app.profiles import default_profile_path, forget_profile
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, err


def cmd_forget_profile(args: argparse.Namespace) -> int:
    path = default_profile_path()
    outcome = forget_profile(path, SecretStore())
    if outcome is None:
        print(f"No saved profile at {path}; nothing to forget.")
        return EXIT_OK
    for item in outcome.removed:
        print(f"removed {item}")
    for problem in outcome.problems:
        err(f"warning: {problem}")
    return EXIT_FAILED if outcome.problems else EXIT_OK
