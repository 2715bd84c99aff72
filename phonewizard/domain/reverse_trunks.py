"""Reading LiveKit trunks back into registration fields (the trunk half of the reverse mapping).

Each reader returns the registration fields one trunk determines and records a notice for every
value the document cannot hold as it is (reverse_notices.py). Values pass through the same
validators the registration model uses, so what lands in the document is what `check_config`
accepts; a value it would refuse is left out and named instead.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from google.protobuf.duration_pb2 import Duration
from livekit.protocol.sip import SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.domain.reverse_notices import NoticeKind as K, Notes
from phonewizard.domain.sip_addresses import AddressError, normalise_outbound_address, parse_allowed_address
from phonewizard.domain.sip_headers import (
    attribute_name_problem,
    header_name_problem,
    header_token_problem,
    header_value_problem,
)

ENCRYPTION_NAMES = {0: "DISABLE", 1: "ALLOW", 2: "REQUIRE"}
TRANSPORT_NAMES = {0: "AUTO", 1: "UDP", 2: "TCP", 3: "TLS"}
# What LiveKit's SIP bridge uses when a trunk leaves these unset (reference §1.1: ringing_timeout
# ≤ 0 → 3 minutes, max_call_duration ≤ 0 or > 24 h → 24 h).
LIVEKIT_RINGING_DEFAULT = 180
LIVEKIT_MAX_CALL_DEFAULT = 86400
RINGING_RANGE = (1, 300)
MAX_CALL_RANGE = (60, 86400)


def encryption_of(obj: Any) -> int:
    """The media encryption LiveKit applies: `media.encryption`, else the deprecated field that
    LiveKit's Upgrade() copies into it."""
    if obj.HasField("media") and obj.media.HasField("encryption"):
        return obj.media.encryption
    return obj.media_encryption


