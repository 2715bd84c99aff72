"""The one rule every text field follows before its own checks: nothing invisible, nothing changed
behind the user's back (issue 12, point 5).

Refused anywhere in a text field (the message names the character, its code point and position):

* **Cc** control characters: U+0000–U+001F and U+007F–U+009F, so CR, LF and TAB too;
* **Cf** format characters, which render as nothing: U+200B ZERO WIDTH SPACE, U+200E/U+200F
  left-to-right / right-to-left marks, U+202A–U+202E and U+2066–U+2069 bidirectional embeddings and
  isolates, U+FEFF BYTE ORDER MARK, U+00AD SOFT HYPHEN, U+2060 WORD JOINER, tag characters …;
* **Zl** U+2028 LINE SEPARATOR and **Zp** U+2029 PARAGRAPH SEPARATOR;
* **Zs** spaces other than the plain space U+0020 (U+00A0 NO-BREAK SPACE, U+2009 THIN SPACE,
  U+3000 IDEOGRAPHIC SPACE …): they look like a space and are not one;
* **Cs** lone surrogates, **Co** private-use and **Cn** unassigned code points: no font shows them,
  so nobody can check what they are;
* the other **Default_Ignorable_Code_Point** characters of Unicode (DerivedCoreProperties.txt), which
  fonts draw as nothing although their category is a letter or a mark: U+034F COMBINING GRAPHEME
  JOINER, U+115F/U+1160/U+3164/U+FFA0 Hangul fillers, U+17B4/U+17B5, U+180B–U+180F Mongolian
  selectors, U+FE00–U+FE0F and U+E0100–U+E01EF variation selectors; and U+2800 BRAILLE PATTERN BLANK.

Plain spaces (U+0020) at the start or the end of a one-line field are removed: that is the only
change made to what the user typed, and it changes nothing LiveKit or a SIP peer would see (SIP
ignores spaces around header values; names and numbers cannot contain them). Secrets are checked
but never trimmed (a space may belong to a password). `metadata` and `provider_config` are JSON
data handed to the agent exactly as written (json.dumps escapes control characters), so their keys
and values are neither checked nor trimmed here.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# Default_Ignorable_Code_Point ranges whose general category is not C* (those are caught by
# category already), plus U+2800, which every font draws blank.
_IGNORABLE_VISIBLE_CATEGORY = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)
_IGNORABLE = frozenset(code for low, high in _IGNORABLE_VISIBLE_CATEGORY for code in range(low, high + 1))
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn", "Zs"})
_LINE_BREAKS = {"\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"}

# Control characters have no Unicode name, only aliases; these are the ones people meet.
_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
}


def is_refused(char: str) -> bool:
    """True for a character no text field may hold (see the module docstring)."""
    if char == " ":
        return False
    return unicodedata.category(char) in _REFUSED_CATEGORIES or ord(char) in _IGNORABLE


def describe(char: str) -> str:
    """`U+200F RIGHT-TO-LEFT MARK`, `U+000D CARRIAGE RETURN`, or just `U+E000` when unnamed."""
    code = ord(char)
    name = unicodedata.name(char, None) or _CONTROL_NAMES.get(code)
    return f"U+{code:04X} {name}" if name else f"U+{code:04X}"


class InvisibleCharacter(ValueError):
    """A text field holds a refused character; str() is the message for the user."""


def _kind_and_fix(char: str) -> tuple[str, str]:
    category = unicodedata.category(char)
    if char in _LINE_BREAKS:
        return "a line break", "the text must be one line; delete it"
    if char == "\t":
        return "a tab", "delete it"
    if category == "Cc":
        return "a control character", "delete it"
    if category == "Zs":
        return "a space that only looks like a plain one", "replace it with a plain space"
    if category == "Cs":
        return "half of a broken character", "type the value again"
    what = {"Co": "a private-use character", "Cn": "a code point Unicode has not assigned"}.get(
        category, "an invisible character")
    return what, "delete it (retype the value if you cannot see it)"


def invisible_problem(text: str) -> str | None:
    """Why `text` cannot be used as typed, naming the first refused character and its position
    (1-based, in characters), or None when every character may stay."""
    if text.isascii() and text.isprintable():
        return None  # the common case, decided in C: printable ASCII has nothing to refuse
    bad = [(i, c) for i, c in enumerate(text, start=1) if is_refused(c)]
    if not bad:
        return None
    position, char = bad[0]
    kind, fix = _kind_and_fix(char)
    others = len(bad) - 1
    more = f" ({others} more such character{'s follow' if others > 1 else ' follows'})" if others else ""
    return f"has {describe(char)} at position {position}, {kind}: {fix}{more}"


def visible_text(value: Any) -> Any:
    """Pydantic *before* validator for a one-line text field: refuse invisible characters, then
    remove plain spaces at both ends. Non-text values pass through to the type check."""
    if not isinstance(value, str):
        return value
    problem = invisible_problem(value)
    if problem:
        raise InvisibleCharacter(problem)
    return value.strip(" ")


def visible_secret(value: Any) -> Any:
    """The same check for a secret, which is never trimmed; the message names the character and
    its position but never repeats the secret."""
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    if isinstance(text, str):
        problem = invisible_problem(text)
        if problem:
            raise InvisibleCharacter(problem.replace("retype the value", "paste it again"))
    return value
