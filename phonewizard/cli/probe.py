"""`probe [SIP_URI] [--file FILE] [--lk-project NAME] [--timeout S] [--json]`: can this machine reach a SIP server?

Resolves the host, then sends one SIP OPTIONS over UDP, TCP and TLS (5060/5060/5061, or what the
URI says) and prints each step as it finishes (app/probe.py). No INVITE is ever sent. Without
SIP_URI the project's SIP URI is used: the LiveKit CLI project's (`--lk-project`, derived from its
project ID), the file's (`--file`) or the saved profile's.
Exit 0 when a transport answered, 5 when none did (or the host does not resolve), 2 bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from phonewizard.app.errors import InvalidInput
from phonewizard.app.lk_projects import sip_uri_for
from phonewizard.app.probe import ProbeResult, probe, probe_target_for
from phonewizard.app.profiles import default_profile_path
from phonewizard.cli.errors import EXIT_NOT_THROUGH, EXIT_OK, err, json_text, out
from phonewizard.cli.projects import lk_project_arg
from phonewizard.cli.signals import Interrupted, run_interruptibly


def cmd_probe(args: argparse.Namespace) -> int:
    uri = args.sip_uri or (_lk_sip_uri(args) if getattr(args, "lk_project", None) else None)
    target = probe_target_for(uri, default_profile_path(),
                              config_path=Path(args.file) if args.file else None)
    err(f"Probing {target.host}: DNS, then SIP OPTIONS over {target.describe()} (no call is placed)")

    def show(step) -> None:
        port = f" {step.port}" if step.port is not None else ""
        err(f"  {step.step.upper()}{port}: {'ok' if step.ok else 'no'} – {step.detail}")

    try:
        result, _ = run_interruptibly(probe(target, timeout=args.timeout, progress=None if args.quiet else show))
    except Interrupted as stop:
        err(f"interrupted ({stop.signal_name})")
        return EXIT_NOT_THROUGH
    _print(result, args.json)
    return EXIT_OK if result.reachable else EXIT_NOT_THROUGH


def _lk_sip_uri(args: argparse.Namespace) -> str:
    """The SIP URI of the LiveKit CLI project --lk-project names (app/lk_projects.py)."""
    project = lk_project_arg(args)
    uri = sip_uri_for(project) if project is not None else None
    if not uri:
        raise InvalidInput.field("--lk-project", f"project “{args.lk_project}” has no LiveKit Cloud project ID to "
                                                 "derive its SIP URI from: pass the SIP URI instead")
    return uri


def _print(result: ProbeResult, as_json: bool) -> None:
    if as_json:
        print(json_text(result.to_json()))
        return
    out(("reachable: " if result.reachable else "not reachable: ") + result.explanation)
    for fix in result.what_to_change:
        out(f"  - {fix}")
