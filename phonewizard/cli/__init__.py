"""The headless commands: `phonewizard register|validate|export-lk|list|show|unregister|recover|doctor|call|probe|sandbox`.

`main(argv) -> int` is the entry (`phonewizard/__main__.py` calls it). It never shows a
traceback: every failure becomes one line per problem on stderr and an exit code (errors.py).
Qt is never imported here; the command modules are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Callable

from phonewizard import __version__
from phonewizard.cli.errors import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    CliError,
    err,
    forget_secrets,
)

_EPILOG = """\
connection: --lk-project NAME uses a project of LiveKit's own CLI (~/.livekit/cli-config.yaml);
otherwise LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET override the file's "livekit"
profile, and the API secret comes from the system keyring or the LiveKit CLI's matching project.
Without a file, a command uses the saved profile, else the LiveKit CLI's default project.
SIP password: --sip-password-stdin, PHONEWIZARD_SIP_PASSWORD, the file, the system keyring.
carrier set-up (provider_config.carrier_setup): TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or
TWILIO_API_KEY and TWILIO_API_SECRET), TELNYX_API_KEY, else the system keyring;
PHONEWIZARD_TWILIO_BASE_URL / PHONEWIZARD_TELNYX_BASE_URL point the carrier clients elsewhere.
exit codes: 0 done, 2 invalid input, 3 refused (by LiveKit or the carrier, or another run has the
number; nothing left behind), 4 LiveKit or the carrier unreachable or authentication failed,
5 the check ran and the call would not (doctor) or did not (call, probe) get through, 1 anything else
(including an interrupted command: Ctrl-C, SIGTERM and SIGHUP roll a registration back)."""


SANDBOX_PORT = 7880  # LiveKit's own default port, so examples/*.json work unchanged

_INSECURE_HELP = ("allow an http:// or ws:// LiveKit URL to a host other than this machine (refused by "
                  "default: the API secret signs every request, and the signed token would travel unencrypted)")

_LK_PROJECT_HELP = ("use this project of LiveKit's own CLI (`lk project list`): its URL, API key and secret, and "
                    "the SIP URI derived from its project ID; LIVEKIT_* are then ignored")
_PASSWORD_HELP = ("read the SIP password (auth_password) from standard input: asked for without echo on a "
                  "terminal, else the first line of a pipe; saved in the keyring after success")


def add_project_option(parser: argparse.ArgumentParser) -> None:
    """`--lk-project NAME` and `--allow-insecure`: every command that reads a LiveKit project."""
    parser.add_argument("--lk-project", metavar="NAME", help=_LK_PROJECT_HELP)
    parser.add_argument("--allow-insecure", action="store_true", help=_INSECURE_HELP)


def _carrier_name(text: str) -> str:
    # Not `choices`: argparse passes the bare option's const ("auto") through `type` and `choices` too.
    if text.lower() not in ("twilio", "telnyx", "auto"):
        raise argparse.ArgumentTypeError(f"{text!r} is not twilio or telnyx")
    return text.lower()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="phonewizard",
        description="Register a phone number for a LiveKit voice agent. "
        "Without a command, opens the wizard.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"phonewizard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("register", help="create or update the LiveKit SIP objects for a config file")
    p.add_argument("file", metavar="FILE", help="phonewizard config file (JSON)")
    p.add_argument("--dry-run", action="store_true", help="print the requests (secrets masked); send nothing")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--take-over", action="store_true",
                   help="take over objects phonewizard registered for this number for another agent")
    p.add_argument("--adopt", action="store_true",
                   help="take over the objects made outside phonewizard that serve this number: update them "
                        "in place (each change is listed first) instead of refusing")
    p.add_argument("--no-save-secrets", action="store_true",
                   help="do not move secrets found in the file (or typed for --sip-password-stdin) into the "
                        "system keyring")
    p.add_argument("--sip-password-stdin", action="store_true", help=_PASSWORD_HELP)
    add_project_option(p)
    p.set_defaults(run="register")

    p = sub.add_parser("validate", help="check a config file; print every problem")
    p.add_argument("file", metavar="FILE")
    add_project_option(p)
    p.set_defaults(run="validate")

    p = sub.add_parser("export-lk", help="write files for `lk sip inbound|outbound|dispatch create`")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--out", metavar="DIR", required=True, help="folder for the files")
    add_project_option(p)
    p.set_defaults(run="export-lk")

    p = sub.add_parser("list", help="list the numbers phonewizard registered in LiveKit")
    p.add_argument("--all", action="store_true",
                   help="also numbers set up outside phonewizard or incomplete, and objects that serve no single number")
    p.add_argument("--json", action="store_true", help="print JSON on stdout")
    add_project_option(p)
    p.set_defaults(run="list")

    p = sub.add_parser("show", help="what LiveKit holds for a number; --json: its phonewizard/1 document")
    p.add_argument("number", metavar="NUMBER", help="the phone number, e.g. +14155550123")
    p.add_argument("--json", action="store_true",
                   help="print the configuration document rebuilt from LiveKit (register accepts it)")
    add_project_option(p)
    p.set_defaults(run="show")

    p = sub.add_parser("unregister", help="remove everything phonewizard created for a number")
    p.add_argument("number", metavar="NUMBER", help="the phone number, e.g. +14155550123")
    p.add_argument("--carrier", nargs="?", const="auto", type=_carrier_name, metavar="CARRIER",
                   help="also remove what phonewizard set up at the carrier for this number (twilio or telnyx; "
                        "without a value, the carrier the number was registered with); by default the carrier "
                        "is left as it is")
    add_project_option(p)
    p.set_defaults(run="unregister")

    p = sub.add_parser("recover", help="show or resolve runs that did not finish (a crash, kill -9)")
    p.add_argument("number", metavar="NUMBER", nargs="?", help="only the runs of this number")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--undo", action="store_true",
                     help="remove what the run created and put back what it changed")
    how.add_argument("--finish", action="store_true",
                     help="run it again to the end (a registration from its recorded configuration)")
    add_project_option(p)
    p.set_defaults(run="recover")

    p = sub.add_parser("doctor", help="say where LiveKit would route a call to a number, or why it would not arrive")
    p.add_argument("--to", required=True, metavar="NUMBER",
                   help="the called number exactly as the carrier sends it (never normalised: a dispatch "
                        "rule's numbers are compared as exact strings)")
    p.add_argument("--from", dest="caller", metavar="NUMBER",
                   help="the caller's number as the carrier sends it (default: a caller passing every caller filter)")
    p.add_argument("--source-ip", metavar="IP",
                   help="the carrier's signalling address the call comes from (default: address filters pass)")
    p.add_argument("--pin", metavar="DIGITS", help="the PIN the caller would type when asked")
    p.add_argument("--from-host", metavar="HOST", default="",
                   help="the From header's host (compared with host names in allowed_addresses)")
    p.add_argument("--json", action="store_true", help="print the verdict as JSON on stdout")
    add_project_option(p)
    p.set_defaults(run="doctor")

    p = sub.add_parser("call", help="place a real test call through a number's outbound trunk, or check inbound")
    p.add_argument("number", metavar="NUMBER", help="a number phonewizard registered with outbound calling")
    p.add_argument("--to", metavar="DEST", help="the phone to ring (+E.164), e.g. your mobile")
    p.add_argument("--inbound", action="store_true",
                   help="instead: ring NUMBER through its own outbound trunk and check the call reaches its agent")
    p.add_argument("--no-agent", action="store_true", help="do not dispatch the registration's agent into the call")
    p.add_argument("--max-seconds", type=float, default=60.0, metavar="N",
                   help="end an answered call after N seconds (default 60)")
    p.add_argument("--ringing-timeout", type=float, default=30.0, metavar="N",
                   help="stop ringing after N seconds (default 30)")
    p.add_argument("--json", action="store_true", help="print the verdict as one JSON object on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    add_project_option(p)
    p.set_defaults(run="call")

    p = sub.add_parser("probe", help="check that a SIP server answers (DNS, SIP OPTIONS over UDP/TCP/TLS)")
    p.add_argument("sip_uri", metavar="SIP_URI", nargs="?",
                   help="e.g. sip:abc123.sip.livekit.cloud (default: the saved profile's SIP URI)")
    p.add_argument("--file", metavar="FILE", help="use the SIP URI of this config file")
    p.add_argument("--lk-project", metavar="NAME",
                   help="use the SIP URI of this LiveKit CLI project (derived from its project ID)")
    p.add_argument("--timeout", type=float, default=3.0, metavar="S", help="seconds per step (default 3)")
    p.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(run="probe")

    p = sub.add_parser("forget-profile",
                       help="delete the saved profile and its secrets from the system keyring")
    p.set_defaults(run="forget-profile")

    p = sub.add_parser("sandbox", help="run the local LiveKit SIP sandbox server")
    p.add_argument("--port", type=int, default=SANDBOX_PORT, help=f"TCP port (default {SANDBOX_PORT})")
    p.add_argument("--state", metavar="FILE", help="keep the sandbox's objects in this JSON file")
    p.add_argument("--sip-port", type=int, default=0, metavar="N",
                   help="UDP/TCP port of the SIP OPTIONS responder for `probe` (default 0: any free port)")
    p.set_defaults(run="sandbox")
    return parser


# Each command's module is imported only when that command runs: `--help` and `--version` stay
# quick, and no command pays for another's imports. Name → (module under phonewizard.cli, function).
_COMMANDS = {
    "register": ("register", "cmd_register"),
    "validate": ("files", "cmd_validate"),
    "export-lk": ("files", "cmd_export_lk"),
    "doctor": ("doctor", "cmd_doctor"),
    "show": ("show", "cmd_show"),
    "call": ("call", "cmd_call"),
    "probe": ("probe", "cmd_probe"),
    "forget-profile": ("profile", "cmd_forget_profile"),
    "recover": ("recover", "cmd_recover"),
    "list": ("remote", "cmd_list"),
    "unregister": ("remote", "cmd_unregister"),
    "sandbox": ("remote", "cmd_sandbox"),
}


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    module, function = _COMMANDS[name]
    return getattr(importlib.import_module(f"phonewizard.cli.{module}"), function)


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser().parse_args(args_list)
    except SystemExit as exc:  # --help, --version, usage errors (argparse exits 2 for those)
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    try:
        return _command(args.run)(args)
    except BaseException as exc:  # noqa: BLE001 — the one place that turns failures into exit codes
        code, lines = explain(exc)
        for line in lines:
            err(line)
        return code
    finally:
        forget_secrets()


def explain(exc: BaseException) -> tuple[int, list[str]]:
    """Exit code and message lines for any failure (DESIGN.md exit codes)."""
    # Imported on failure only: `--help` and `--version` stay free of pydantic.
    from phonewizard.app import errors as app

    if isinstance(exc, CliError):
        return exc.code, exc.lines
    if isinstance(exc, app.InvalidInput):
        return EXIT_INVALID, [*(f"warning: {n}" for n in exc.notices), *exc.problems]
    if isinstance(exc, app.ConfigFileError):
        return EXIT_INVALID, [str(exc)]
    # PartialRollback (a LiveKitError) before the LiveKit errors: objects remain, so never exit 3.
    if isinstance(exc, (app.PartialRollback, app.PartialUnregister, app.SecretStoreUnavailable,
                        app.CarrierPartialRollback)):
        return EXIT_FAILED, [f"error: {exc}"]
    if isinstance(exc, (app.LostRace, app.RunInProgress)):  # refused, but not by LiveKit itself
        return EXIT_REFUSED, [f"refused: {exc}"]
    if isinstance(exc, app.CarrierRefused):  # the conflict check or a refusal: nothing left anywhere
        if isinstance(exc, app.CarrierConflict):
            return EXIT_REFUSED, [str(exc)]
        return EXIT_REFUSED, [str(exc), "Nothing was left in LiveKit or at the carrier: what this run had made "
                                        "was removed and what it had changed was restored."]
    if isinstance(exc, (app.CarrierUnreachable, app.CarrierAuthFailed)):
        return EXIT_UNREACHABLE, [f"error: {exc}"]
    if isinstance(exc, app.RegistrationConflict):
        hint = ("Run the same command again with --take-over to move it to this agent, or remove it."
                if exc.can_take_over else
                "Run the same command again with --adopt to take over the objects made outside phonewizard "
                "(it lists every change), or remove or change them in LiveKit (Telephony → SIP trunks / "
                "Dispatch rules) and try again.")
        return EXIT_REFUSED, [f"LiveKit refused: {exc}", hint]
    if isinstance(exc, app.LiveKitRefused):
        return EXIT_REFUSED, [f"LiveKit refused: {exc}"]
    if isinstance(exc, (app.LiveKitUnreachable, app.LiveKitAuthFailed)):
        return EXIT_UNREACHABLE, [f"error: {exc}"]
    from phonewizard.cli.signals import Interrupted

    if isinstance(exc, Interrupted):
        return EXIT_FAILED, [f"interrupted ({exc.signal_name})"]
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_FAILED, ["interrupted"]
    if isinstance(exc, SystemExit):
        return (exc.code if isinstance(exc.code, int) else EXIT_FAILED), []
    if isinstance(exc, OSError):
        return EXIT_FAILED, [f"error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")]
    return EXIT_FAILED, [f"error: unexpected {type(exc).__name__}: {exc}"]
