"""`cli.main` in-process for the CLI tests added with issue 15 (test_cli.py keeps its own copy):
exit code and output, and a check that no secret the test knows of was printed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from phonewizard import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SIP_PASSWORD = "Sip-Passw0rd-Never-Shown-42"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run(capsys, argv: Iterable[object], secrets: Iterable[str] = ()) -> Run:
    code = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    for secret in [SIP_PASSWORD, *secrets]:
        assert secret not in captured.out and secret not in captured.err
    assert "Traceback" not in captured.err
    return Run(code, captured.out, captured.err)
