"""The errors a failed outbound call ends with, exactly as LiveKit's server writes them.

The path on LiveKit (ported, not paraphrased):
- the bridge (livekit/sip pkg/sip/outbound.go `Invite`) wraps the carrier's final answer as a
  `livekit.SIPStatus{code, status}`: "INVITE failed: sip status: 486: Busy Here" for 400, 404,
  480, 486 and 488, "unexpected status from INVITE response: sip status: 403: Forbidden" for the
  rest; `ApplySIPStatus` (pkg/errors) gives it the gRPC code of `sipCodeToGRPCCode`
  (livekit/protocol livekit/sip.go, with `SIPStatus.GRPCStatus`'s fallbacks by class) and keeps the
  SIPStatus as an error detail;
- livekit-server's Twirp interceptor (livekit/protocol utils/xtwirp `ToError`) turns that psrpc
  error into a Twirp error: message "twirp error unknown: <the error's text>" (it wraps the text
  of a Twirp error it first built with code unknown), code from the gRPC code, and meta
  `sip_status_code`, `sip_status` (`SIPStatus.TwirpErrorMeta`; the status is the code's enum name
  when the carrier sent no reason) plus `error_details`: the base64 of the google.rpc.Status
  protobuf carrying the SIPStatus (`WithDetailsFromStatus`). livekit/sip#606 shows one such
  error as livekit-api prints it.
- No answer within the ringing timeout has no SIP status: psrpc Canceled "sip request timed out".
"""

from __future__ import annotations

import base64

from google.protobuf import any_pb2
from livekit.protocol import sip as sip_pb

from .errors import TwirpError

# gRPC code numbers (google.golang.org/grpc/codes), keyed by the Twirp code ErrorCodeFromGRPC gives.
GRPC_NUMBER = {
    "canceled": 1, "unknown": 2, "invalid_argument": 3, "deadline_exceeded": 4, "not_found": 5,
    "already_exists": 6, "permission_denied": 7, "resource_exhausted": 8, "failed_precondition": 9,
    "aborted": 10, "out_of_range": 11, "unimplemented": 12, "internal": 13, "unavailable": 14,
    "data_loss": 15, "unauthenticated": 16,
}

_IA, _NF, _PD, _UA = "invalid_argument", "not_found", "permission_denied", "unauthenticated"
_FP, _RE, _DE, _AB = "failed_precondition", "resource_exhausted", "deadline_exceeded", "aborted"
# sipCodeToGRPCCode, as Twirp codes.
SIP_TO_TWIRP = {
    300: _IA, 301: _NF, 302: _NF, 305: _IA, 380: _IA,
    400: _IA, 401: _PD, 402: _PD, 403: _PD, 404: _NF, 405: _IA, 406: _IA, 407: _UA, 408: _DE, 409: _FP,
    410: _NF, 411: _IA, 412: _FP, 413: _IA, 414: _IA, 415: _IA, 416: "out_of_range", 417: _IA, 420: _IA,
    421: _IA, 422: _IA, 423: _IA, 424: _IA, 425: _IA, 428: _UA, 429: _IA, 430: _IA, 433: _PD, 436: _UA,
    437: _UA, 438: _UA, 439: _IA, 440: _RE, 469: _IA, 470: _PD, 480: _RE, 481: _NF, 482: _FP, 483: _FP,
    484: _IA, 485: _IA, 486: _RE, 487: _AB, 488: _IA, 489: _IA, 491: _AB, 493: _IA, 494: _UA,
    500: _FP, 501: _FP, 502: _FP, 503: _FP, 504: _DE, 505: _IA, 513: _IA,
    600: _RE, 603: _PD, 604: _NF, 606: _IA, 607: _PD, 608: _PD,
}
# The codes outbound.go's Invite wraps as "INVITE failed" (the rest: "unexpected status …").
_INVITE_FAILED = frozenset({400, 404, 480, 486, 488})

SIP_REQUEST_TIMED_OUT = "sip request timed out"  # ErrSIPRequestTimeout
AUTH_MAX_RETRY = "max auth retry attempts reached for SIP invite"  # ErrAuthMaxRetry
AUTH_MISSING_CREDS = "sip server required auth, but no username or password was provided"


def twirp_code_for_sip(code: int) -> str:
    """`SIPStatus.GRPCStatus().Code()` as a Twirp code."""
    if code in SIP_TO_TWIRP:
        return SIP_TO_TWIRP[code]
    if 300 <= code < 500 or 600 <= code < 700:
        return _IA
    if 500 <= code < 600:
        return _FP
    return "unknown"


def _enum_name(code: int) -> str:
    try:
        return sip_pb.SIPStatusCode.Name(code)
    except ValueError:
        return str(code)  # Go prints an unknown enum value as its number


def _status_text(code: int, reason: str) -> str:
    """`SIPStatus.Error()`."""
    if reason:
        return f"sip status: {code}: {reason}"
    return f"sip status: {code} ({_enum_name(code).removeprefix('SIP_STATUS_')})"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def rpc_status_details(grpc_code: int, message: str, detail: sip_pb.SIPStatus) -> str:
    """base64 of google.rpc.Status{code, message, details: [Any(detail)]} (no googleapis
    package needed: three fields, encoded by hand)."""
    packed = any_pb2.Any()
    packed.Pack(detail)
    body = _varint(1 << 3 | 0) + _varint(grpc_code) + _field(2, message.encode()) + _field(3, packed.SerializeToString())
    return base64.b64encode(body).decode("ascii")


def psrpc_error(code: str, text: str) -> TwirpError:
    """A psrpc error without details as it reaches the client through xtwirp.ToError."""
    return TwirpError(code, f"twirp error unknown: {text}")


def sip_call_failed(code: int, reason: str) -> TwirpError:
    """The carrier answered the INVITE with final status `code` (reason phrase `reason`)."""
    status = sip_pb.SIPStatus(code=code, status=reason)
    prefix = "INVITE failed" if code in _INVITE_FAILED else "unexpected status from INVITE response"
    text = f"{prefix}: {_status_text(code, reason)}"
    twirp_code = twirp_code_for_sip(code)
    meta = {
        "sip_status_code": str(code),
        "sip_status": reason or _enum_name(code),
        "error_details": rpc_status_details(GRPC_NUMBER[twirp_code], text, status),
    }
    return TwirpError(twirp_code, f"twirp error unknown: {text}", meta)


def no_answer() -> TwirpError:
    """The ringing timeout ran out (psrpc Canceled ErrSIPRequestTimeout: no SIP status)."""
    return psrpc_error("canceled", SIP_REQUEST_TIMED_OUT)


def auth_refused(has_credentials: bool) -> TwirpError:
    """The carrier kept challenging (401/407): the bridge retries with the trunk's credentials up to
    5 times, then gives up without a SIP status (ErrAuthMaxRetry / ErrAuthMissingCreds)."""
    return psrpc_error("failed_precondition", AUTH_MAX_RETRY if has_credentials else AUTH_MISSING_CREDS)
