"""Twirp errors as LiveKit's server writes them: JSON ``{"code","msg"[,"meta"]}`` plus HTTP status.

Two kinds of failure exist on the real server and the sandbox keeps both apart:
``TwirpError`` carries a twirp code (``invalid_argument``, ``not_found`` …) and becomes the JSON
body the Python client parses; ``PlainError`` is a bare Go ``error`` returned from a handler,
which LiveKit's twirp hooks turn into code ``unknown`` with HTTP 500.
"""

from __future__ import annotations

import json

# twitchtv/twirp ServerHTTPStatusFromErrorCode.
HTTP_STATUS = {
    "canceled": 408,
    "unknown": 500,
    "invalid_argument": 400,
    "malformed": 400,
    "deadline_exceeded": 408,
    "not_found": 404,
    "bad_route": 404,
    "already_exists": 409,
    "permission_denied": 403,
    "unauthenticated": 401,
    "resource_exhausted": 429,
    "failed_precondition": 412,
    "aborted": 409,
    "out_of_range": 400,
    "unimplemented": 501,
    "internal": 500,
    "unavailable": 503,
    "data_loss": 500,
}


class TwirpError(Exception):
    """An error with a twirp code; ``msg`` is sent to the client verbatim."""

    def __init__(self, code: str, msg: str, meta: dict[str, str] | None = None) -> None:
        if code not in HTTP_STATUS:
            raise ValueError(f"unknown twirp error code {code!r}")
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.meta = dict(meta or {})

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def body(self) -> bytes:
        # marshalErrorToJSON in the generated twirp code: "meta" only when non-empty.
        data: dict[str, object] = {"code": self.code, "msg": self.msg}
        if self.meta:
            data["meta"] = self.meta
        return json.dumps(data).encode()


class PlainError(Exception):
    """A plain Go error escaping a handler (e.g. a failed update apply): ``unknown`` / 500."""

    def as_twirp(self) -> TwirpError:
        return TwirpError("unknown", str(self))


def invalid(msg: str) -> TwirpError:
    return TwirpError("invalid_argument", msg)


# LiveKit's message for an unknown dispatch rule ID, from the SIP and the phone-number service.
RULE_NOT_FOUND = "requested sip dispatch rule does not exist"


def not_found(msg: str) -> TwirpError:
    return TwirpError("not_found", msg)


def bad_route(msg: str, method: str, path: str) -> TwirpError:
    # badRouteError in the generated twirp code attaches this one meta key.
    return TwirpError(
        "bad_route",
        msg,
        {"twirp_invalid_route": f"{method} {path}"},
    )
