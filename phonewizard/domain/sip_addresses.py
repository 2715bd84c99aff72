"""SIP address parsing: inbound allowed addresses, outbound host[:port], SIP/tel URIs.

LiveKit is unforgiving in two quiet ways (reference/livekit-sip.md §1.1, §1.2): an
`allowed_addresses` entry containing `://`, `;`, `,`, spaces and similar is silently dropped at call
time (and if all are dropped the trunk accepts every source), and an outbound `address` that looks
like a SIP URI is refused. So entries are parsed strictly here, and a pasted
`sip:host;transport=tcp` is turned into the bare host plus a transport before LiveKit sees it.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*\.?$")
_TRANSPORT_PARAM = re.compile(r"(?i)(?:^|;)\s*transport\s*=\s*([a-z]+)")
_TRANSPORTS = {"udp": "UDP", "tcp": "TCP", "tls": "TLS"}
_MAX = 300


class AddressError(ValueError):
    """Unusable address; str() is the message for the user."""


def is_hostname(text: str) -> bool:
    """RFC 1123 host name: labels of letters, digits and inner hyphens, at most 253 chars.

    An all-numeric dotted name such as 10.0.0.300 is not accepted as a host name: it is a
    mistyped IP address, and saying so is more useful than looking it up in DNS.
    """
    if not _HOSTNAME.match(text):
        return False
    return not re.fullmatch(r"[0-9.]+", text)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_allowed_address(text: str) -> str:
    """One inbound `allowed_addresses` entry: IP, CIDR (strict), `[v6]` or host name.

    Returns the normalised form (brackets stripped, IPv6 compressed).
    """
    text = text.strip()
    if not text:
        raise AddressError("empty entry; remove it or enter an IP address, CIDR range or host name")
    if len(text) > _MAX:
        raise AddressError("is too long for an address")
    if "://" in text or text.lower().startswith(("sip:", "sips:")):
        raise AddressError(
            "enter only the IP address, range or host name, without a scheme such as sip: or "
            "https:// (LiveKit silently ignores such entries)"
        )
    for char, name in ((" ", "spaces"), ("\t", "tabs"), (";", "';'"), (",", "','"), ("@", "'@'")):
        if char in text:
            hint = " — put each address in its own entry" if char in ", \t" else ""
            raise AddressError(
                f"must not contain {name}{hint}; LiveKit silently ignores such entries "
                "(and if every entry is ignored the trunk accepts calls from anywhere)"
            )
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "/" in text:
        try:
            return str(ipaddress.ip_network(text, strict=True))
        except ValueError as exc:
            raise AddressError(_cidr_message(text, exc)) from None
    ip = _ip(text)
    if ip is not None:
        return str(ip)
    if ":" in text:
        raise AddressError("is not a valid IPv6 address; a port is not allowed here")
    if re.fullmatch(r"[0-9.]+", text):
        raise AddressError("is not a valid IPv4 address (four numbers 0-255, e.g. 203.0.113.10)")
    if not is_hostname(text):
        raise AddressError(
            "is not an IP address, CIDR range (e.g. 203.0.113.0/24) or host name (e.g. sip.example.com)"
        )
    return text.lower().rstrip(".")


def _cidr_message(text: str, exc: ValueError) -> str:
    if "has host bits set" in str(exc):
        network = ipaddress.ip_network(text, strict=False)
        return f"has host bits set; the range starting there is {network} — enter that instead"
    return "is not a valid CIDR range; write it as address/prefix, e.g. 203.0.113.0/24 (prefix 0-32) or 2001:db8::/32"


@dataclass(frozen=True)
class OutboundAddress:
    """A normalised outbound address and what the normalisation found."""

    address: str  # host or host:port, as LiveKit wants it
    transport: str | None  # 'UDP'/'TCP'/'TLS' when the pasted text named one (sips: means TLS)
    was_uri: bool  # the input was a SIP URI (or carried parameters) and has been reduced


def split_host_port(text: str) -> tuple[str, int | None]:
    """Split `host[:port]` / `[v6][:port]`, checking the port. Raises AddressError."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise AddressError("has an opening '[' without a closing ']'")
        host, rest = text[1:end], text[end + 1 :]
        if host and _ip(host) is None:
            raise AddressError("the part in [ ] must be an IPv6 address")
        if rest and not rest.startswith(":"):
            raise AddressError("unexpected text after ']'")
        port_text = rest[1:] if rest else None
    elif text.count(":") > 1:
        if _ip(text) is None:
            raise AddressError("is not a valid IPv6 address")
        return text, None
    else:
        host, _, port_text = text.partition(":")
        port_text = port_text if ":" in text else None
    port = None
    if port_text is not None:
        if not port_text.isdigit() or not port_text.isascii() or not 1 <= int(port_text) <= 65535:
            raise AddressError("the port after ':' must be a number from 1 to 65535, e.g. :5060")
        port = int(port_text)
    return host, port


