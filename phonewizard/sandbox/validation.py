"""Request validation with LiveKit's exact messages (livekit/protocol ``livekit/sip.go``,
``livekit/sip_validation.go``, ``livekit/types.go``).

Each check raises ``ValidationFailure`` with the text the real server puts in ``msg``; the caller
decides the twirp code (create/update requests wrap them as ``invalid_argument``, while a failure
found while *applying* a field update escapes as a plain error, like on LiveKit). ``psrpc=True``
marks the few errors LiveKit builds with an explicit InvalidArgument code, which keep that code
even on the plain-error path.
"""

from __future__ import annotations

from livekit.protocol import sip as sip_pb

MAX_MEDIA_TIMEOUT_SECONDS = 600  # MaxSIPMediaTimeout = 10 min
MAX_MEDIA_TIMEOUT_TEXT = "10m0s"  # Go's Duration.String() of that value

SECURITY_MESSAGE = (
    "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses or Numbers"
)

# ForbiddenSipHeaderNames: headers the bridge owns, plus their compact forms.
FORBIDDEN_HEADER_NAMES = frozenset(
    """accept accept-encoding accept-language allow allow-events call-id contact content-encoding
    content-length content-type cseq event expires from max-forwards record-route refer-to reply-to
    k l m o r t u v""".split()
)
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")


class ValidationFailure(Exception):
    def __init__(self, msg: str, *, psrpc: bool = False) -> None:
        super().__init__(msg)
        self.msg = msg
        self.psrpc = psrpc


def _char_error(value: str, allowed, allow_utf8: bool) -> str | None:
    """allowedCharacters.Validate: Go ranges over runes and prints the rune as a decimal."""
    for ch in value:
        code = ord(ch)
        if code >= 128:
            if allow_utf8:
                continue
            return f"char {code} out of range, consider explicilty adding utf8 characters"
        if ch not in allowed:
            return f"char {code} not allowed"
    return None


def check_header_name(name: str, restrict_names: bool) -> None:
    """ValidateHeaderName; Go's ``len`` counts bytes, so the length limit is in UTF-8 bytes."""
    if name == "":
        raise ValidationFailure("header name cannot be empty")
    if len(name.encode()) > 255:
        raise ValidationFailure("header name too long (max 255 characters)")
    err = _char_error(name, _TOKEN_CHARS, allow_utf8=False)
    if err:
        raise ValidationFailure(f"header name {name} contains invalid characters: {err}")
    if restrict_names and name.lower() in FORBIDDEN_HEADER_NAMES:
        raise ValidationFailure(f"header name {name} not supported")


_VALUE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\t"}


def check_header_value(name: str, value: str) -> None:
    """ValidateHeaderValueResult (the name-addr checks there are soft warnings only)."""
    if value == "":
        return
    if len(value.encode()) > 1024:
        raise ValidationFailure(f"header {name}: value too long (max 1024 characters)")
    err = _char_error(value, _VALUE_CHARS, allow_utf8=True)
    if err:
        raise ValidationFailure(f"header {name}: value: {err}")


def check_headers(headers) -> None:
    for name, value in headers.items():
        try:
            check_header_name(name, True)
        except ValidationFailure as e:
            raise ValidationFailure(f"invalid header name: {e.msg}") from None
        try:
            check_header_value(name, value)
        except ValidationFailure as e:
            raise ValidationFailure(f"invalid header value for {name}: {e.msg}") from None


def check_header_tokens(names) -> None:
    """attributes_to_headers values / headers_to_attributes keys: token chars, no forbidden list."""
    for name in names:
        try:
            check_header_name(name, False)
        except ValidationFailure as e:
            raise ValidationFailure(f"invalid header name: {e.msg}") from None


def check_media(msg) -> None:
    """SIPMediaConfig.Validate of `msg.media` (a no-op when that optional field is unset)."""
    if not msg.HasField("media"):
        return
    media = msg.media
    for codec in media.codecs:
        if codec.name == "":
            raise ValidationFailure("missing codec name")
        if any(c in codec.name for c in " \t\n\r"):
            raise ValidationFailure("invalid codec name")
        if "/" in codec.name:
            raise ValidationFailure("codec name must not contain '/'")
    if media.HasField("media_timeout"):
        seconds = media.media_timeout.seconds + media.media_timeout.nanos / 1e9
        if seconds < 0:
            raise ValidationFailure("media_timeout must not be negative")
        if seconds > MAX_MEDIA_TIMEOUT_SECONDS:
            raise ValidationFailure(f"media_timeout must not exceed {MAX_MEDIA_TIMEOUT_TEXT}")


def check_hostname(value: str, field_name: str) -> None:
    """validateHostnameFormat: a host or IP with optional port, never a SIP URI."""
    if "transport=" in value:
        raise ValidationFailure(f"{field_name} should not contain transport parameter")
    if "@" in value or ";" in value or value.startswith("sip:") or value.startswith("sips:"):
        raise ValidationFailure(f"{field_name} should be a hostname or IP, not SIP URI")


def check_inbound_trunk(info: sip_pb.SIPInboundTrunkInfo) -> None:
    """SIPInboundTrunkInfo.ValidateResult, same order as LiveKit."""
    has_auth = info.auth_username != "" or info.auth_password != ""
    if not has_auth and not info.allowed_addresses and not info.numbers:
        raise ValidationFailure(SECURITY_MESSAGE, psrpc=True)
    check_media(info)
    check_headers(info.headers)
    check_header_tokens(info.attributes_to_headers.values())
    check_header_tokens(info.headers_to_attributes.keys())


def check_outbound_trunk(info: sip_pb.SIPOutboundTrunkInfo) -> None:
    """SIPOutboundTrunkInfo.ValidateResult, same order as LiveKit."""
    if not info.numbers:
        raise ValidationFailure("no trunk numbers specified")
    if info.address == "":
        raise ValidationFailure("no outbound address specified")
    check_hostname(info.address, "trunk address")
    check_hostname(info.from_host, "from_host")
    check_headers(info.headers)
    check_header_tokens(info.attributes_to_headers.values())
    check_header_tokens(info.headers_to_attributes.keys())
    check_media(info)


def check_dispatch_rule(info: sip_pb.SIPDispatchRuleInfo) -> None:
    """SIPDispatchRuleInfo.Validate."""
    if not info.HasField("rule"):
        raise ValidationFailure("missing rule")
    check_media(info)


def rule_pin(info: sip_pb.SIPDispatchRuleInfo) -> str:
    """GetPinAndRoom: the pin of whichever rule kind is set."""
    kind = info.rule.WhichOneof("rule")
    if kind is None:
        # Go prints the type of a nil interface with %T as "<nil>".
        raise ValidationFailure("unsupported SIP Dispatch Rule: <nil>", psrpc=True)
    return getattr(info.rule, kind).pin


def check_list_update(update) -> None:
    """ListUpdate.Validate."""
    change = len(update.set) + len(update.add) + len(update.remove) > 0
    if not update.clear and not change:
        raise ValidationFailure("unsupported list update operation")
    if update.clear and change:
        raise ValidationFailure("cannot clear and change the list at the same time")
    if len(update.set) > 0 and len(update.add) + len(update.remove) > 0:
        raise ValidationFailure("cannot set and change the list at the same time")
    for value in list(update.set) + list(update.add) + list(update.remove):
        if value == "":
            raise ValidationFailure("empty element in the list")
