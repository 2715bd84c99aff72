"""`register FILE [--dry-run] [--json] [--take-over] [--adopt] [--no-save-secrets]
[--sip-password-stdin] [--lk-project NAME]`.

Read and validate the file (app/documents.py) → dry run: print the plan and the doctor's checks
that need no project, send nothing → otherwise resolve the API secret → `app.register` (conflict
check, create, roll back on failure, then save the secrets the policy names: those written in the
file; app/secrets.py) → print the result (`--json`: the RegistrationResult document on stdout; `--adopt`: cli/adopt.py),
then the doctor's findings for the registration, computed from the project as the conflict check
read it (`warning: doctor: …` on stderr; they never change the exit code).
Ctrl-C, SIGTERM or SIGHUP while registering cancels the run; the registrar rolls back before the
command exits 1 (cli/signals.py). Unfinished runs of the project are reported first
(cli/recover.py); a successful registration resolves those of its number.
The SIP password may come from `--sip-password-stdin` (asked for without echo on a terminal) or
PHONEWIZARD_SIP_PASSWORD (app/documents.py); a configuration exported from the wizard's sandbox
that cannot reach it says to start `phonewizard sandbox`.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from phonewizard.app.carrier_setup import CarrierSetup, CarrierSetupResult, carrier_base_url, carrier_credentials
from phonewizard.app.doctor import offline_checks
from phonewizard.app.documents import open_config
from phonewizard.app.errors import InvalidInput, LiveKitUnreachable
from phonewizard.app.project import ApiSecret, api_secret_for
from phonewizard.app.register import RegistrationRequest, check_sendable, register
from phonewizard.app.secrets import SecretStore, secrets_to_save
from phonewizard.cli.errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    CliError,
    err,
    json_text,
    out,
    print_warnings,
    remember_secret,
)
from phonewizard.cli.files import print_file_warnings
from phonewizard.cli.recover import report_unfinished
from phonewizard.cli.signals import Interrupted, run_interruptibly
from phonewizard.cli.findings import print_findings
from phonewizard.cli.projects import lk_project_arg
from phonewizard.domain.carrier_options import setup_options
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.domain.result import RegistrationResult


def cmd_register(args: argparse.Namespace) -> int:
    store = SecretStore()
    password = read_password_stdin() if args.sip_password_stdin else None
    if password:
        remember_secret(password.rstrip("\r\n"))
    document = open_config(args.file, os.environ, store=store, allow_insecure=args.allow_insecure,
                           lk=lk_project_arg(args), password_stdin=password)
    config = document.config
    the_plan = plan(config)
    if setup_options(config.registration) is not None and not config.livekit.sip_uri:
        raise InvalidInput.field("livekit.sip_uri", "required to set up the carrier: the carrier sends calls to it "
                                                    "(LiveKit Cloud → Settings → Project → SIP URI)")
    if args.dry_run:
        print_file_warnings(document)
        print_findings(offline_checks(the_plan, config.livekit.url))  # a dry run sends nothing
        if args.adopt:  # the one dry run that reads LiveKit: to list what adopting would change
            _adopt(config, the_plan, api_secret_for(config.livekit, store, os.environ, lk=document.lk), args)
        print(json_text(the_plan.to_json()))
        carrier = f" or {the_plan.carrier.label}" if the_plan.carrier is not None else ""
        err(f"dry run: nothing was sent to LiveKit{carrier}")
        return EXIT_OK

    check_sendable(config)
    print_file_warnings(document, skip_password=True)
    reg = config.registration
    if reg.auth_password is not None:
        remember_secret(reg.auth_password.get_secret_value())
    secret = api_secret_for(config.livekit, store, os.environ, lk=document.lk)
    remember_secret(secret.value)
    save = [] if args.no_save_secrets else secrets_to_save(config, secret, document.password_source)
    carrier = _carrier_setup(the_plan, config, store)
    adopt = _adopt(config, the_plan, secret, args) if args.adopt else frozenset()
    request = RegistrationRequest(config, secret, take_over=args.take_over, save=save, carrier=carrier, adopt=adopt)
    report_unfinished(config.livekit.url)
    try:
        registered, late_signal = run_interruptibly(register(request, store))
    except LiveKitUnreachable as exc:
        if not config.livekit.sandbox:
            raise
        raise CliError(EXIT_UNREACHABLE, f"error: {exc}", f"{args.file} was exported from the wizard's sandbox: "
                       "start `phonewizard sandbox` in another terminal, paste the export lines it prints, "
                       "and run this command again") from None
    except (Interrupted, KeyboardInterrupt) as exc:
        name = f" ({exc.signal_name})" if isinstance(exc, Interrupted) else ""
        raise CliError(
            EXIT_FAILED,
            f"interrupted{name}: registering {reg.phone_number} was cancelled and everything it had "
            "created or changed in LiveKit" + (" and at the carrier" if carrier else "") + " was rolled back",
        ) from None

    if args.json:
        document_out = registered.result.model_dump(mode="json")
        if registered.carrier is not None:
            document_out["carrier_setup"] = registered.carrier.to_json()
        print(json_text(document_out))
    else:
        _print_result(registered.result, registered.carrier)
    for run_id in registered.resolved:
        err(f"note: this registration supersedes the unfinished run {run_id} of {reg.phone_number}; "
            "it is resolved.")
    if late_signal:
        err(f"warning: {late_signal} arrived after LiveKit had accepted the registration: it stands.")
    if registered.checks is not None:
        # The doctor's findings, from the project as the conflict check read it: warnings only.
        print_findings(registered.checks)
    if registered.secrets.problem:
        # The registration itself succeeded; not saving is worth a warning, not a failure.
        print_warnings([f"secrets: {registered.secrets.problem}"])
    elif registered.secrets.saved:
        in_file = "file" in (secret.source, document.password_source)
        err(f"Saved {' and '.join(registered.secrets.saved)} in the system keyring"
            + ("; you can now delete the secrets from the file." if in_file else "."))
    return EXIT_OK


def _adopt(config, the_plan: RegistrationPlan, secret: ApiSecret, args: argparse.Namespace) -> frozenset[str]:
    from phonewizard.cli.adopt import adopted_ids

    remember_secret(secret.value)
    return adopted_ids(config, the_plan, secret, take_over=args.take_over)


def _carrier_setup(the_plan: RegistrationPlan, config, store: SecretStore) -> CarrierSetup | None:
    """The carrier set-up the file asks for, with credentials from the environment or keyring."""
    if the_plan.carrier is None:
        return None
    options = setup_options(config.registration)
    credentials = carrier_credentials(the_plan.carrier, options, store, os.environ)
    remember_secret(credentials.secret)
    return CarrierSetup(the_plan.carrier, credentials, carrier_base_url(the_plan.carrier.carrier, os.environ))


def read_password_stdin() -> str:
    """The SIP password for --sip-password-stdin: asked for without echo on a terminal (so it is
    neither on the command line nor in the shell's history), else the first line of the pipe."""
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass("SIP password (auth_password): ")
        except EOFError:
            return ""
    return sys.stdin.readline() if sys.stdin is not None else ""


def _print_result(result: RegistrationResult, carrier: CarrierSetupResult | None = None) -> None:
    verb = "Updated" if result.status == "updated" else "Registered"
    out(f"{verb} {result.phone_number} ({result.provider}) for agent {result.agent_id}.")
    if result.inbound_trunk_id:
        out(f"  inbound trunk:  {result.inbound_trunk_id}")
    if result.outbound_trunk_id:
        out(f"  outbound trunk: {result.outbound_trunk_id} (calls out via {result.outbound_address})")
    out(f"  dispatch rule:  {result.dispatch_rule_id}")
    out(f"  rooms:          {result.room_pattern}")
    if result.sip_uri:
        out(f"  SIP URI for your carrier: {result.sip_uri}")
    instructions = result.instructions
    if carrier is not None:
        _print_carrier(carrier)  # configured through the API: the manual steps are not needed
        out(f"Your agent must register with agent_name “{result.agent_id}”.")
    elif instructions.summary:
        out()
        out(instructions.summary)
    for number, step in enumerate(instructions.steps if carrier is None else [], start=1):
        out(f"  {number}. {step.text}")
        if step.value:
            out(f"     {step.value}")
    if instructions.if_it_does_not_ring:
        out("If it does not ring:")
        for tip in instructions.if_it_does_not_ring:
            out(f"  - {tip}")
    checks = instructions.confirm_with_a_test_call
    if checks:
        out("Confirm with a test call:")
        for check in checks:
            out(f"  - {check}")


def _print_carrier(carrier: CarrierSetupResult) -> None:
    name = {"twilio": "Twilio", "telnyx": "Telnyx"}[carrier.carrier]
    where = carrier.console_url or f"the local {name} stand-in (sandbox)"
    out(f"Configured at {name} ({where}):")
    for item in carrier.items:
        out(f"  {item.what}: {item.value}")
        out(f"     {item.where}")
    for note in carrier.notes:
        out(f"  note: {note}")
    for warning in carrier.warnings:
        err(f"warning: {warning}")
