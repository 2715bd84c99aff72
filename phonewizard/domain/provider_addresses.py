"""Per-provider outbound-address rules and the builders the UI uses to compose a host.

Only Telnyx has a shared outbound host; Twilio, Vonage and Bandwidth need a per-trunk host
(reference/providers.md §0.1, §2.1). The seed's examples (`pstn.twilio.com`, `sip-us.vonage.com`)
are only suffixes, so those bare forms are errors that ask for the missing trunk part.
"""

from __future__ import annotations

import re

VONAGE_HINT = (
    "Vonage Elastic SIP Trunking requires your trunk domain in the outbound_address. "
    "Format: {your-trunk-domain}.sip-{region}.vonage.com "
    "Example: mrassistant-developer.sip-us.vonage.com "
    "Find this in Vonage Dashboard → SIP Trunks → Your Trunk → Outbound Calling section."
)

TWILIO_EDGES = ("ashburn", "umatilla", "dublin", "frankfurt", "singapore", "tokyo", "sao-paulo", "sydney")
VONAGE_REGIONS = ("us", "eu", "ap")
# Telnyx's shared hosts: the regional ones of its "SIP Info" table, then the SRV names of its "SRV
# Records" page (which resolve to the same regions' addresses). provider_facts.py has the sources.
TELNYX_HOSTS = {
    "us": "sip.telnyx.com",
    "eu": "sip.telnyx.eu",
    "au": "sip.telnyx.com.au",
    "ca": "sip.telnyx.ca",
    "asia": "sip.telnyx.asia",
    "eu-srv": "sip-eu.telnyx.com",
    "ca-srv": "sip-ca.telnyx.com",
    "au-srv": "sip-au.telnyx.com",
}
# Vonage's API takes trunk (domain) names of 5–32 letters, digits or dashes (provider_facts.py:
# vonage.trunk_name_length); a longer or shorter name cannot be a real trunk's host.
VONAGE_NAME_LENGTH = (5, 32)

_TWILIO = re.compile(r"^[a-z0-9][a-z0-9-]*\.pstn(\.[a-z0-9-]+)?\.twilio\.com$")
_VONAGE = re.compile(r"^[a-z0-9-]{5,32}\.sip-(us|eu|ap)\.vonage\.com$")
_VONAGE_NAME = re.compile(r"[a-z0-9-]{5,32}")
_BANDWIDTH = re.compile(r"^([a-z0-9-]+\.)+auth\.bandwidth\.com$")
_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def outbound_host_problem(provider: str, host: str) -> tuple[str, str] | None:
    """('error'|'warning', message) when `host` does not fit the provider, else None.

    `host` is already a syntactically valid host name or IP (sip_addresses.check_host).
    """
    host = host.lower()
    if provider == "twilio":
        if host in ("pstn.twilio.com",) or re.fullmatch(r"pstn\.[a-z0-9-]+\.twilio\.com", host):
            return "error", (
                "add your trunk's Termination SIP URI name in front: {name}.pstn.twilio.com, "
                "e.g. mytrunk.pstn.twilio.com (Twilio Console → Elastic SIP Trunking → your trunk → "
                "Termination)"
            )
        if not _TWILIO.match(host):
            return "error", (
                "a Twilio termination address ends in pstn.twilio.com, e.g. mytrunk.pstn.twilio.com "
                "or mytrunk.pstn.frankfurt.twilio.com for an edge location"
            )
    elif provider == "vonage":
        if not _VONAGE.match(host):
            name = host.split(".", 1)[0]
            if re.fullmatch(r"[a-z0-9-]+\.sip-(us|eu|ap)\.vonage\.com", host) and not _VONAGE_NAME.fullmatch(name):
                return "error", _vonage_length_message(name)
            return "error", VONAGE_HINT
    elif provider == "telnyx":
        if host not in TELNYX_HOSTS.values():
            hosts = ", ".join(TELNYX_HOSTS.values())
            return "error", f"Telnyx's outbound host is one of {hosts} (sip.telnyx.com in the US)"
    elif provider == "bandwidth":
        if not _BANDWIDTH.match(host):
            return "warning", (
                "Bandwidth outbound addresses are usually your SIP realm, {realm}.{hash}.auth.bandwidth.com "
                "(Account → SIP Credentials → Manage Realms); check this address"
            )
    return None


def twilio_address(trunk_name: str, edge: str | None = None) -> str:
    """`{name}.pstn.twilio.com` or `{name}.pstn.{edge}.twilio.com`; raises ValueError on bad input."""
    name = trunk_name.strip().lower()
    if not _NAME.match(name):
        raise ValueError("the trunk name may contain letters, digits and inner '-' only")
    if edge:
        edge = edge.strip().lower()
        if not re.fullmatch(r"[a-z0-9-]+", edge):
            raise ValueError(f"unknown Twilio edge '{edge}'")
        return f"{name}.pstn.{edge}.twilio.com"
    return f"{name}.pstn.twilio.com"


def vonage_address(domain: str, region: str = "us") -> str:
    """`{domain}.sip-{region}.vonage.com`; raises ValueError on bad input."""
    name = domain.strip().lower()
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError("the Vonage trunk domain may contain letters, digits and '-' only")
    if not _VONAGE_NAME.fullmatch(name):
        raise ValueError(_vonage_length_message(name))
    if region not in VONAGE_REGIONS:
        raise ValueError(f"Vonage region must be one of {', '.join(VONAGE_REGIONS)}")
    return f"{name}.sip-{region}.vonage.com"


# Vonage's nearest SIP region by ITU world zone (the first digit of the country code), refined
# where a zone spans two regions: 90 Turkey, 96–98 the Middle East and Iran, 99 Central Asia are
# nearer Europe; 91–95 (India to Myanmar) Asia-Pacific. Zone 2 (Africa) and 7 (Russia) → Europe,
# zone 5 (Latin America) → the US. A suggestion the user can change, not a rule.
_VONAGE_ZONE = {"1": "us", "2": "eu", "3": "eu", "4": "eu", "5": "us", "6": "ap", "7": "eu", "8": "ap"}
_VONAGE_ZONE_9 = {"0": "eu", "1": "ap", "2": "ap", "3": "ap", "4": "ap", "5": "ap", "6": "eu", "7": "eu",
                  "8": "eu", "9": "eu"}


def vonage_region_for(phone_number: str) -> str | None:
    """The Vonage region nearest a +E.164 number (`+442071838750` → "eu"), or None when the text
    is not such a number yet."""
    text = phone_number.strip()
    if not re.fullmatch(r"\+[1-9]\d{5,14}", text):
        return None
    zone = text[1]
    return _VONAGE_ZONE_9[text[2]] if zone == "9" else _VONAGE_ZONE[zone]


def _vonage_length_message(name: str) -> str:
    low, high = VONAGE_NAME_LENGTH
    return (
        f"a Vonage trunk domain has {low}–{high} characters ('{name[:40]}' has {len(name)}); copy it "
        "from Vonage Dashboard → SIP Trunks → your trunk"
    )


def telnyx_address(region: str = "us") -> str:
    """Telnyx's shared signalling host for a region (us, eu, au, ca, asia, or eu-srv, ca-srv,
    au-srv for the SRV names)."""
    try:
        return TELNYX_HOSTS[region]
    except KeyError:
        raise ValueError(f"Telnyx region must be one of {', '.join(TELNYX_HOSTS)}") from None
