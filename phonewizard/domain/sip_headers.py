"""SIP header rules, mirroring LiveKit's `validateHeaders` (reference/livekit-sip.md §1.1).

LiveKit refuses a whole trunk for one bad header name, so the same checks run here first and the
user sees which header is wrong. Our one stricter rule: `custom_headers` must be `X-` headers, as
the seed documents ("Custom SIP X-* headers"); LiveKit itself does not enforce that.
"""

from __future__ import annotations

import re

# RFC 3261 `token` characters, exactly the set LiveKit accepts.
_TOKEN = re.compile(r"^[A-Za-z0-9\-.!%*_+`'~]+$")
MAX_NAME = 255
MAX_VALUE = 1024
MAX_ATTRIBUTE = 255

# LiveKit's ForbiddenSipHeaderNames: headers the SIP stack itself owns.
FORBIDDEN_HEADERS = frozenset(
    {
        "accept", "accept-encoding", "accept-language", "allow", "allow-events", "call-id",
        "contact", "content-encoding", "content-length", "content-type", "cseq", "event",
        "expires", "from", "max-forwards", "record-route", "refer-to", "reply-to",
        "k", "l", "m", "o", "r", "t", "u", "v",
    }
)


def header_token_problem(name: str) -> str | None:
    """Why `name` is not a valid SIP header name token, or None."""
    if not name:
        return "the header name is empty; enter a name such as X-Customer-Id"
    if len(name) > MAX_NAME:
        return f"the header name is longer than {MAX_NAME} characters"
    if not _TOKEN.match(name):
        bad = sorted({c for c in name if not _TOKEN.match(c)})
        shown = " ".join(repr(c) for c in bad[:5])
        return (
            f"the header name '{name[:60]}' contains characters not allowed in a SIP header "
            f"name ({shown}); use letters, digits and '-'"
        )
    return None


def header_name_problem(name: str, *, require_x: bool) -> str | None:
    """Full check of a header LiveKit will send: token, not forbidden, `X-` when required."""
    problem = header_token_problem(name)
    if problem:
        return problem
    if name.lower() in FORBIDDEN_HEADERS:
        return (
            f"'{name}' is a header the SIP stack sets itself and LiveKit refuses it; "
            "use a custom X- header instead"
        )
    if require_x and not name.lower().startswith("x-"):
        return f"custom header names must start with 'X-', e.g. X-{name}"
    return None


def header_value_problem(value: str) -> str | None:
    """LiveKit's value rule: at most 1024 characters, printable text (tab allowed)."""
    if len(value) > MAX_VALUE:
        return f"the value is longer than {MAX_VALUE} characters ({len(value)})"
    for char in value:
        if char != "\t" and (not char.isprintable()):
            return "the value contains a line break or control character; SIP header values must be one printable line"
    return None


def attribute_name_problem(attribute: str) -> str | None:
    """headers_to_attributes values: the participant attribute the header is copied into."""
    if not attribute:
        return "enter the participant attribute name the header should be copied into, e.g. customer.id"
    if len(attribute) > MAX_ATTRIBUTE:
        return f"the attribute name is longer than {MAX_ATTRIBUTE} characters"
    if any(not c.isprintable() or c.isspace() for c in attribute):
        return "the attribute name must not contain spaces or control characters"
    return None
