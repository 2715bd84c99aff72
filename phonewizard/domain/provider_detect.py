"""Which carrier a hand-made set-up uses, recognised from what LiveKit's objects show.

phonewizard's own objects name their provider in the marker; objects made in the dashboard or
with `lk` do not, so the provider is read from the evidence, strongest first:
1. the outbound trunk's address: `*.twilio.com` → twilio, the `sip.telnyx.com` family (`.com`,
   `.eu`, `.com.au`, `.ca`, `.asia`) → telnyx, `*.vonage.com` → vonage, `*.bandwidth.com` →
   bandwidth (reference/providers.md §2 and provider_addresses.py);
2. carrier headers on a trunk: `X-Telnyx-*`, `X-Twilio-*`;
3. an inbound trunk whose allowed addresses all lie in one carrier's published signalling ranges;
otherwise `custom`. The reason is kept so the UI can say why a carrier was chosen.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable, Mapping

from phonewizard.domain.providers import PROVIDERS
from phonewizard.domain.sip_addresses import host_of

PROVIDER_IDS = frozenset(PROVIDERS)

# host suffix → provider; the leading dot keeps "nottwilio.com" out.
_HOST_SUFFIXES = (
    (".twilio.com", "twilio"),
    (".telnyx.com", "telnyx"), (".telnyx.eu", "telnyx"), (".telnyx.com.au", "telnyx"),
    (".telnyx.ca", "telnyx"), (".telnyx.asia", "telnyx"),
    (".vonage.com", "vonage"), (".nexmo.com", "vonage"),
    (".bandwidth.com", "bandwidth"),
)
_HEADER_PREFIXES = (("x-telnyx-", "telnyx"), ("x-twilio-", "twilio"))


@dataclass(frozen=True)
class Recognised:
    provider: str
    reason: str  # plain words, e.g. "outbound address mytrunk.pstn.twilio.com"


def provider_from_host(host: str) -> str | None:
    name = "." + host.lower().rstrip(".")
    for suffix, provider in _HOST_SUFFIXES:
        if name.endswith(suffix):
            return provider
    return None


def _networks(provider: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(r, strict=False) for r in PROVIDERS[provider].signalling_ranges]


_RANGES = {p: _networks(p) for p, info in PROVIDERS.items() if info.signalling_ranges}


def _provider_of_address(entry: str) -> str | None:
    try:
        net = ipaddress.ip_network(entry.strip("[]"), strict=False)
    except ValueError:
        return provider_from_host(entry)  # a host name entry, e.g. sip.telnyx.com
    for provider, nets in _RANGES.items():
        if any(net.version == n.version and net.subnet_of(n) for n in nets):  # type: ignore[arg-type]
            return provider
    return None


def recognise_provider(outbound_address: str | None = None,
                       headers: Iterable[Mapping[str, str]] = (),
                       allowed_addresses: Iterable[str] = ()) -> Recognised:
    """The provider that the evidence points to (see the module docstring), or custom."""
    if outbound_address:
        host = host_of(outbound_address)
        found = provider_from_host(host)
        if found:
            return Recognised(found, f"outbound address {outbound_address}")
    for mapping in headers:
        for name in mapping:
            for prefix, provider in _HEADER_PREFIXES:
                if name.lower().startswith(prefix):
                    return Recognised(provider, f"header {name}")
    entries = list(allowed_addresses)
    owners = {_provider_of_address(e) for e in entries}
    if entries and len(owners) == 1 and None not in owners:
        provider = owners.pop()
        assert provider is not None
        return Recognised(provider, f"allowed addresses are {PROVIDERS[provider].label}'s signalling IPs")
    return Recognised("custom", "no carrier-specific address, header or IP range")