def check_host(host: str) -> str:
    """A host name or IP literal; returns it lower-cased. Raises AddressError."""
    if not host:
        raise AddressError("enter a host name, e.g. sip.example.com")
    if _ip(host) is not None:
        return str(_ip(host))
    if re.fullmatch(r"[0-9.]+", host):
        raise AddressError("is not a valid IPv4 address (four numbers 0-255)")
    if not is_hostname(host):
        raise AddressError("is not a valid host name; use letters, digits, '-' and '.', e.g. sip.example.com")
    return host.lower().rstrip(".")


def normalise_outbound_address(text: str) -> OutboundAddress:
    """Reduce a pasted `sip:user@host:port;transport=tcp` (or `<sips:…>`) to `host[:port]`.

    Raises AddressError when what remains is not a host[:port].
    """
    raw = text.strip()
    if not raw:
        raise AddressError("enter the provider's host name, e.g. sip.telnyx.com")
    if len(raw) > _MAX:
        raise AddressError("is too long for a host name")
    text = raw[1:-1].strip() if raw.startswith("<") and raw.endswith(">") else raw
    transport = None
    lowered = text.lower()
    if "://" in text and not lowered.startswith(("sip://", "sips://")):
        raise AddressError("enter the SIP host only (e.g. sip.telnyx.com), not a web address")
    for scheme in ("sips://", "sip://", "sips:", "sip:"):
        if lowered.startswith(scheme):
            text = text[len(scheme) :]
            transport = "TLS" if scheme.startswith("sips") else None
            break
    text, _, params = text.partition(";")
    text = text.split("?", 1)[0]
    match = _TRANSPORT_PARAM.search(";" + params) if params else None
    if match:
        name = match.group(1).lower()
        if name not in _TRANSPORTS:
            raise AddressError(f"unknown transport '{match.group(1)}'; use udp, tcp or tls")
        transport = transport or _TRANSPORTS[name]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = text.rstrip("/")
    if any(c.isspace() for c in text):
        raise AddressError("must not contain spaces; enter a host name such as sip.telnyx.com")
    host, port = split_host_port(text)
    host = check_host(host)
    shown = f"[{host}]" if ":" in host and port is not None else host
    address = f"{shown}:{port}" if port is not None else shown
    return OutboundAddress(address=address, transport=transport, was_uri=address != raw)


def sip_domain(sip_uri: str | None) -> str | None:
    """'sip:abc.sip.livekit.cloud;transport=tcp' → 'abc.sip.livekit.cloud'."""
    if not sip_uri:
        return None
    host = sip_uri.strip()
    for scheme in ("sips:", "sip:"):
        if host.lower().startswith(scheme):
            host = host[len(scheme):]
    host = host.split(";", 1)[0].split("@")[-1].strip("/")
    return host or None


def host_of(address: str) -> str:
    """Host part of a normalised `host[:port]`."""
    try:
        return split_host_port(address)[0]
    except AddressError:
        return address


@dataclass(frozen=True)
class SipTarget:
    """A transfer destination: either a tel: number or a sip:/sips: URI."""

    scheme: str  # 'tel', 'sip' or 'sips'
    user: str
    host: str | None


def split_uri(text: str) -> SipTarget:
    """Split `tel:+1…`, `sip:user@host[:port]` or `sips:…` (parameters ignored). Raises AddressError."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    scheme, sep, rest = text.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in ("tel", "sip", "sips"):
        raise AddressError(
            "must be a tel: or sip: address, e.g. tel:+15105550100 or sip:support@pbx.example.com"
        )
    if scheme == "tel":
        return SipTarget("tel", rest.split(";", 1)[0].strip(), None)
    rest = rest.split(";", 1)[0].split("?", 1)[0]
    user, at, hostport = rest.rpartition("@")
    if not at or not user:
        raise AddressError(f"a {scheme}: address needs user@host, e.g. {scheme}:support@pbx.example.com")
    if any(c.isspace() for c in rest):
        raise AddressError("must not contain spaces")
    host, port = split_host_port(hostport)
    host = check_host(host)
    return SipTarget(scheme, user, f"{host}:{port}" if port else host)
