"""What `phonewizard probe` tries for a SIP URI: the host, and each transport with its port.

`sip:host` → UDP 5060, TCP 5060 and TLS 5061 (the ports LiveKit's SIP service listens on,
reference/livekit-sip.md §6). A port in the URI replaces 5060 for UDP and TCP (TLS keeps 5061: a
plain SIP port never speaks TLS). `;transport=udp|tcp|tls` probes only that transport, on the
URI's port or that transport's default; `sips:` means TLS only. A bare host (what some carrier
portals call the "SIP endpoint") is read as `sip:host`. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from phonewizard.domain.sip_addresses import AddressError, check_host, split_host_port

Transport = Literal["udp", "tcp", "tls"]
SIP_PORT, SIPS_PORT = 5060, 5061
_TRANSPORT = re.compile(r"(?i)(?:^|;)\s*transport\s*=\s*([a-z]+)")
_MAX = 300


@dataclass(frozen=True)
class ProbeTarget:
    uri: str  # as given, trimmed
    host: str
    attempts: tuple[tuple[Transport, int], ...]  # in the order they are tried

    def describe(self) -> str:
        return ", ".join(f"{t.upper()} {p}" for t, p in self.attempts)


def probe_target(text: str) -> ProbeTarget:
    """Parse a SIP URI (or bare host) for the probe; AddressError says what is wrong."""
    raw = (text or "").strip()
    if not raw:
        raise AddressError("give a SIP URI such as sip:abc123.sip.livekit.cloud")
    if len(raw) > _MAX or any(c.isspace() or ord(c) < 32 for c in raw):
        raise AddressError("is not a SIP URI: no spaces or control characters, at most 300 characters")
    body = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else raw
    lowered = body.lower()
    if "://" in body:
        raise AddressError("give a SIP URI (sip:host), not a web address")
    scheme = "sips" if lowered.startswith("sips:") else "sip"
    if lowered.startswith(("sip:", "sips:")):
        body = body.split(":", 1)[1]
    hostport, _, params = body.partition(";")
    hostport = hostport.split("?", 1)[0].rsplit("@", 1)[-1]
    host, port = split_host_port(hostport)
    host = check_host(host)
    match = _TRANSPORT.search(";" + params) if params else None
    if scheme == "sips":
        attempts: list[tuple[Transport, int]] = [("tls", port or SIPS_PORT)]
    elif match:
        name = match.group(1).lower()
        if name not in ("udp", "tcp", "tls"):
            raise AddressError(f"unknown transport “{match.group(1)}”; use udp, tcp or tls")
        attempts = [(name, port or (SIPS_PORT if name == "tls" else SIP_PORT))]  # type: ignore[list-item]
    else:
        attempts = [("udp", port or SIP_PORT), ("tcp", port or SIP_PORT), ("tls", SIPS_PORT)]
    return ProbeTarget(raw, host, tuple(attempts))
