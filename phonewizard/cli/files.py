"""`validate FILE` and `export-lk FILE --out DIR`: commands that read a file and send nothing.

File problems and field errors end the command with exit 2, each printed as `field.path: message`;
warnings are printed and do not stop it (app/documents.py reads and validates the file), and so are
the doctor's findings that need no project (`warning: doctor: …`, app/doctor.offline_checks).
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from phonewizard.app.doctor import offline_checks
from phonewizard.app.documents import ConfigFile, open_config
from phonewizard.app.lk_files import write_lk_files
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_OK, err, out, print_warnings
from phonewizard.cli.findings import print_findings
from phonewizard.cli.projects import lk_project_arg
from phonewizard.domain.fact_notes import MAX_AGE_DAYS, stale_fact_lines
from phonewizard.domain.plan import plan


def print_file_warnings(document: ConfigFile, *, skip_password: bool = False) -> None:
    if document.note:
        err(f"note: {document.note}")
    print_warnings(document.warnings(skip_password=skip_password))


def cmd_validate(args: argparse.Namespace) -> int:
    document = open_config(args.file, os.environ, store=SecretStore(), allow_insecure=args.allow_insecure,
                           lk=lk_project_arg(args))
    print_file_warnings(document)
    config = document.config
    out(f"{args.file}: valid ({config.registration.provider} number "
        f"{config.registration.phone_number} for agent {config.agent_name})")
    the_plan = plan(config)
    for line in the_plan.describe():
        out(f"  - {line}")
    # Only the checks that need no project: validate never talks to LiveKit.
    print_findings(offline_checks(the_plan, config.livekit.url))
    stale = stale_fact_lines(config.registration, date.today())
    if stale:
        out(f"Carrier facts this file relies on, not checked in the last {MAX_AGE_DAYS} days "
            "(docs/carrier-facts.md):")
        for line in stale:
            out(f"  - {line}")
    return EXIT_OK


def cmd_export_lk(args: argparse.Namespace) -> int:
    # The password is never exported, so there is no need to read the keyring here.
    document = open_config(args.file, os.environ, store=None, allow_insecure=args.allow_insecure,
                           lk=lk_project_arg(args))
    print_file_warnings(document, skip_password=True)
    written = write_lk_files(document.config, Path(args.out), out_field="--out")
    out("Wrote (mode 0600, no secrets):")
    for path in written.paths:
        out(f"  {path}")
    out("Then run, in this order:")
    for step in written.steps:
        out(step if step.startswith("note:") else f"  {step}")
    return EXIT_OK
