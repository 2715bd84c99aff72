"""Source-address filters of an inbound trunk (``allowed_addresses``), as LiveKit applies them.

Port of livekit/protocol ``sip/sip.go`` ``isValidMask``, ``filterInvalidAddrMasks``,
``matchAddrMask`` and ``matchAddrMasks``, with Go's ``net/netip`` parsing rules where Python's
``ipaddress`` differs (no leading-zero prefix lengths, no ``/255.255.255.0`` netmasks, no zone in
a prefix, a zoned address never inside a prefix). Traps reproduced on purpose:

- an entry with a space, comma, ``+``, ``*``, ``;``, brackets or ``://`` is silently ignored;
- when every entry is ignored the trunk accepts every source;
- a source IP that does not parse passes every filter;
- a host name matches only the From header's host, it is never resolved.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_INVALID_CHARS = frozenset("()+*;, \t\n\r")


def parse_addr(text: str) -> IPAddress | None:
    """Go's ``netip.ParseAddr``: an IPv4 or IPv6 address (IPv6 may carry a %zone), else None."""
    if not text or not text.isascii() or text.startswith("[") or "/" in text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def parse_prefix(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """Go's ``netip.ParsePrefix``: ``addr/bits`` with host bits allowed (``10.0.0.5/24``), bits
    written without sign or leading zero, no zone; None when Go would refuse it."""
    addr_text, sep, bits = text.rpartition("/")
    if not sep or not bits.isascii() or not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
        return None
    addr = parse_addr(addr_text)
    if addr is None or getattr(addr, "scope_id", None):
        return None
    if int(bits) > addr.max_prefixlen:
        return None
    return ipaddress.ip_network(f"{addr}/{bits}", strict=False)


def is_valid_mask(mask: str) -> bool:
    """``isValidMask``: entries LiveKit keeps. Anything else is dropped without a word."""
    if any(c in _INVALID_CHARS for c in mask):
        return False
    return "://" not in mask


def filter_invalid_addr_masks(masks: Sequence[str]) -> list[str]:
    """``filterInvalidAddrMasks``."""
    return [m for m in masks if is_valid_mask(m)]


def match_addr_mask(ip: IPAddress, mask: str) -> bool:
    """``matchAddrMask``: an exact address, or a prefix containing `ip`."""
    if "/" not in mask:
        expected = parse_addr(mask)
        return expected is not None and ip == expected
    prefix = parse_prefix(mask)
    if prefix is None or getattr(ip, "scope_id", None):
        return False  # netip.Prefix.Contains is false for a zoned address
    return ip.version == prefix.version and ip in prefix


def match_addr_masks(addr: str, host: str, masks: Sequence[str]) -> bool:
    """``matchAddrMasks``: does a call from `addr` (From host `host`) pass `allowed_addresses`?"""
    ip = parse_addr(addr)
    if ip is None:
        return True  # LiveKit lets an unparsable source address through
    kept = filter_invalid_addr_masks(masks)
    if not kept:
        return True  # no filter, or every entry was invalid: any source
    return any(mask == host or match_addr_mask(ip, mask) for mask in kept)


def host_entries(masks: Sequence[str]) -> list[str]:
    """Kept entries that are neither an address nor a range: LiveKit compares them with the From
    header's host."""
    return [m for m in filter_invalid_addr_masks(masks) if "/" not in m and parse_addr(m) is None]
