"""`list [--json]` (`--all`: cli/show.py), `unregister NUMBER [--carrier [CARRIER]]` and
`sandbox [--port N] [--state FILE] [--sip-port N]`.

`list` and `unregister` take the project from --lk-project, else LIVEKIT_URL / LIVEKIT_API_KEY /
LIVEKIT_API_SECRET or the profile the wizard saves (secret from the keyring), else the LiveKit CLI's
default project: app/project.command_project (`project_connection`, which every file-less command
that talks to LiveKit uses). Both report
the project's unfinished runs first (cli/recover.py); `list` marks their numbers. Ctrl-C, SIGTERM
or SIGHUP during `unregister` stops it before anything is removed, or — once removing has begun —
lets it finish first (a half-removed number routes nowhere); either way it exits 1 and says which.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from phonewizard.app.profiles import default_profile_path
from phonewizard.app.registrations import list_registrations, parse_number, unregister
from phonewizard.app.secrets import SecretStore
from phonewizard.cli import SANDBOX_PORT
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.cli.errors import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    CliError,
    err,
    json_text,
    out,
)
from phonewizard.cli.projects import chosen_project, connection_to
from phonewizard.cli.recover import report_unfinished
from phonewizard.cli.signals import Interrupted, run_interruptibly

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection

SANDBOX_KEY = "devkey"


def project_connection(args: argparse.Namespace, store: SecretStore) -> Connection:
    """The connection for a file-less command: --lk-project, else the variables over the saved
    profile, else the LiveKit CLI's default project (app/project.command_project); a note says
    when the project comes from the LiveKit CLI."""
    return connection_to(chosen_project(args), store)


def cmd_list(args: argparse.Namespace) -> int:
    if args.all:
        from phonewizard.cli.show import cmd_list_all

        return cmd_list_all(args)
    connection = project_connection(args, SecretStore())
    unfinished = {normalize_number(run.phone_number): run for run in report_unfinished(connection.url)}
    registrations, _ = run_interruptibly(list_registrations(connection))
    entries = [r.model_dump(mode="json") for r in registrations]
    for entry in entries:
        entry["unfinished_run"] = _mark(unfinished.pop(normalize_number(entry["phone_number"]), None))
    # Unfinished runs whose number has nothing in LiveKit (it may hold objects it never heard of).
    for run in unfinished.values():
        entries.append({"phone_number": run.phone_number, "agent_name": run.record.agent_name,
                        "provider": run.record.provider or None, "inbound_trunk_ids": [],
                        "outbound_trunk_ids": [], "dispatch_rule_ids": [], "unfinished_run": _mark(run)})
    if args.json:
        print(json_text(entries))
        return EXIT_OK
    if not entries:
        out(f"No numbers registered by phonewizard at {connection.url}.")
        return EXIT_OK
    for entry in entries:
        provider = f" ({entry['provider']})" if entry["provider"] else ""
        out(f"{entry['phone_number']}{provider} → agent {entry['agent_name']}")
        for label, key in (("inbound trunk", "inbound_trunk_ids"), ("outbound trunk", "outbound_trunk_ids"),
                           ("dispatch rule", "dispatch_rule_ids")):
            if entry[key]:
                out(f"  {label}: {', '.join(entry[key])}")
        mark = entry["unfinished_run"]
        if mark:
            out(f"  ! unfinished {mark['command']} (run {mark['run_id']}, started {mark['started_at']}): "
                f"`phonewizard recover` shows it")
    return EXIT_OK


def _mark(run) -> dict | None:
    if run is None:
        return None
    return {"run_id": run.run_id, "command": run.command, "started_at": run.record.started_at}


def cmd_unregister(args: argparse.Namespace) -> int:
    number = parse_number(args.number, field="NUMBER")
    store = SecretStore()
    connection = project_connection(args, store)
    report_unfinished(connection.url)
    carrier = None
    if args.carrier:  # the carrier first: a failure there leaves LiveKit as it was (cli/carrier_unregister.py)
        from phonewizard.cli.carrier_unregister import clean_up_carrier

        carrier = clean_up_carrier(args.carrier, number, connection, store)
    try:
        outcome, _ = run_interruptibly(unregister(connection, number, store, default_profile_path()))
    except (Interrupted, KeyboardInterrupt) as exc:
        name = f" ({exc.signal_name})" if isinstance(exc, Interrupted) else ""
        raise CliError(EXIT_FAILED, f"interrupted{name} before anything of {number} was removed: nothing "
                       "changed") from None
    if not outcome.removed:
        out(f"Nothing to remove: no objects registered by phonewizard for {number}.")
    else:
        out(f"Unregistered {number}; removed {', '.join(outcome.removed)}.")
        if carrier is None:
            from phonewizard.cli.carrier_unregister import NOT_ASKED_HINT

            out(NOT_ASKED_HINT)
    if outcome.keyring.removed:
        out(f"Removed the SIP password of {number} from the system keyring.")
    for problem in outcome.keyring.problems:
        err(f"warning: {problem}")
    for run_id in outcome.resolved:
        err(f"note: the unfinished run {run_id} of {number} is resolved.")
    if outcome.interrupted:
        err(f"interrupted: removing the objects of {number} had begun, so it was finished first.")
        return EXIT_FAILED
    return EXIT_OK


def cmd_sandbox(args: argparse.Namespace) -> int:
    # Imported here: only this command needs the server (aiohttp web) modules.
    from phonewizard.sandbox import StateFileError, run_forever

    if not 0 <= args.port <= 65535:
        raise CliError(EXIT_INVALID, f"--port: {args.port} is not a TCP port (0–65535)")
    if not 0 <= args.sip_port <= 65535:
        raise CliError(EXIT_INVALID, f"--sip-port: {args.sip_port} is not a port (0–65535)")
    state = Path(args.state) if args.state else None
    try:
        run_forever(args.port, state, SANDBOX_KEY, None, sip_port=args.sip_port)
    except StateFileError as exc:
        raise CliError(EXIT_INVALID, f"--state: {exc}") from None
    except OSError as exc:
        err(f"sandbox: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
        if args.port == SANDBOX_PORT:
            err(f"Is another LiveKit server or sandbox already running? Try --port {SANDBOX_PORT + 1}.")
        return EXIT_FAILED
    return EXIT_OK