def shown(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_numbers(values: Iterable[str], notes: Notes, oid: str, field: str) -> list[str]:
    """Numbers as +E.164 (the form phonewizard stores). LiveKit compares trunk numbers after its
    own normalisation, so `14155550101` and `+1 415 555 0101` mean `+14155550101` there too."""
    out: list[str] = []
    for raw in values:
        try:
            number = parse_e164(normalize_number(raw))
        except ValueError as exc:
            notes.add(K.INVALID_VALUE, oid, field,
                      f"“{shown(raw)}” is left out ({exc})")
            continue
        if number != raw:
            notes.add(K.REWRITTEN, oid, field, f"“{shown(raw)}” is written as {number}", False)
        if number in out:
            notes.add(K.REWRITTEN, oid, field, f"{number} is listed twice; kept once", False)
            continue
        out.append(number)
    return out


def read_addresses(values: Iterable[str], notes: Notes, oid: str, field: str) -> list[str]:
    out: list[str] = []
    for raw in values:
        try:
            address = parse_allowed_address(raw)
        except AddressError as exc:
            # LiveKit drops such entries at call time as well (reference §1.1), so leaving it out
            # of the document changes nothing unless it was the only entry.
            notes.add(K.INVALID_VALUE, oid, field, f"“{shown(raw)}” is left out ({exc})")
            continue
        if address != raw:
            notes.add(K.REWRITTEN, oid, field, f"“{shown(raw)}” is written as {address}", False)
        if address not in out:
            out.append(address)
    return out


def _checked_map(items: Mapping[str, str], key_problem: Callable[[str], str | None],
                 value_problem: Callable[[str], str | None], notes: Notes, oid: str,
                 field: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in items.items():
        problem = key_problem(key) or value_problem(value)
        if problem:
            notes.add(K.HEADERS if field.endswith(".headers") else K.HEADER_MAPPING, oid, field,
                      f"{shown(key)} is left out: {problem}")
            continue
        out[key] = value
    return out


def read_headers(headers: Mapping[str, str], notes: Notes, oid: str, field: str) -> dict[str, str]:
    """custom_headers hold `X-` headers only (the seed's "Custom SIP X-* headers")."""
    return _checked_map(headers, lambda k: header_name_problem(k, require_x=True),
                        header_value_problem, notes, oid, field)


def read_header_attributes(mapping: Mapping[str, str], notes: Notes, oid: str, field: str) -> dict[str, str]:
    return _checked_map(mapping, header_token_problem, attribute_name_problem, notes, oid, field)


def read_seconds(obj: Any, name: str, default: int, bounds: tuple[int, int], notes: Notes,
                 oid: str, field: str) -> int:
    """A Duration as whole seconds inside phonewizard's range; unset means LiveKit's default."""
    low, high = bounds
    duration: Duration = getattr(obj, name)
    if not obj.HasField(name) or (duration.seconds <= 0 and duration.nanos <= 0):
        notes.add(K.TIMEOUTS, oid, field,
                  f"not set, so LiveKit uses {default} s; the document writes {default} s out", False)
        return default
    seconds = duration.seconds + (1 if duration.nanos >= 500_000_000 else 0)
    if duration.nanos:
        notes.add(K.TIMEOUTS, oid, field,
                  f"{duration.seconds + duration.nanos / 1e9:g} s is rounded to whole seconds ({seconds} s)")
    if not low <= seconds <= high:
        kept = min(max(seconds, low), high)
        notes.add(K.TIMEOUTS, oid, field,
                  f"{seconds} s is outside phonewizard's range {low}–{high} s; the document uses {kept} s")
        return kept
    return seconds


def read_media(obj: Any, notes: Notes, oid: str, prefix: str) -> str:
    """The encryption name; codecs and the media timeout have no place in the document."""
    media = obj.media
    if len(media.codecs):
        codecs = ", ".join(f"{c.name}/{c.rate}" if c.rate else c.name for c in media.codecs)
        notes.add(K.MEDIA, oid, f"{prefix}.media.codecs",
                  f"the codecs {codecs} are not kept: registering uses LiveKit's default codecs")
    if media.only_listed_codecs:
        notes.add(K.MEDIA, oid, f"{prefix}.media.only_listed_codecs",
                  "“only the listed codecs” is not kept: registering allows LiveKit's default codecs")
    if media.HasField("media_timeout"):
        notes.add(K.MEDIA, oid, f"{prefix}.media.media_timeout",
                  f"a media timeout of {media.media_timeout.seconds} s is not kept: registering "
                  "uses LiveKit's default")
    return ENCRYPTION_NAMES.get(encryption_of(obj), "ALLOW")


def _header_options(obj: Any, notes: Notes, oid: str, prefix: str) -> None:
    if len(obj.attributes_to_headers):
        notes.add(K.HEADER_MAPPING, oid, f"{prefix}.attributes_to_headers",
                  f"participant attributes sent as SIP headers ({', '.join(obj.attributes_to_headers)}) "
                  "are not kept")
    if obj.include_headers:
        notes.add(K.HEADER_MAPPING, oid, f"{prefix}.include_headers",
                  "SIP headers copied into participant attributes (include_headers) are not kept; "
                  "list each header in headers_to_attributes instead")


def _read_username(trunk: SIPInboundTrunkInfo | SIPOutboundTrunkInfo, fields: dict[str, Any], notes: Notes,
                   oid: str, p: str, why_both: str) -> None:
    """The trunk's username goes into `fields`; a password without a username is noted as not kept,
    `why_both` saying why. The password itself is never copied."""
    if trunk.auth_username:
        fields["auth_username"] = trunk.auth_username
    elif trunk.auth_password:
        # Never echo the password: only say that one is set.
        notes.add(K.CREDENTIALS, oid, f"{p}.auth_password", f"a password without a username is not kept: {why_both}")


def read_inbound(trunk: SIPInboundTrunkInfo, notes: Notes) -> dict[str, Any]:
    oid, p = trunk.sip_trunk_id, "inbound_trunk"
    fields: dict[str, Any] = {
        "trunk_numbers": read_numbers(trunk.numbers, notes, oid, f"{p}.numbers"),
        "allowed_addresses": read_addresses(trunk.allowed_addresses, notes, oid, f"{p}.allowed_addresses"),
        "allowed_numbers": read_numbers(trunk.allowed_numbers, notes, oid, f"{p}.allowed_numbers"),
        "krisp_enabled": trunk.krisp_enabled,
        "ringing_timeout_seconds": read_seconds(trunk, "ringing_timeout", LIVEKIT_RINGING_DEFAULT,
                                                RINGING_RANGE, notes, oid, f"{p}.ringing_timeout"),
        "max_call_duration_seconds": read_seconds(trunk, "max_call_duration", LIVEKIT_MAX_CALL_DEFAULT,
                                                  MAX_CALL_RANGE, notes, oid, f"{p}.max_call_duration"),
        "media_encryption": read_media(trunk, notes, oid, p),
        "custom_headers": read_headers(trunk.headers, notes, oid, f"{p}.headers"),
        "headers_to_attributes": read_header_attributes(trunk.headers_to_attributes, notes, oid,
                                                        f"{p}.headers_to_attributes"),
    }
    _read_username(trunk, fields, notes, oid, p, "phonewizard asks callers to authenticate only with both")
    if trunk.auth_realm:
        notes.add(K.CREDENTIALS, oid, f"{p}.auth_realm",
                  f"the digest realm “{shown(trunk.auth_realm)}” is not kept: registering uses LiveKit's default realm")
    if trunk.ringing_timeout_status:
        notes.add(K.UNSUPPORTED_FIELD, oid, f"{p}.ringing_timeout_status",
                  f"the SIP status {trunk.ringing_timeout_status} sent when ringing times out is not kept")
    _header_options(trunk, notes, oid, p)
    return fields


def read_outbound(trunk: SIPOutboundTrunkInfo, notes: Notes) -> dict[str, Any]:
    oid, p = trunk.sip_trunk_id, "outbound_trunk"
    fields: dict[str, Any] = {
        "enable_outbound": True,
        "outbound_numbers": read_numbers(trunk.numbers, notes, oid, f"{p}.numbers"),
        "outbound_transport": TRANSPORT_NAMES.get(trunk.transport, "AUTO"),
    }
    try:
        address = normalise_outbound_address(trunk.address).address
        fields["outbound_address"] = address
        if address != trunk.address:
            notes.add(K.REWRITTEN, oid, f"{p}.address", f"“{shown(trunk.address)}” is written as {address}", False)
    except AddressError as exc:
        notes.add(K.INVALID_VALUE, oid, f"{p}.address", f"“{shown(trunk.address)}” is left out ({exc})")
    if trunk.destination_country:
        country = trunk.destination_country.upper()
        fields["destination_country"] = country
        if trunk.destination_country != country.lower():
            notes.add(K.REWRITTEN, oid, f"{p}.destination_country",
                      f"“{shown(trunk.destination_country)}” is sent as “{country.lower()}”, in lower "
                      "case as LiveKit's own examples write it", False)
    _read_username(trunk, fields, notes, oid, p, "phonewizard signs in to the carrier only with both")
    if trunk.from_host:
        notes.add(K.OUTBOUND_OPTIONS, oid, f"{p}.from_host",
                  f"the From host “{shown(trunk.from_host)}” is not kept: registering lets LiveKit "
                  "choose the From host")
    _header_options(trunk, notes, oid, p)
    return fields


def outbound_extras(trunk: SIPOutboundTrunkInfo, notes: Notes) -> tuple[dict[str, str], dict[str, str], str]:
    """The outbound trunk's headers, header mapping and encryption, checked like the inbound ones:
    the document has one of each for both trunks, so the caller compares them."""
    oid, p = trunk.sip_trunk_id, "outbound_trunk"
    headers = read_headers(trunk.headers, notes, oid, f"{p}.headers")
    mapping = read_header_attributes(trunk.headers_to_attributes, notes, oid, f"{p}.headers_to_attributes")
    return headers, mapping, read_media(trunk, notes, oid, p)
