"""`register FILE [--dry-run] [--json] [--take-over] [--no-save-secrets]`.

Validate → plan → (dry run: print the plan, send nothing) → resolve the secrets → `Registrar.apply`
→ print the result (`--json`: the RegistrationResult document on stdout) → move secrets that came
from the file into the keyring. Secrets given as environment variables are not saved: they are
already managed by whoever set them (often a CI system without a keyring).
Ctrl-C while registering cancels the run; the registrar rolls back before the command exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from phonewizard.cli.connection import SecretToSave, api_secret_for, connect
from phonewizard.cli.errors import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    err,
    invalid,
    print_warnings,
    remember_secret,
)
from phonewizard.cli.files import PASSWORD_FIELD, load_valid, print_load_warnings
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.domain.result import RegistrationResult
from phonewizard.services.config_files import LoadedConfig, password_key_for
from phonewizard.services.registrar import Registrar
from phonewizard.services.secret_store import (
    SecretStore,
    SecretStoreUnavailable,
    livekit_secret_key,
)


def cmd_register(args: argparse.Namespace) -> int:
    store = SecretStore()
    loaded = load_valid(args.file, store, args.allow_insecure)
    config = loaded.report.config
    reg = config.registration
    if args.dry_run:
        print_load_warnings(loaded)
        print(json.dumps(plan(config).to_json(), indent=2, ensure_ascii=False))
        err("dry run: nothing was sent to LiveKit")
        return EXIT_OK

    if reg.auth_username and reg.auth_password is None:
        raise invalid(
            PASSWORD_FIELD,
            f"required with auth_username “{reg.auth_username}”, but it is neither in the file nor "
            'in the system keyring: add "auth_password" to the file for this run (it is then moved '
            "to the keyring) or save it with the wizard",
        )
    print_load_warnings(loaded, skip_password=True)
    if reg.auth_password is not None:
        remember_secret(reg.auth_password.get_secret_value())

    secret, source = api_secret_for(config.livekit, store)
    to_save = [] if args.no_save_secrets else _file_secrets(loaded, config, secret, source)
    connection = connect(config.livekit, secret)
    the_plan = plan(config)
    try:
        result = asyncio.run(Registrar(connection).apply(the_plan, take_over=args.take_over))
    except KeyboardInterrupt:
        raise CliError(
            EXIT_FAILED,
            f"interrupted: registering {reg.phone_number} was cancelled and everything it had "
            "created or changed in LiveKit was rolled back",
        ) from None

    if args.json:
        print(result.model_dump_json(indent=2))
    else:
        _print_result(result)
    _save(store, to_save)
    return EXIT_OK


def _file_secrets(
    loaded: LoadedConfig, config: PhoneWizardConfig, secret: str, source: str
) -> list[SecretToSave]:
    """Secrets written in plaintext in the file: after success they move to the keyring."""
    found = []
    if source == "file":
        found.append(SecretToSave(livekit_secret_key(config.livekit.url, config.livekit.api_key), secret))
    raw_registration = loaded.raw.get("registration")
    password = config.registration.auth_password
    if isinstance(raw_registration, dict) and raw_registration.get("auth_password") and password:
        # The key uses the validated (+E.164) number and username, as the wizard does.
        key = password_key_for(
            {"phone_number": config.registration.phone_number,
             "auth_username": config.registration.auth_username}
        )
        if key:
            found.append(SecretToSave(key, password.get_secret_value()))
    return found


def _save(store: SecretStore, secrets: list[SecretToSave]) -> None:
    if not secrets:
        return
    try:
        for item in secrets:
            store.set(item.key, item.value)
    except SecretStoreUnavailable as exc:
        # The registration itself succeeded; not saving is worth a warning, not a failure.
        print_warnings([f"secrets: {exc}"])
        return
    err("Saved the secrets from the file in the system keyring; you can now delete them from the file.")


def _print_result(result: RegistrationResult) -> None:
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
    instructions = result.instructions or {}
    if instructions.get("summary"):
        print()
        print(instructions["summary"])
    for number, step in enumerate(instructions.get("steps") or [], start=1):
        text = step.get("text", "") if isinstance(step, dict) else str(step)
        value = step.get("value") if isinstance(step, dict) else None
        print(f"  {number}. {text}" + (f"\n     {value}" if value else ""))
    tips = instructions.get("if_it_does_not_ring") or []
    if tips:
        print("If it does not ring:")
        for tip in tips:
            print(f"  - {tip}")
    checks = instructions.get("confirm_with_a_test_call") or []
    if checks:
        print("Confirm with a test call:")
        print("\n".join(f"  - {check}" for check in checks))
