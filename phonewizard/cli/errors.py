"""Exit codes and the one-line-per-problem output every `phonewizard` command uses.

Exit codes (DESIGN.md): 0 done; 2 the input is invalid; 3 LiveKit refused (conflict, invalid
argument) and nothing was left behind; 4 LiveKit unreachable or authentication failed; 5 the check
ran and the call would not (doctor) or did not (call) get through; 1 anything else. Problems go to
stderr as `field.path: message`, warnings as `warning: field.path: message`; stdout is kept for
results (`--json`) so it can be piped.

Everything printed goes through `err` (stderr), `out` (stdout text) or `json_text` (stdout JSON),
which escape control and invisible characters: names and metadata come from LiveKit objects that
anyone with access to the project can write, and a file path is whatever the user typed, so none
of it may drive the terminal or fake a line of output.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Iterable

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


def out(line: str = "") -> None:
    """One line of text output on stdout. Pass each line separately: a newline inside `line`
    is escaped like any control character, so a value cannot start a line of its own."""
    print(printable(scrub(line)))


def printable(text: str) -> str:
    """Control characters from the input (an unknown key such as "\\x1b[2J") escaped, so a hostile
    file can neither drive the terminal nor split one problem into several lines. Invisible
    format characters (bidi overrides, zero-width) are escaped too (`str.isprintable`)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def json_text(data: Any) -> str:
    """`data` as indented JSON for stdout. json.dumps escapes C0 controls only; with non-ASCII
    kept readable, C1 controls (U+009B is a terminal's CSI), U+2028 and bidi overrides would be
    written raw, so every non-printable character is written as a \\u escape (still valid JSON:
    such characters only ever occur inside strings)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == "\n" else _json_escape(c) for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000  # outside the BMP: a UTF-16 surrogate pair, as JSON spells it
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        err(f"warning: {warning}")


# Secrets the command has read. Anything printed is scrubbed of them, a last guard in case some
# library echoes a value back in an error message.
_SECRETS: set[str] = set()
MASK = "••••••"
# A secret this short also occurs inside ordinary words ("ab" in "table"), so it is masked only
# where it stands as a token of its own, which is how an echoed value appears ("password=ab",
# "'ab'"); longer secrets are masked wherever they occur.
SHORT_SECRET = 4


def remember_secret(value: str) -> str:
    if value:
        _SECRETS.add(value)
    return value


def scrub(text: str) -> str:
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if len(secret) >= SHORT_SECRET:
            text = text.replace(secret, MASK)
        else:
            text = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", MASK, text)
    return text


def forget_secrets() -> None:
    _SECRETS.clear()
