"""Server-assigned IDs and LiveKit's phone-number normalisation, as the real server does them.

IDs are a prefix (``ST_`` trunks, ``SDR_`` dispatch rules, ``PN_`` phone numbers) followed by 12
characters of the shortuuid base57 alphabet (livekit/protocol ``utils/guid/id.go``).
``normalize_number`` is ``livekit.NormalizeNumber`` (``livekit/sip.go``): it is the key of every
conflict check, so two spellings of one number collide exactly as they would on LiveKit.
"""

from __future__ import annotations

import re
import secrets

# shortuuid.DefaultAlphabet: digits and letters without the look-alikes 0, 1, I, O, l.
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ID_SIZE = 12

TRUNK_PREFIX = "ST_"
DISPATCH_RULE_PREFIX = "SDR_"
PHONE_NUMBER_PREFIX = "PN_"

_NUMBER_RE = re.compile(r"^\+?[\d\- ()]+$")
_NUMBER_STRIP = str.maketrans("", "", " -()")


def new_id(prefix: str) -> str:
    """A fresh random ID such as ``ST_a8Kx3mPq2ZbR``."""
    return prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_SIZE))


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
