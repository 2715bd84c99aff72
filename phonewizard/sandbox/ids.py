"""Server-assigned IDs as the real server makes them; LiveKit's number normalisation re-exported.

IDs are a prefix (``ST_`` trunks, ``SDR_`` dispatch rules, ``PN_`` phone numbers) followed by 12
characters of the shortuuid base57 alphabet (livekit/protocol ``utils/guid/id.go``).
``normalize_number`` (``livekit.NormalizeNumber``, defined in domain/livekit_numbers.py and
shared with the registrar) is the key of every conflict check, so two spellings of one number collide exactly as they would on LiveKit.
"""

from __future__ import annotations

import secrets

from phonewizard.domain.livekit_numbers import normalize_number  # noqa: F401 - re-exported

# shortuuid.DefaultAlphabet: digits and letters without the look-alikes 0, 1, I, O, l.
ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ID_SIZE = 12

TRUNK_PREFIX = "ST_"
DISPATCH_RULE_PREFIX = "SDR_"
PHONE_NUMBER_PREFIX = "PN_"


def new_id(prefix: str) -> str:
    """A fresh random ID such as ``ST_a8Kx3mPq2ZbR``."""
    return prefix + "".join(secrets.choice(ID_ALPHABET) for _ in range(ID_SIZE))
