"""`call NUMBER --to DEST [--no-agent] [--max-seconds N] [--ringing-timeout N] [--json]` and
`call NUMBER --inbound [--json]`.

A real test call through NUMBER's outbound trunk (app/calls.py), or the inbound check that rings
NUMBER through its own outbound trunk and watches the call arrive (app/inbound.py). Progress goes to
stderr one stage per line; the verdict to stdout (`--json`: one object, docs/test-calls.md).
Exit 0 when answered (inbound: when every stage was reached), 5 when the call did not get through
or was cancelled, 2 bad input, 3 LiveKit refused, 4 LiveKit unreachable. Ctrl-C, SIGTERM and SIGHUP
end the call and delete its room before the command exits (cli/signals.py run_interruptibly).
"""

from __future__ import annotations

import argparse
from typing import Any

from phonewizard.app.calls import CallResult, TestCall, TestCallRequest
from phonewizard.app.inbound import InboundCheck, InboundCheckRequest, InboundResult
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_INVALID, EXIT_NOT_THROUGH, EXIT_OK, CliError, err, json_text, out
from phonewizard.cli.recover import report_unfinished
from phonewizard.cli.remote import project_connection
from phonewizard.cli.signals import Interrupted, run_interruptibly
from phonewizard.domain.call_stages import CallEvent

NAMES = {"number": "NUMBER", "to": "--to", "max_seconds": "--max-seconds", "ringing_timeout": "--ringing-timeout"}


def cmd_call(args: argparse.Namespace) -> int:
    if args.inbound and args.to:
        raise CliError(EXIT_INVALID, "--to: not with --inbound (the inbound check calls NUMBER itself)")
    if args.inbound and args.no_agent:
        raise CliError(EXIT_INVALID, "--no-agent: not with --inbound (the check waits for the dispatch rule's agent)")
    if not args.inbound and not args.to:
        raise CliError(EXIT_INVALID, "--to: required: the phone to ring, e.g. --to +447700900123 "
                                     "(or --inbound to check calls into NUMBER)")
    connection = project_connection(args, SecretStore())
    report_unfinished(connection.url)
    progress = None if args.quiet else _show
    if args.inbound:
        check = InboundCheck(InboundCheckRequest.parse(
            connection, number=args.number, ringing_timeout=args.ringing_timeout, names=NAMES), progress)
        result = _run_until_done_or_stopped(check, "the check was stopped and its rooms deleted")
        return _cancelled_early(args.json) if result is None else _print_inbound(result, args.json)
    call = TestCall(TestCallRequest.parse(
        connection, number=args.number, to=args.to, with_agent=not args.no_agent, max_seconds=args.max_seconds,
        ringing_timeout=args.ringing_timeout, names=NAMES), progress)
    outcome = _run_until_done_or_stopped(call, "the call was ended and its room deleted")
    return _cancelled_early(args.json) if outcome is None else _print_call(outcome, args.json)


def _run_until_done_or_stopped(job: TestCall | InboundCheck, when_stopped: str) -> Any:
    """The job's result; when a signal stops it, what it had (None: stopped before it placed a
    call), with one line on stderr saying what the stop cleaned up."""
    try:
        result, _ = run_interruptibly(job.run())
    except Interrupted as stop:
        err(f"interrupted ({stop.signal_name}): {when_stopped}")
        return job.result
    return result


def _show(event: CallEvent) -> None:
    detail = f": {event.detail}" if event.detail else ""
    err(f"[{event.seconds:5.1f}s] {event.label}{detail}")


def _cancelled_early(as_json: bool) -> int:
    """Stopped while the registration was still being looked up: no call, no room."""
    text = "Cancelled before the call was placed; nothing was created."
    if as_json:
        print(json_text({"outcome": "cancelled", "sip_status_code": None, "sip_status": None,
                         "explanation": text, "room": None}))
    else:
        out(text)
    return EXIT_NOT_THROUGH


def _print_call(result: CallResult, as_json: bool) -> int:
    if as_json:
        print(json_text(result.to_json()))
    else:
        headline = result.outcome.replace("_", " ")
        if result.sip_status_code is not None:
            headline += f" (SIP {result.sip_status_code}" + (f" {result.sip_status}" if result.sip_status else "") + ")"
        out(headline)
        out(result.explanation)
        _print_fixes(result.what_to_change)
        out(f"Room {result.room}: {'deleted' if result.room_deleted else 'NOT deleted (see above)'}.")
    return EXIT_OK if result.answered else EXIT_NOT_THROUGH


def _print_inbound(result: InboundResult, as_json: bool) -> int:
    if as_json:
        print(json_text(result.to_json()))
    else:
        out("inbound: " + ("works" if result.ok else f"stopped before “{result.missing_stage}”"
                             if result.outcome == "failed" else result.outcome))
        out(result.explanation)
        _print_fixes(result.what_to_change)
        if result.rooms_deleted:
            out(f"Deleted: {', '.join(result.rooms_deleted)}.")
    return EXIT_OK if result.ok else EXIT_NOT_THROUGH


def _print_fixes(fixes: tuple[str, ...]) -> None:
    if fixes:
        out("What to change:")
        for fix in fixes:
            out(f"  - {fix}")
