"""Every file in examples/ registers against the sandbox exactly as docs/cli.md shows it.

The commands are read from the block under `<!-- examples: … -->` in docs/cli.md, so a change to
the docs or to the commands' behaviour that makes them part breaks this test. Each line runs
in-process with the sandbox's three variables set (what the docs tell the reader to paste);
`--sip-password-stdin` gets the password on standard input, as from a pipe.
"""

from __future__ import annotations

import io
import json
import re
import shlex
import sys
from pathlib import Path

import pytest

from phonewizard.services.secret_store import SecretStore, sip_password_key
from tests.cli_run import EXAMPLES, SIP_PASSWORD, run

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"<!-- examples:[^>]*-->\s*```sh\n(.*?)```", re.S)


def documented_commands() -> list[list[str]]:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    match = BLOCK.search(text)
    assert match, "docs/cli.md lost its `<!-- examples: … -->` block"
    commands = [shlex.split(line) for line in match.group(1).splitlines() if line.strip()]
    assert all(argv[0] == "phonewizard" for argv in commands), commands
    return [argv[1:] for argv in commands]


def test_the_docs_register_every_example_once():
    files = [next(a for a in argv if a.startswith("examples/")) for argv in documented_commands()]
    assert sorted(files) == sorted(f"examples/{p.name}" for p in EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("argv", documented_commands(), ids=lambda argv: Path(argv[1]).stem)
def test_each_documented_command_registers(argv, sandbox_env, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    if "--sip-password-stdin" in argv:
        monkeypatch.setattr(sys, "stdin", io.StringIO(SIP_PASSWORD + "\n"))
    result = run(capsys, argv, secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err
    assert "Registered" in result.out
    if "--sip-password-stdin" in argv:
        # Sent to LiveKit as typed (the newline is the pipe's, not the password's), then kept.
        trunks = sandbox_env.snapshot()["outbound"].values()
        assert [t["auth_password"] for t in trunks] == [SIP_PASSWORD]
        reg = json.loads((ROOT / argv[1]).read_text())["registration"]
        assert SecretStore().get(sip_password_key(reg["phone_number"], reg["auth_username"])) == SIP_PASSWORD
        again = run(capsys, [a for a in argv if a != "--sip-password-stdin"], secrets=[sandbox_env.api_secret])
        assert again.code == 0 and "Updated" in again.out, again.err  # the keyring holds it now
