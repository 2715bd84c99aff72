"""Access-token checks of LiveKit's API: the auth middleware plus ``EnsureSIPAdminPermission``.

Two layers, kept apart because the client sees them differently:
- ``authenticate`` is the HTTP middleware (livekit-server ``pkg/service/auth.go``): a malformed,
  expired or wrongly signed token, or an unknown API key, is answered with HTTP 401 and a PLAIN TEXT
  body before any routing. No token at all passes through with no grants.
- ``require_sip_admin`` is the per-method grant check: missing grants → twirp ``unauthenticated``
  with the message ``permissions denied``.

Where the token comes from (``token_from``): the ``Authorization: Bearer …`` header; when that header
is absent or empty, the ``access_token`` query parameter (LiveKit reads it with ``r.FormValue``).
What is verified is exactly what LiveKit's verifier (livekit/protocol ``auth/verifier.go``, on
golang-jwt v5) verifies: HS256 only; the registered claims must have their JSON types (``exp``,
``nbf``, ``iat`` numbers; ``aud`` a string or a list of strings; ``iss``, ``sub``, ``jti`` strings),
as golang-jwt's decoding demands; ``iss`` names a known API key whose secret signed the token;
``exp`` is required and, like ``nbf``, checked with one minute of leeway. Neither ``iat`` (not even
a future one) nor ``aud`` is checked: the verifier enables neither ``WithIssuedAt`` nor
``WithAudience``, so LiveKit accepts such tokens and so does the sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping

import jwt

from .errors import TwirpError

BEARER_PREFIX = "Bearer "
ACCESS_TOKEN_PARAM = "access_token"
LEEWAY_SECONDS = 60
_NUMERIC_CLAIMS = ("exp", "nbf", "iat")
_STRING_CLAIMS = ("iss", "sub", "jti")


class AuthRejected(Exception):
    """Answered as HTTP 401 with ``str(self)`` as a text/plain body."""


def token_from(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The raw token of a request, '' for "Bearer " with nothing after it, None when there is
    none at all; AuthRejected for an Authorization header that is not a bearer token."""
    header = headers.get("Authorization", "")
    if header:
        if not header.startswith(BEARER_PREFIX):
            raise AuthRejected("invalid authorization header. Must start with " + BEARER_PREFIX)
        return header[len(BEARER_PREFIX):]
    return query.get(ACCESS_TOKEN_PARAM) or None


def _registered_claims_have_their_types(claims: object) -> bool:
    """golang-jwt decodes the registered claims into typed fields; any other JSON type fails."""
    if not isinstance(claims, dict):
        return False
    for name in _NUMERIC_CLAIMS:
        value = claims.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return False
    for name in _STRING_CLAIMS:
        if claims.get(name) is not None and not isinstance(claims[name], str):
            return False
    audience = claims.get("aud")
    if audience is not None and not isinstance(audience, str):
        if not isinstance(audience, list) or not all(isinstance(a, str) for a in audience):
            return False
    return True


def authenticate(token: str | None, keys: dict[str, str]) -> dict | None:
    """Return the verified claims, ``None`` when no token was sent, or raise ``AuthRejected``."""
    if not token:
        return None
    try:
        # LiveKit's unverified parse already insists on HS256 (no "none", no RS256).
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            raise jwt.InvalidAlgorithmError("signing method not allowed")
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise AuthRejected("invalid authorization token") from None
    if not _registered_claims_have_their_types(unverified):
        raise AuthRejected("invalid authorization token")
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
            options={"require": ["exp"], "verify_iat": False, "verify_aud": False},
        )
    except jwt.PyJWTError as e:
        # PyJWT's messages never contain the secret or the token.
        raise AuthRejected(f"invalid authorization token: {e}") from None


def require_sip_admin(claims: dict | None) -> None:
    sip = (claims or {}).get("sip")
    if not isinstance(sip, dict) or sip.get("admin") is not True:
        raise TwirpError("unauthenticated", "permissions denied")
