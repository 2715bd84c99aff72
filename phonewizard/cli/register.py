"""`register FILE [--dry-run] [--json] [--take-over] [--no-save-secrets]`.

Read and validate the file (app/documents.py) → dry run: print the plan, send nothing → otherwise
resolve the API secret → `app.register` (conflict check, create, roll back on failure, then save
the secrets the policy names: those written in the file; app/secrets.py) → print the result
(`--json`: the RegistrationResult document on stdout).
Ctrl-C while registering cancels the run; the registrar rolls back before the command exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

from phonewizard.app.carrier_setup import CarrierSetup, CarrierSetupResult, carrier_base_url, carrier_credentials
from phonewizard.app.documents import ConfigFile, open_config
from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import SecretSource, api_secret_for
from phonewizard.app.register import RegistrationRequest, check_sendable, register
from phonewizard.app.secrets import SecretStore, secrets_to_save
from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, CliError, err, print_warnings, remember_secret
from phonewizard.cli.files import print_file_warnings
from phonewizard.domain.carrier_options import setup_options
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.domain.result import RegistrationResult


def cmd_register(args: argparse.Namespace) -> int:
    store = SecretStore()
    document = open_config(args.file, os.environ, store=store, allow_insecure=args.allow_insecure)
    config = document.config
    the_plan = plan(config)
    if setup_options(config.registration) is not None and not config.livekit.sip_uri:
        raise InvalidInput.field("livekit.sip_uri", "required to set up the carrier: the carrier sends calls to it "
                                                    "(LiveKit Cloud → Settings → Project → SIP URI)")
    if args.dry_run:
        print_file_warnings(document)
        print(json.dumps(the_plan.to_json(), indent=2, ensure_ascii=False))
        carrier = f" or {the_plan.carrier.label}" if the_plan.carrier is not None else ""
        err(f"dry run: nothing was sent to LiveKit{carrier}")
        return EXIT_OK

    check_sendable(config)
    print_file_warnings(document, skip_password=True)
    reg = config.registration
    if reg.auth_password is not None:
        remember_secret(reg.auth_password.get_secret_value())
    secret = api_secret_for(config.livekit, store, os.environ)
    remember_secret(secret.value)
    save = [] if args.no_save_secrets else secrets_to_save(config, secret, _password_source(document))
    carrier = _carrier_setup(the_plan, config, store)
    request = RegistrationRequest(config, secret, take_over=args.take_over, save=save, carrier=carrier)
    try:
        registered = asyncio.run(register(request, store))
    except KeyboardInterrupt:
        raise CliError(
            EXIT_FAILED,
            f"interrupted: registering {reg.phone_number} was cancelled and everything it had "
            "created or changed in LiveKit" + (" and at the carrier" if carrier else "") + " was rolled back",
        ) from None

    if args.json:
        document_out = registered.result.model_dump(mode="json")
        if registered.carrier is not None:
            document_out["carrier_setup"] = registered.carrier.to_json()
        print(json.dumps(document_out, indent=2, ensure_ascii=False))
    else:
        _print_result(registered.result, registered.carrier)
    if registered.secrets.problem:
        # The registration itself succeeded; not saving is worth a warning, not a failure.
        print_warnings([f"secrets: {registered.secrets.problem}"])
    elif registered.secrets.saved:
        err(f"Saved {' and '.join(registered.secrets.saved)} from the file in the system keyring; "
            "you can now delete them from the file.")
    return EXIT_OK


def _carrier_setup(the_plan: RegistrationPlan, config, store: SecretStore) -> CarrierSetup | None:
    """The carrier set-up the file asks for, with credentials from the environment or keyring."""
    if the_plan.carrier is None:
        return None
    options = setup_options(config.registration)
    credentials = carrier_credentials(the_plan.carrier, options, store, os.environ)
    remember_secret(credentials.secret)
    return CarrierSetup(the_plan.carrier, credentials, carrier_base_url(the_plan.carrier.carrier, os.environ))


def _password_source(document: ConfigFile) -> SecretSource | None:
    """"file" when the SIP password was written in the file, "keyring" when it was looked up."""
    raw = document.loaded.raw.get("registration")
    if isinstance(raw, dict) and raw.get("auth_password"):
        return "file"
    return "keyring" if document.config.registration.auth_password is not None else None


def _print_result(result: RegistrationResult, carrier: CarrierSetupResult | None = None) -> None:
    verb = "Updated" if result.status == "updated" else "Registered"
    print(f"{verb} {result.phone_number} ({result.provider}) for agent {result.agent_id}.")
    if result.inbound_trunk_id:
        print(f"  inbound trunk:  {result.inbound_trunk_id}")
    if result.outbound_trunk_id:
        print(f"  outbound trunk: {result.outbound_trunk_id} (calls out via {result.outbound_address})")
    print(f"  dispatch rule:  {result.dispatch_rule_id}")
    print(f"  rooms:          {result.room_pattern}")
    if result.sip_uri:
        print(f"  SIP URI for your carrier: {result.sip_uri}")
    instructions = result.instructions
    if carrier is not None:
        _print_carrier(carrier)  # configured through the API: the manual steps are not needed
        print(f"Your agent must register with agent_name “{result.agent_id}”.")
    elif instructions.summary:
        print()
        print(instructions.summary)
    for number, step in enumerate(instructions.steps if carrier is None else [], start=1):
        print(f"  {number}. {step.text}" + (f"\n     {step.value}" if step.value else ""))
    if instructions.if_it_does_not_ring:
        print("If it does not ring:")
        for tip in instructions.if_it_does_not_ring:
            print(f"  - {tip}")
    checks = instructions.confirm_with_a_test_call
    if checks:
        print("Confirm with a test call:")
        print("\n".join(f"  - {check}" for check in checks))


def _print_carrier(carrier: CarrierSetupResult) -> None:
    name = {"twilio": "Twilio", "telnyx": "Telnyx"}[carrier.carrier]
    where = carrier.console_url or f"the local {name} stand-in (sandbox)"
    print(f"Configured at {name} ({where}):")
    for item in carrier.items:
        print(f"  {item.what}: {item.value}\n     {item.where}")
    for note in carrier.notes:
        print(f"  note: {note}")
    for warning in carrier.warnings:
        err(f"warning: {warning}")
