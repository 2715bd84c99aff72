"""LiveKit's phone-number normalisation (`livekit.NormalizeNumber`, livekit/protocol
``livekit/sip.go``; reference §1.6).

LiveKit compares numbers only after this normalisation, so the registrar's conflict check and the
sandbox's share this one function: two spellings of one number collide exactly as on LiveKit.
"""

from __future__ import annotations

import re

_NUMBER_RE = re.compile(r"^\+?[\d\- ()]+$")
_NUMBER_STRIP = str.maketrans("", "", " -()")


def normalize_number(num: str) -> str:
    """``+91 98765-43210`` and ``919876543210`` → ``+919876543210``; anything else unchanged.

    Python's ``\\d`` also matches non-ASCII digits, unlike Go's RE2 ``\\d``; restrict to ASCII
    so that exotic input is left unchanged exactly as LiveKit leaves it.
    """
    if num == "":
        return ""
    if not num.isascii() or not _NUMBER_RE.match(num):
        return num
    num = num.translate(_NUMBER_STRIP)
    if not num.startswith("+"):
        return "+" + num
    return num
