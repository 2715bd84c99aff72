"""Hypothesis strategies for valid registrations of every provider, and what LiveKit stores for a
plan (the objects the registrar leaves behind), shared by the reverse-mapping and inventory tests.

`configs()` draws raw config documents built to pass `check_config` (each provider with its own
valid outbound hosts, credentials where Vonage or inbound digest auth need them, a destination
country whenever a number is Indian); tests still `assume(report.ok)` for the rare leftovers.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from livekit.protocol.sip import SIPDispatchRuleInfo, SIPInboundTrunkInfo, SIPOutboundTrunkInfo

from phonewizard.domain.livekit_objects import PhoneNumberInfo, RegistrationObjects
from phonewizard.domain.plan import RegistrationPlan
from phonewizard.domain.provider_addresses import TELNYX_HOSTS

PASSWORD = "Sup3r-Secret-Pa55"
PROFILE = {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123", "sip_uri": "sip:abc123.sip.livekit.cloud"}
US = ["+14155550101", "+14155550102", "+12125550100"]
NUMBERS = US + ["+442071838750", "+919876543210", "+4930123456789"]
HOSTS = {
    "twilio": ["acme.pstn.twilio.com", "acme-2.pstn.frankfurt.twilio.com"],
    "vonage": ["mrassistant-developer.sip-us.vonage.com", "acme.sip-eu.vonage.com"],
    "telnyx": list(TELNYX_HOSTS.values()),
    "bandwidth": ["realm1.abc123.auth.bandwidth.com"],
    "custom": ["sip.example.net", "203.0.113.5:5080", "[2001:db8::1]:5061", "pbx.example.org"],
}
PROVIDERS = ["livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"]

_text = st.text("abcXYZ019 -_.", max_size=10)
_json_leaf = st.none() | st.booleans() | st.integers(-5, 5) | _text
_json = st.recursive(_json_leaf, lambda inner: st.lists(inner, max_size=2) | st.dictionaries(_text, inner, max_size=2),
                     max_leaves=4)
_transfer_target = st.sampled_from(["tel:+14155550199", "+442071838751", "sip:desk@pbx.example.org",
                                    "sips:ops@example.com"])


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def registrations(draw: st.DrawFn, provider: str | None = None) -> dict[str, Any]:
    provider = provider or draw(st.sampled_from(PROVIDERS))
    livekit = provider == "livekit"
    phone = draw(st.sampled_from(US if livekit else NUMBERS))
    reg: dict[str, Any] = {"phone_number": phone, "provider": provider}
    fields = {
        "trunk_numbers": _optional(st.lists(st.sampled_from(NUMBERS), unique=True, max_size=2).map(lambda xs: [phone, *[x for x in xs if x != phone]])),
        "allowed_addresses": _optional(st.lists(st.sampled_from(["192.76.120.10", "64.16.250.0/24", "sip.example.net", "2001:db8::/32"]), unique=True, max_size=2)),
        "allowed_numbers": _optional(st.lists(st.sampled_from(NUMBERS), unique=True, max_size=2)),
        "outbound_transport": _optional(st.sampled_from(["AUTO", "UDP", "TCP", "TLS"])),
        "media_encryption": _optional(st.sampled_from(["DISABLE", "ALLOW", "REQUIRE"])),
        "krisp_enabled": _optional(st.booleans()),
        "ringing_timeout_seconds": _optional(st.integers(1, 300)),
        "max_call_duration_seconds": _optional(st.integers(60, 86400)),
        "hide_phone_number": _optional(st.booleans()),
        "custom_headers": _optional(st.dictionaries(st.sampled_from(["X-Customer", "X-Tier", "X-Telnyx-Username"]),
                                                    st.text("abc123 ", max_size=8), max_size=2)),
        "headers_to_attributes": _optional(st.dictionaries(st.sampled_from(["X-Region", "X-Lang"]),
                                                           st.sampled_from(["region", "lang.code"]), max_size=2)),
        "dtmf_config": _optional(st.fixed_dictionaries({}, optional={
            "auto_navigate_ivr": st.booleans(), "dtmf_sequence": st.text("0123456789*#ABCDw", max_size=6),
            "dtmf_timeout": st.integers(1, 300), "ivr_detection": st.booleans()})),
        "transfer_config": _optional(st.fixed_dictionaries({}, optional={
            "allowed_destinations": st.lists(_transfer_target, unique=True, max_size=2),
            "cold_transfer_enabled": st.booleans(), "requires_confirmation": st.booleans(),
            "supervisor_phone": _optional(_transfer_target), "warm_transfer_enabled": st.booleans()})),
        "agent_features": _optional(st.fixed_dictionaries({}, optional={
            k: st.booleans() for k in ("call_screening", "recording_enabled", "sentiment_analysis", "transcription_enabled")})),
        "metadata": _optional(st.dictionaries(_text, _json, max_size=2)),
    }
    for name, strategy in fields.items():
        value = draw(strategy)
        if value is not None:
            reg[name] = value
    credentials = draw(st.booleans())
    digest = draw(st.booleans()) and credentials
    extra_config = draw(st.dictionaries(st.sampled_from(["region", "note"]), _text, max_size=1))
    if credentials:
        reg.update(auth_username=draw(st.sampled_from(["alice", "User.Key-9"])), auth_password=PASSWORD)
    if digest or extra_config:
        reg["provider_config"] = {**extra_config, **({"inbound_digest_auth": True} if digest else {})}
    if not livekit:
        outbound = draw(st.booleans())
        if outbound or draw(st.booleans()):
            reg["outbound_address"] = draw(st.sampled_from(HOSTS[provider]))
        if outbound:
            reg["enable_outbound"] = True
            reg["outbound_numbers"] = draw(_optional(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=2, unique=True)))
            if reg["outbound_numbers"] is None:
                del reg["outbound_numbers"]
            if provider == "vonage":
                reg.update(auth_username=reg.get("auth_username", "vonage-key"), auth_password=PASSWORD)
    indian = any(n.startswith("+91") for n in [phone, *reg.get("trunk_numbers", []), *reg.get("outbound_numbers", [])])
    country = draw(_optional(st.sampled_from(["US", "gb", "IN"])))
    if indian:
        country = "IN"
    if country:
        reg["destination_country"] = country
    return reg


@st.composite
def configs(draw: st.DrawFn, provider: str | None = None) -> dict[str, Any]:
    agent = draw(st.sampled_from(["my-agent", "Support_Bot.v2", "inbound-agent", "a"]))
    return {"format": "phonewizard/1", "agent_name": agent, "livekit": dict(PROFILE),
            "registration": draw(registrations(provider))}


def stored_objects(p: RegistrationPlan, suffix: str = "1") -> RegistrationObjects:
    """What LiveKit holds after the registrar applied `p`: the requests' messages with the IDs
    LiveKit assigned, the rule naming the inbound trunk, a LiveKit number attached to the rule."""
    inbound, outbound = (), ()
    rule = SIPDispatchRuleInfo()
    rule.CopyFrom(p.dispatch.dispatch_rule)
    rule.sip_dispatch_rule_id = f"SDR_rule{suffix}"
    rule.media.SetInParent()  # LiveKit's Upgrade() materialises `media` on the stored rule
    if p.inbound is not None:
        trunk = SIPInboundTrunkInfo()
        trunk.CopyFrom(p.inbound.trunk)
        trunk.sip_trunk_id = f"ST_in{suffix}"
        inbound = (trunk,)
        rule.trunk_ids[:] = [trunk.sip_trunk_id]
    if p.outbound is not None:
        out = SIPOutboundTrunkInfo()
        out.CopyFrom(p.outbound.trunk)
        out.sip_trunk_id = f"ST_out{suffix}"
        outbound = (out,)
    numbers = ()
    if p.attach_number:
        numbers = (PhoneNumberInfo(f"PN_{suffix}", p.attach_number, (rule.sip_dispatch_rule_id,),
                                   "PHONE_NUMBER_STATUS_ACTIVE"),)
    return RegistrationObjects(p.phone_number, inbound, outbound, (rule,), numbers)
