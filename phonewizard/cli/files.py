"""`validate FILE` and `export-lk FILE --out DIR`, and loading a config file for any command.

Loading applies the LIVEKIT_URL / LIVEKIT_API_KEY overrides before validation, so `validate`
accepts exactly what `register` would send. File problems and field errors end the command with
exit 2, each printed as `field.path: message`; warnings are printed and do not stop it.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from phonewizard.cli.connection import env_overrides, override_note
from phonewizard.cli.errors import EXIT_INVALID, EXIT_OK, CliError, err, print_warnings
from phonewizard.domain.fact_notes import MAX_AGE_DAYS, stale_fact_lines
from phonewizard.domain.plan import plan
from phonewizard.domain.report import Problem
from phonewizard.services.config_files import LoadedConfig, load_config
from phonewizard.services.lk_export import export_lk, lk_steps
from phonewizard.services.secret_store import SecretStore

PASSWORD_FIELD = "registration.auth_password"


def load_valid(path: str, store: SecretStore | None, allow_insecure: bool = False) -> LoadedConfig:
    """The loaded file with a valid `report.config`, or CliError(2) listing every problem.
    Notices and warnings are left to the caller to print (it may turn one into an error).
    `allow_insecure` (--allow-insecure) sets the profile's allow_insecure_transport."""
    # Look the SIP password up only in a usable keyring: a machine without one (CI) should
    # validate files quietly instead of warning about the keyring on every run.
    secrets = store if store is not None and store.available() else None
    overrides: dict = env_overrides()
    if allow_insecure:
        overrides["allow_insecure_transport"] = True
    loaded = load_config(path, secrets=secrets, livekit_overrides=overrides)
    if not loaded.report.ok:
        print_warnings(loaded.notices)
        lines = [str(problem) for problem in loaded.report.errors]
        raise CliError(EXIT_INVALID, *(lines or ["config: the file could not be validated"]))
    return loaded


def print_load_warnings(loaded: LoadedConfig, skip_password: bool = False) -> None:
    note = override_note(loaded.raw.get("livekit"))
    if note:
        err(f"note: {note}")
    print_warnings(loaded.notices)
    warnings: list[Problem] = [
        w for w in loaded.report.warnings if not (skip_password and w.field == PASSWORD_FIELD)
    ]
    print_warnings(warnings)


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_valid(args.file, SecretStore(), args.allow_insecure)
    print_load_warnings(loaded)
    config = loaded.report.config
    print(f"{args.file}: valid ({config.registration.provider} number "
          f"{config.registration.phone_number} for agent {config.agent_name})")
    for line in plan(config).describe():
        print(f"  - {line}")
    stale = stale_fact_lines(config.registration, date.today())
    if stale:
        print(f"Carrier facts this file relies on, not checked in the last {MAX_AGE_DAYS} days (docs/carrier-facts.md):")
        print("\n".join(f"  - {line}" for line in stale))
    return EXIT_OK


def cmd_export_lk(args: argparse.Namespace) -> int:
    # The password is never exported, so there is no need to read the keyring here.
    loaded = load_valid(args.file, None, args.allow_insecure)
    print_load_warnings(loaded, skip_password=True)
    the_plan = plan(loaded.report.config)
    out = Path(args.out)
    try:
        paths = export_lk(the_plan, out)
    except OSError as exc:
        raise CliError(EXIT_INVALID, f"--out: cannot write to {out}: {exc.strerror or exc}") from None
    print("Wrote (mode 0600, no secrets):")
    for path in paths:
        print(f"  {path}")
    print("Then run, in this order:")
    for step in lk_steps(the_plan, out):
        print(step if step.startswith("note:") else f"  {step}")
    return EXIT_OK
