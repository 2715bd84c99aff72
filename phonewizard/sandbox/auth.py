"""Access-token checks of LiveKit's API: the auth middleware plus ``EnsureSIPAdminPermission``.

Two layers, kept apart because the client sees them differently:
- ``authenticate`` is the HTTP middleware (livekit-server ``pkg/service/auth.go``): a malformed,
  expired or wrongly signed token, or an unknown API key, is answered with HTTP 401 and a PLAIN TEXT
  body before any routing. No header at all passes through with no grants.
- ``require_sip_admin`` is the per-method grant check: missing grants → twirp ``unauthenticated``
  with the message ``permissions denied``.
Tokens are HS256 JWTs signed with the API secret, ``iss`` = API key, ``exp`` required, 60 s leeway.
"""

from __future__ import annotations

import jwt

from .errors import TwirpError

BEARER_PREFIX = "Bearer "
LEEWAY_SECONDS = 60


class AuthRejected(Exception):
    """Answered as HTTP 401 with ``str(self)`` as a text/plain body."""


def authenticate(header: str | None, keys: dict[str, str]) -> dict | None:
    """Return the verified claims, ``None`` when no token was sent, or raise ``AuthRejected``."""
    if not header:
        return None
    if not header.startswith(BEARER_PREFIX):
        raise AuthRejected("invalid authorization header. Must start with " + BEARER_PREFIX)
    token = header[len(BEARER_PREFIX):]
    if not token:
        return None
    try:
        # LiveKit's unverified parse already insists on HS256 (no "none", no RS256).
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            raise jwt.InvalidAlgorithmError("signing method not allowed")
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AuthRejected("invalid authorization token") from None
    api_key = unverified.get("iss")
    secret = keys.get(api_key) if isinstance(api_key, str) else None
    if not secret:
        raise AuthRejected("invalid API key")
    try:
        return jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            leeway=LEEWAY_SECONDS,
            issuer=api_key,
            options={"require": ["exp"]},
        )
    except jwt.PyJWTError as e:
        # PyJWT's messages never contain the secret or the token.
        raise AuthRejected(f"invalid authorization token: {e}") from None


def require_sip_admin(claims: dict | None) -> None:
    sip = (claims or {}).get("sip")
    if not isinstance(sip, dict) or sip.get("admin") is not True:
        raise TwirpError("unauthenticated", "permissions denied")
