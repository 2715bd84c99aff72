"""`phonewizard forget-profile`: delete the saved profile and the keyring entries it refers to.

The wizard's "Save profile" writes `config.json` (no secrets) and puts the LiveKit API secret and
the SIP password in the keyring; this undoes both, so a machine can be handed over clean.
"""

from __future__ import annotations

import argparse

from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, err
from phonewizard.services.config_files import default_config_path
from phonewizard.services.forget import delete_profile
from phonewizard.services.secret_store import SecretStore


def cmd_forget_profile(args: argparse.Namespace) -> int:
    path = default_config_path()
    if not path.exists():
        print(f"No saved profile at {path}; nothing to forget.")
        return EXIT_OK
    outcome = delete_profile(path, SecretStore())
    for item in outcome.removed:
        print(f"removed {item}")
    for problem in outcome.problems:
        err(f"warning: {problem}")
    return EXIT_FAILED if outcome.problems else EXIT_OK
