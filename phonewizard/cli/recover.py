"""`recover [NUMBER] [--undo | --finish]`, and the report every project command prints first.

A `register` or `unregister` that did not finish (killed with `kill -9`, a crash, a power cut)
left a journal (app/recovery.py). Every command that talks to the project (`register`,
`unregister`, `list`, `recover`) first prints each such run on stderr: what it did, what it did
not, and how to resolve it. `recover` alone prints the same and changes nothing; `--undo` removes
what a registration created and puts back what it changed; `--finish` runs it again to the end.
A later successful `register` or `unregister` of the same number resolves it too.
Exit codes: 0 resolved (or nothing to resolve), 1 something could not be undone, and the usual
codes of `register`/`unregister` for `--finish`.
"""

from __future__ import annotations

import argparse

from phonewizard.app.errors import InvalidInput
from phonewizard.app.profiles import default_profile_path
from phonewizard.app.recovery import UnfinishedRun, finish_run, journal_problems, undo_run, unfinished_runs
from phonewizard.app.registrations import Unregistration, parse_number
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_FAILED, EXIT_OK, CliError, err, out
from phonewizard.cli.projects import chosen_project, secret_and_connection
from phonewizard.cli.signals import Interrupted, run_interruptibly


def report_unfinished(url: str) -> list[UnfinishedRun]:
    """Print the project's unfinished runs on stderr (nothing when there are none)."""
    for problem in journal_problems():
        err(f"warning: {problem}")
    runs = unfinished_runs(url)
    for run in runs:
        err(f"warning: {run.summary()}.")
        for line in run.details():
            err(f"  - {line}")
        how = f"`phonewizard recover --finish {run.phone_number}` (do it to the end)"
        if run.can_undo:
            how = (f"`phonewizard recover --undo {run.phone_number}` (remove what it made, put back what it "
                   f"changed) or {how}")
        err(f"  Resolve it with {how}; a successful register or unregister of {run.phone_number} also "
            "resolves it.")
    return runs


def cmd_recover(args: argparse.Namespace) -> int:
    number = parse_number(args.number, field="NUMBER") if args.number else None
    store = SecretStore()
    chosen = chosen_project(args)
    profile = chosen.profile
    runs = report_unfinished(profile.url)
    if number is not None:
        runs = [r for r in runs if r.phone_number == number]
    if not runs:
        out(f"No unfinished runs{f' of {number}' if number else ''} for {profile.url}.")
        return EXIT_OK
    if not (args.undo or args.finish):
        out(f"{len(runs)} unfinished run(s); nothing was changed. Use --undo or --finish to resolve them.")
        return EXIT_OK
    secret, connection = secret_and_connection(chosen, store)  # finish_run registers with the secret
    code = EXIT_OK
    for run in runs:
        if args.undo and not run.can_undo:
            raise InvalidInput.field("--undo", f"run {run.run_id} was an unregister of {run.phone_number}: it can "
                                     "only be finished (--finish)")
        try:
            if args.undo:
                undone, _ = run_interruptibly(undo_run(run, connection, store))
                for line in undone.done:
                    out(f"{run.phone_number}: {line}")
                for note in undone.notes:
                    err(f"warning: {run.phone_number}: {note}")
                if undone.remaining:
                    err(f"error: {run.phone_number}: could not undo {', '.join(undone.remaining)}; run "
                        "`phonewizard recover --undo` again, or `phonewizard unregister` to remove everything")
                    code = EXIT_FAILED
                else:
                    out(f"Undid run {run.run_id} of {run.phone_number}.")
            else:
                finished, _ = run_interruptibly(finish_run(run, connection, secret, store, default_profile_path()))
                _print_finished(run, finished)
        except Interrupted as exc:
            raise CliError(EXIT_FAILED, f"interrupted ({exc.signal_name}): run {run.run_id} of {run.phone_number} "
                           "is still unfinished; `phonewizard recover` shows what is left") from None
    return code


def _print_finished(run: UnfinishedRun, finished: object) -> None:
    if isinstance(finished, Unregistration):
        removed = ", ".join(finished.removed) or "nothing was left to remove"
        out(f"Finished the unregister of {run.phone_number}: {removed}.")
        return
    result = finished.result  # type: ignore[attr-defined]
    out(f"Finished the registration of {run.phone_number} for agent {result.agent_id}: dispatch rule "
        f"{result.dispatch_rule_id}" + (f", inbound trunk {result.inbound_trunk_id}" if result.inbound_trunk_id else "")
        + (f", outbound trunk {result.outbound_trunk_id}" if result.outbound_trunk_id else "") + ".")
