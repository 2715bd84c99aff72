"""`list [--json]`, `unregister NUMBER [--carrier [CARRIER]]` and `sandbox [--port N] [--state FILE]`.

`list` and `unregister` take the project from LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET
or the profile the wizard saves (secret from the keyring): app/project.saved_profile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from phonewizard.app.profiles import default_profile_path
from phonewizard.app.project import api_secret_for, connection_for, saved_profile
from phonewizard.app.registrations import list_registrations, parse_number, unregister
from phonewizard.app.secrets import SecretStore
from phonewizard.cli import SANDBOX_PORT
from phonewizard.cli.errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, CliError, err, remember_secret

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection

SANDBOX_KEY = "devkey"


def project_connection(args: argparse.Namespace, store: SecretStore) -> Connection:
    """The connection for a file-less command (variables over the saved profile)."""
    profile = saved_profile(default_profile_path(), os.environ, allow_insecure=getattr(args, "allow_insecure", False))
    secret = api_secret_for(profile, store, os.environ)
    remember_secret(secret.value)
    return connection_for(profile, secret)


def cmd_list(args: argparse.Namespace) -> int:
    connection = project_connection(args, SecretStore())
    registrations = asyncio.run(list_registrations(connection))
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in registrations], indent=2))
        return EXIT_OK
    if not registrations:
        print(f"No numbers registered by phonewizard at {connection.url}.")
        return EXIT_OK
    for r in registrations:
        provider = f" ({r.provider})" if r.provider else ""
        print(f"{r.phone_number}{provider} → agent {r.agent_name}")
        for label, ids in (("inbound trunk", r.inbound_trunk_ids),
                           ("outbound trunk", r.outbound_trunk_ids),
                           ("dispatch rule", r.dispatch_rule_ids)):
            if ids:
                print(f"  {label}: {', '.join(ids)}")
    return EXIT_OK


def cmd_unregister(args: argparse.Namespace) -> int:
    number = parse_number(args.number, field="NUMBER")
    store = SecretStore()
    connection = project_connection(args, store)
    carrier = None
    if args.carrier:  # the carrier first: a failure there leaves LiveKit as it was (cli/carrier_unregister.py)
        from phonewizard.cli.carrier_unregister import clean_up_carrier

        carrier = clean_up_carrier(args.carrier, number, connection, store)
    try:
        outcome = asyncio.run(unregister(connection, number, store, default_profile_path()))
    except KeyboardInterrupt:
        raise CliError(
            EXIT_FAILED,
            f"interrupted: some objects of {number} may remain; run `phonewizard unregister "
            f"{number}` again to finish",
        ) from None
    if not outcome.removed:
        print(f"Nothing to remove: no objects registered by phonewizard for {number}.")
    else:
        print(f"Unregistered {number}; removed {', '.join(outcome.removed)}.")
        if carrier is None:
            from phonewizard.cli.carrier_unregister import NOT_ASKED_HINT

            print(NOT_ASKED_HINT)
    if outcome.keyring.removed:
        print(f"Removed the SIP password of {number} from the system keyring.")
    for problem in outcome.keyring.problems:
        err(f"warning: {problem}")
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    # Imported here: only this command needs the server (aiohttp web) modules.
    from phonewizard.sandbox import StateFileError, run_forever

    if not 0 <= args.port <= 65535:
        raise CliError(EXIT_INVALID, f"--port: {args.port} is not a TCP port (0–65535)")
    state = Path(args.state) if args.state else None
    try:
        run_forever(args.port, state, SANDBOX_KEY, None)
    except StateFileError as exc:
        raise CliError(EXIT_INVALID, f"--state: {exc}") from None
    except OSError as exc:
        err(f"sandbox: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
        if args.port == SANDBOX_PORT:
            err(f"Is another LiveKit server or sandbox already running? Try --port {SANDBOX_PORT + 1}.")
        return EXIT_FAILED
    return EXIT_OK
