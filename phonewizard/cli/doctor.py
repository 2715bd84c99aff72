"""`doctor --to NUMBER [--from NUMBER] [--source-ip IP] [--pin DIGITS] [--from-host HOST] [--json]`.

Where LiveKit would route a call to NUMBER on the project (resolved like `list`: LIVEKIT_* over the
saved profile), or exactly why it would not arrive (app/doctor.py; docs/doctor.md). `--to` is used
exactly as given: it is what the carrier puts in the To header, and LiveKit does not normalise it
before a rule's `numbers` compare it. `--json` prints `Verdict.to_json()` (the contract); otherwise
the verdict in plain words, what was assumed, the path carrier → trunk → rule → room → agent, and
every trunk and rule the call concerns with why it was passed over and what to change.
Exit 0 when the call is accepted with at least one agent dispatched, 5 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import textwrap
from typing import TYPE_CHECKING, Iterable

from phonewizard.app.doctor import check_call, diagnose_call
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_NOT_THROUGH, EXIT_OK, json_text, out
from phonewizard.cli.recover import report_unfinished
from phonewizard.cli.remote import project_connection

if TYPE_CHECKING:
    from phonewizard.domain.routing import Considered, Finding, Hop, Verdict

OPTION_NAMES = {"to": "--to", "from": "--from", "source_ip": "--source-ip", "pin": "--pin",
                "from_host": "--from-host"}
WIDTH = 100  # fixed, not the terminal's: the same output everywhere (tests, logs, pipes)
HOP_STATUS = {"passed": "passed", "bypassed": "no object", "stopped": "STOPS HERE", "not_reached": "not reached"}
CONSIDERED_STATUS = {"selected": "takes the call", "skipped": "skipped", "outranked": "outranked",
                     "conflict": "CONFLICT", "not_reached": "not reached"}


def cmd_doctor(args: argparse.Namespace) -> int:
    from phonewizard.domain.routing import InboundCall

    # Exactly as typed: no strip, no normalisation (InboundCall.problems refuses edge spaces).
    call = InboundCall(to=args.to, caller=args.caller, source_ip=args.source_ip, pin=args.pin,
                       from_host=args.from_host)
    check_call(call, OPTION_NAMES)  # bad input: exit 2 before reading any profile or secret
    connection = project_connection(args, SecretStore())
    report_unfinished(connection.url)
    verdict = asyncio.run(diagnose_call(connection, call))
    if args.json:
        print(json_text(verdict.to_json()))
    else:
        for line in verdict_lines(verdict, connection.url):
            out(line)
    return EXIT_OK if verdict.gets_through else EXIT_NOT_THROUGH


# ---- plain text ----------------------------------------------------------------------------

def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False) or [indent]


def verdict_lines(v: Verdict, url: str) -> list[str]:
    """The plain-text report (each line is escaped by the caller)."""
    deployment = "LiveKit Cloud" if v.cloud else "self-hosted LiveKit"
    caller = v.call.caller if v.call.caller is not None else "any caller (not given)"
    source = v.call.source_ip or "not given"
    lines = _wrap(v.summary, "  ", first="")
    lines += ["", f"Call:    to {v.call.to} (exactly as given), from {caller}, source address {source}"
              + (f", PIN {v.call.pin!r}" if v.call.pin is not None else ""),
              f"Project: {url} ({deployment})"]
    if v.sip_status is not None:
        lines.append(f"The carrier receives: SIP {v.sip_status} {v.sip_reason or ''}".rstrip())
    if v.assumptions:
        lines += ["", "Assumed:"]
        for text in v.assumptions:
            lines += _wrap(text, "    ", first="  - ")
    lines += ["", "The call's path:"] + _hop_lines(v.hops)
    lines += ["", "Trunks and rules considered:"] + _considered_lines(v.considered)
    trunks, rules = v.unrelated
    if trunks or rules:
        lines.append(f"  ({trunks} other trunk{'s' if trunks != 1 else ''} and {rules} other "
                     f"rule{'s' if rules != 1 else ''} of the project do not concern this call.)")
    if v.findings:
        lines += ["", "Findings:"] + finding_lines(v.findings)
    return lines


def _hop_lines(hops: Iterable[Hop]) -> list[str]:
    out = []
    for hop in hops:
        named = hop.label + (f" ({hop.object_id})" if hop.object_id and hop.object_id != hop.label else "")
        head = f"  {HOP_STATUS[hop.status]:<12} {hop.title:<14} {named}"
        out.append(head)
        if hop.status != "not_reached":
            out += _wrap(hop.detail, " " * 30)
    return out


def _considered_lines(considered: Iterable[Considered]) -> list[str]:
    out = []
    for c in considered:
        name = f" “{c.name}”" if c.name else ""
        out.append(f"  {c.kind} {c.object_id}{name}: {CONSIDERED_STATUS[c.status]} ({c.code})")
        out += _wrap(c.reason, "      ")
        if c.fix:
            out += _wrap(f"To change: {c.fix}", "      ")
    return out or ["  none: the project has no trunk or rule this call concerns."]


def finding_lines(findings: Iterable[Finding]) -> list[str]:
    out = []
    for f in findings:
        out += _wrap(f"{f.severity}: {f.message}", "      ", first="  ")
        if f.fix:
            out += _wrap(f"To change: {f.fix}", "      ")
    return out
