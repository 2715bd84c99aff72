"""Exit codes and the one-line-per-problem output every `phonewizard` command uses.

Exit codes (DESIGN.md): 0 done; 2 the input is invalid; 3 LiveKit refused (conflict, invalid
argument) and nothing was left behind; 4 LiveKit unreachable or authentication failed; 5 the check
ran and the call would not (doctor) or did not (call) get through; 1 anything else. Problems go to
stderr as `field.path: message`, warnings as `warning: field.path: message`; stdout is kept for
results (`--json`) so it can be piped.
"""

from __future__ import annotations

import sys
from typing import Iterable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2
EXIT_REFUSED = 3
EXIT_UNREACHABLE = 4
EXIT_NOT_THROUGH = 5


class CliError(Exception):
    """Stop the command: print `lines` to stderr and exit with `code`."""

    def __init__(self, code: int, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.code = code
        self.lines = [line for line in lines if line]


def err(line: str = "") -> None:
    print(printable(scrub(line)), file=sys.stderr, flush=True)


def printable(text: str) -> str:
    """Control characters from the input (an unknown key such as "\\x1b[2J") escaped, so a hostile
    file can neither drive the terminal nor split one problem into several lines."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err(f"warning: {warning}")


# Secrets the command has read. Anything printed by the top-level handler is scrubbed of them,
# a last guard in case some library echoes a value back in an error message.
_SECRETS: set[str] = set()


def remember_secret(value: str) -> str:
    if value and len(value) >= 4:  # scrubbing a 1–3 character string would mangle real text
        _SECRETS.add(value)
    return value


def scrub(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "••••••")
    return text


def forget_secrets() -> None:
    _SECRETS.clear()
