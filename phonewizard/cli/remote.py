"""`list [--json]`, `unregister NUMBER` and `sandbox [--port N] [--state FILE]`.

`list` and `unregister` take the connection from LIVEKIT_URL / LIVEKIT_API_KEY /
LIVEKIT_API_SECRET or the default profile the wizard saves (secret from the keyring). They only
ever see and touch objects carrying phonewizard's marker.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from phonewizard.cli import SANDBOX_PORT
from phonewizard.cli.connection import api_secret_for, connect, default_profile
from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, CliError, err, invalid
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.services.config_files import default_config_path
from phonewizard.services.forget import forget_sip_passwords, usernames_in_profile
from phonewizard.services.registrar import Registrar
from phonewizard.services.secret_store import SecretStore

SANDBOX_KEY = "devkey"


def _registrar(args: argparse.Namespace) -> Registrar:
    profile = default_profile(getattr(args, "allow_insecure", False))
    secret, _source = api_secret_for(profile, SecretStore())
    return Registrar(connect(profile, secret))


def cmd_list(args: argparse.Namespace) -> int:
    registrar = _registrar(args)
    registrations = asyncio.run(registrar.list_registrations())
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in registrations], indent=2))
        return EXIT_OK
    if not registrations:
        print(f"No numbers registered by phonewizard at {registrar.conn.url}.")
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
    try:
        number = parse_e164(args.number)
    except ValueError as exc:
        raise invalid("NUMBER", f"{exc}") from None
    registrar = _registrar(args)
    try:
        outcome = asyncio.run(registrar.unregister(number))
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
    # The number's SIP password has no use any more: remove it from the keyring too.
    usernames = outcome.sip_usernames | usernames_in_profile(default_config_path(), number)
    forgotten = forget_sip_passwords(number, usernames, SecretStore())
    if forgotten.removed:
        print(f"Removed the SIP password of {number} from the system keyring.")
    for problem in forgotten.problems:
        err(f"warning: {problem}")
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    # Imported here: only this command needs the server (aiohttp web) modules.
    from phonewizard.sandbox import StateFileError, run_forever

    if not 0 <= args.port <= 65535:
        raise invalid("--port", f"{args.port} is not a TCP port (0–65535)")
    state = Path(args.state) if args.state else None
    try:
        run_forever(args.port, state, SANDBOX_KEY, None)
    except StateFileError as exc:
        raise invalid("--state", str(exc)) from None
    except OSError as exc:
        err(f"sandbox: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
        if args.port == SANDBOX_PORT:
            err("Is another LiveKit server or sandbox already running? Try --port 7881.")
        return EXIT_FAILED
    return EXIT_OK
