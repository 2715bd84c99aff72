"""`show NUMBER [--json]` and `list --all [--json]`: what the LiveKit project holds, by number.

Both read the project once (one List per object kind, app/inventory.py). `show` says in plain
words what serves the number, or prints with `--json` the `phonewizard/1` document rebuilt from
LiveKit — the edit loop is `show N --json > f.json`, edit, `register f.json` (`--adopt` for objects
made outside phonewizard) — with every notice and remaining problem on stderr. A number nothing
serves exits 3 with one line saying why. `list --all` lists every entry (ok, incomplete, not made by
phonewizard) and the objects that serve no single number.

Everything shown comes from LiveKit and may hold any character: text output goes through
`printable`, JSON escapes what a terminal could act on (`json_text`).
"""

from __future__ import annotations

import argparse
import asyncio
import re

from phonewizard.app.inventory import NumberView, Project, find_number, read_inventory, show_number
from phonewizard.app.registrations import parse_number
from phonewizard.app.secrets import SecretStore
from phonewizard.cli.errors import EXIT_OK, EXIT_REFUSED, CliError, err, json_text, out
from phonewizard.cli.projects import chosen_project, connection_to
from phonewizard.cli.recover import report_unfinished
from phonewizard.domain.inventory import ProjectInventory
from phonewizard.domain.inventory_words import (
    CARRIER_WORDS,
    direction_words,
    entry_lines,
    headline,
    object_lines,
    state_words,
)
from phonewizard.domain.livekit_numbers import normalize_number

_LOOKS_LIKE_A_NUMBER = re.compile(r"^\+\d+$")


def _project(args: argparse.Namespace):
    chosen = chosen_project(args)
    connection = connection_to(chosen, SecretStore())
    report_unfinished(connection.url)
    return chosen.profile, connection


def cmd_show(args: argparse.Namespace) -> int:
    if not _LOOKS_LIKE_A_NUMBER.match(normalize_number(args.number.strip())):
        parse_number(args.number, field="NUMBER")  # exit 2 before connecting: says what is wrong
    profile, connection = _project(args)
    project = asyncio.run(read_inventory(connection))
    view = show_number(project, profile, find_number(args.number, project))
    if not view.found:
        raise CliError(EXIT_REFUSED, view.why)
    if args.json:
        _print_document(view)
    else:
        _print_view(view)
    return EXIT_OK


def _print_document(view: NumberView) -> None:
    rebuilt = view.reconstruction
    assert rebuilt is not None
    for notice in rebuilt.notices:
        err(f"notice: {notice}")
    for problem in rebuilt.problems:
        err(f"to fix before registering: {problem.field}: {problem.message}")
    print(json_text(rebuilt.document))


def _print_view(view: NumberView) -> None:
    entry, rebuilt = view.entry, view.reconstruction
    assert entry is not None and rebuilt is not None
    out(headline(entry))
    carrier = CARRIER_WORDS.get(entry.carrier, entry.carrier)
    out(f"  carrier: {carrier} ({rebuilt.provider_reason})" if rebuilt.provider_reason else f"  carrier: {carrier}")
    out(f"  agent:   {', '.join(entry.agent_names) or '(none named)'}")
    out(f"  calls:   {direction_words(entry)}")
    out()
    for line in entry_lines(entry):
        out(line)
    out()
    out("Objects:")
    for line in object_lines(entry):
        out(f"  {line}")
    if entry.problems:
        out("Problems:")
        for problem in entry.problems:
            out(f"  - {problem}")
    changing = [n for n in rebuilt.notices if n.changes_behaviour]
    if changing:
        out("What its phonewizard/1 document cannot hold (registering the document would change it):")
        for notice in changing:
            out(f"  - {notice}")
    rewritten = len(rebuilt.notices) - len(changing)
    if rewritten:
        out(f"  ({rewritten} more only written differently, same effect: see `--json`'s notices on stderr)")
    if rebuilt.problems:
        out("To fix in the document before `register` accepts it:")
        for problem in rebuilt.problems:
            out(f"  - {problem.field}: {problem.message}")
    adopt = "" if entry.origin == "phonewizard" else " --adopt"
    out()
    out(f"To change it: phonewizard show {entry.phone_number} --json > number.json, edit number.json, "
        f"then phonewizard register number.json{adopt}")


def cmd_list_all(args: argparse.Namespace) -> int:
    _profile, connection = _project(args)
    project = asyncio.run(read_inventory(connection))
    if args.json:
        print(json_text(project.inventory.to_json()))
        return EXIT_OK
    _print_inventory(project, connection.url)
    return EXIT_OK


def _print_inventory(project: Project, url: str) -> None:
    inventory: ProjectInventory = project.inventory
    counts = inventory.counts()
    summary = ", ".join(f"{n} {word}" for state, word in (("ok", "ok"), ("incomplete", "incomplete"),
                                                          ("foreign", "not made by phonewizard"))
                        if (n := counts[state]))
    apart = f"; {len(inventory.apart)} object(s) apart" if inventory.apart else ""
    count = len(inventory.entries)
    out(f"{count} number{'s' if count != 1 else ''} at {url}" + (f": {summary}" if summary else "") + apart)
    if not inventory.numbers_readable:
        out("This server has no LiveKit Phone Numbers (self-hosted LiveKit): none can be listed.")
    for entry in inventory.entries:
        out()
        state = state_words(entry)
        marked = state if entry.state == "ok" else state.upper()
        agents = ", ".join(entry.agent_names) or "(no agent named)"
        out(f"{entry.phone_number}  {marked}  {entry.carrier}  {direction_words(entry)}  agent {agents}")
        for line in object_lines(entry):
            out(f"  {line}")
        for problem in entry.problems:
            out(f"  problem: {problem}")
    if inventory.apart:
        out()
        out("APART — objects that serve no single number; they change where calls go:")
        for item in inventory.apart:
            who = ("" if item.ref.kind == "livekit_number" else
                   " (phonewizard)" if item.ref.phonewizard else " (not made by phonewizard)")
            out(f"  {item.ref}{who}: {item.message}")
