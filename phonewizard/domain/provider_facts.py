"""The provider catalog's sources: every carrier fact phonewizard relies on, where it comes from and
when it was last checked.

Carrier facts drift (signalling addresses move, consoles are renamed, features arrive), and a stale
one makes a call fail silently. So each fact the wizard uses is a `CarrierFact` here, with its
`Source` and a `Checked` record saying when and how it was last confirmed:
- `how="re-checked"`: read again in a stored copy of the source on that date;
- `how="reference"`: taken from /work/shared/reference/providers.md (or livekit-sip.md), dated by
  the date that file gives its copy of the source (its LiveKit pages are the 2026-08-24 render, and
  its carrier pages, stored 2025–2026-09, carry no date of their own: they are dated 2026-08-24 too,
  the conservative choice, so they show up for re-checking first);
- `date=None`: reported by the issue-13 audit but not found in any copy available here.
docs/carrier-facts.md lists the same facts for people; fact_notes.py turns them into hint lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Topic = Literal["numbers", "signalling", "digest", "outbound", "transfer", "steps", "routing", "credentials"]

EXTERNAL = ("twilio", "vonage", "telnyx", "bandwidth", "custom")
ALL = ("livekit", *EXTERNAL)


@dataclass(frozen=True)
class Source:
    title: str
    where: str  # a URL, or a reference such as "reference/providers.md [19]"


@dataclass(frozen=True)
class Checked:
    date: date | None  # None: not confirmed against any copy available here
    how: Literal["re-checked", "reference", "unconfirmed"]


@dataclass(frozen=True)
class CarrierFact:
    key: str
    providers: tuple[str, ...]
    topics: tuple[Topic, ...]
    claim: str  # what the wizard relies on, in one line
    source: Source
    checked: Checked


TODAY_RECHECK = Checked(date(2026, 11, 30), "re-checked")
REFERENCE = Checked(date(2026, 8, 24), "reference")
UNCONFIRMED = Checked(None, "unconfirmed")

_LK = "https://docs.livekit.io"
LK_TWILIO = Source("LiveKit, “Create and configure a Twilio SIP trunk”", f"{_LK}/telephony/start/providers/twilio.md")
LK_TELNYX = Source("LiveKit, “Create and configure Telnyx SIP trunk”", f"{_LK}/telephony/start/providers/telnyx.md")
LK_INBOUND = Source("LiveKit, “Inbound trunk”", f"{_LK}/telephony/accepting-calls/inbound-trunk.md")
LK_COLD = Source("LiveKit, “Call forwarding” (cold transfer)", f"{_LK}/telephony/features/transfers/cold.md")
LK_WARM = Source("LiveKit, “WarmTransferTask” (agent-assisted transfer)", f"{_LK}/agents/prebuilt/tasks/warm-transfer.md")
LK_NUMBERS = Source("LiveKit, “LiveKit Phone Numbers”", f"{_LK}/telephony/start/phone-numbers.md")
LK_SETUP = Source("LiveKit, “SIP trunk setup”", f"{_LK}/telephony/start/sip-trunk-setup.md")
LK_REGIONS = Source("LiveKit, “Regions, regional endpoints, and static IPs”", f"{_LK}/deploy/admin/regions/endpoints.md")
LK_SIP_GO = Source("livekit/protocol sip/sip.go @ d74e7cd", "https://github.com/livekit/protocol/blob/d74e7cd/sip/sip.go")
LK_PHONE_PROTO = Source(
    "livekit/protocol livekit_phone_number.proto @ d74e7cd",
    "https://github.com/livekit/protocol/blob/d74e7cd/protobufs/livekit_phone_number.proto",
)
AGENTS_5847 = Source("livekit/agents issue #5847", "https://github.com/livekit/agents/issues/5847")
TWILIO_IPS = Source("Twilio, “IP Addresses for Elastic SIP Trunking Services”", "https://www.twilio.com/docs/sip-trunking/ip-addresses")
TWILIO_SIP_BEST = Source(
    "Twilio, “Sending SIP to Twilio – Best Practices”",
    "https://www.twilio.com/docs/sip-trunking/sending-sip-to-twilio-best-practices",
)
TWILIO_CREDENTIALS = Source("Twilio SIP Credential resource (password and username rules)", "reference/providers.md [19]")
TELNYX_SIP_INFO = Source("Telnyx, “SIP Info” (SIP signaling addresses)", "https://sipdev.telnyx.com/")
TELNYX_FAILOVER = Source(
    "Telnyx, “Failover and Retries”",
    "https://developers.telnyx.com/docs/voice/sip-trunking/routing/failover-and-retries",
)
TELNYX_SRV = Source(
    "Telnyx, “SRV Records”",
    "https://developers.telnyx.com/docs/voice/sip-trunking/network-configuration/srv-records",
)
VONAGE_TECH = Source("Vonage, SIP Trunking “Technical Details”", "https://developer.vonage.com/en/sip/technical-details")
VONAGE_NUMBERS = Source("Vonage, Voice API “Numbers”", "https://developer.vonage.com/en/voice/voice-api/guides/numbers")
VONAGE_WALKTHROUGHS = Source("Vonage walkthroughs by Daily and PortSIP (secondary)", "reference/providers.md [27]")
VONAGE_BYOC = Source("Google CCAI “BYOC IP allow list” (secondary)", "reference/providers.md [17]")
BANDWIDTH_ELEVENLABS = Source(
    "ElevenLabs, “Bandwidth SIP trunking”",
    "https://elevenlabs.io/docs/eleven-agents/phone-numbers/telephony/bandwidth.md",
)
BANDWIDTH_APP = Source("Bandwidth App, Account › Trunk Group Configurations", "issue 13 (audit of the carrier facts)")


def _fact(key: str, providers: tuple[str, ...] | str, topics: tuple[Topic, ...], claim: str,
          source: Source, checked: Checked) -> CarrierFact:
    if isinstance(providers, str):
        providers = (providers,)
    return CarrierFact(key, providers, topics, claim, source, checked)


FACTS: tuple[CarrierFact, ...] = (
    # ---- LiveKit itself (every carrier) ------------------------------------------------------
    _fact("livekit.trunk_numbers_plus", EXTERNAL, ("numbers",),
          "an inbound trunk's numbers match with or without the leading +", LK_SIP_GO, TODAY_RECHECK),
    _fact("livekit.allowed_addresses_support", EXTERNAL, ("signalling",),
          "on LiveKit Cloud, allowed_addresses works only once LiveKit support has enabled it",
          LK_INBOUND, REFERENCE),
    _fact("livekit.inbound_digest", EXTERNAL, ("digest",),
          "inbound username/password works only if the carrier answers the challenge; support varies",
          LK_INBOUND, TODAY_RECHECK),
    _fact("livekit.warm_transfer_outbound", ALL, ("transfer",),
          "warm transfer dials the supervisor through an outbound trunk", LK_WARM, TODAY_RECHECK),
    _fact("livekit.regional_endpoints", ("twilio", "telnyx"), ("steps",),
          "regional endpoints are <project>.<region>.sip.livekit.cloud", LK_REGIONS, REFERENCE),
    # ---- LiveKit Phone Numbers ----------------------------------------------------------------
    _fact("livekit.numbers_inbound_only", "livekit", ("numbers", "outbound"),
          "LiveKit Phone Numbers are US local and toll-free numbers for inbound calls only",
          LK_NUMBERS, TODAY_RECHECK),
    _fact("livekit.numbers_attachment", "livekit", ("routing", "steps"),
          "a LiveKit number is routed by attaching it to a dispatch rule (no inbound trunk)",
          LK_PHONE_PROTO, TODAY_RECHECK),
    _fact("livekit.rule_numbers_exact", "livekit", ("routing",),
          "a dispatch rule's numbers filter is an exact string match, and +E.164 plus bare digits in "
          "one rule collide", LK_SIP_GO, TODAY_RECHECK),
    _fact("livekit.rule_numbers_report", "livekit", ("routing",),
          "an open report says a rule's numbers filter never matched on LiveKit Cloud",
          AGENTS_5847, TODAY_RECHECK),
    _fact("livekit.numbers_no_transfer", "livekit", ("transfer",),
          "LiveKit Phone Numbers do not support TransferSIPParticipant (cold transfer) yet",
          LK_NUMBERS, UNCONFIRMED),
    # ---- Twilio ------------------------------------------------------------------------------
    _fact("twilio.signalling", "twilio", ("signalling",),
          "Twilio signals from eight published /30 ranges", TWILIO_IPS, REFERENCE),
    _fact("twilio.termination_host", "twilio", ("outbound",),
          "the termination host is {trunk}.pstn.twilio.com or {trunk}.pstn.{edge}.twilio.com",
          TWILIO_SIP_BEST, TODAY_RECHECK),
    _fact("twilio.no_digest", "twilio", ("digest",),
          "Twilio Elastic SIP Trunking cannot answer LiveKit's digest challenge", LK_INBOUND, TODAY_RECHECK),
    _fact("twilio.transfer", "twilio", ("transfer",),
          "transfers need Call Transfer (SIP REFER), and to phone numbers PSTN transfer too",
          LK_COLD, TODAY_RECHECK),
    _fact("twilio.credentials", "twilio", ("credentials",),
          "credential passwords need 12+ characters, a digit and both cases; usernames at most 32",
          TWILIO_CREDENTIALS, REFERENCE),
    _fact("twilio.console_steps", "twilio", ("steps", "numbers"),
          "Console steps, +E.164 numbers, and a regional fallback origination URI at priority 2",
          LK_TWILIO, REFERENCE),
    # ---- Telnyx ------------------------------------------------------------------------------
    _fact("telnyx.signalling", "telnyx", ("signalling", "outbound"),
          "signalling host/IP pairs per region, Asia (sip.telnyx.asia) in beta", TELNYX_SIP_INFO, TODAY_RECHECK),
    _fact("telnyx.failover_ips", "telnyx", ("signalling",),
          "other origination addresses for EU, CA and AU (5.172.39.x, 193.108.220.x, 103.135.104.x)",
          TELNYX_FAILOVER, TODAY_RECHECK),
    _fact("telnyx.srv_hosts", "telnyx", ("outbound", "signalling"),
          "SRV hosts sip-eu, sip-ca and sip-au.telnyx.com (sip-au listed as 193.108.104.x there)",
          TELNYX_SRV, TODAY_RECHECK),
    _fact("telnyx.number_format", "telnyx", ("numbers",),
          "set the connection's number format to +E.164", LK_TELNYX, TODAY_RECHECK),
    _fact("telnyx.portal_steps", "telnyx", ("steps", "outbound"),
          "Portal steps, and X-Telnyx-Username on outbound INVITEs", LK_TELNYX, REFERENCE),
    _fact("telnyx.fallback", "telnyx", ("steps",),
          "LiveKit suggests a regional endpoint as the secondary route", LK_TELNYX, UNCONFIRMED),
    # ---- Vonage ------------------------------------------------------------------------------
    _fact("vonage.signalling", "vonage", ("signalling",),
          "Vonage signals from 216.147.0–5.1 and .2", VONAGE_BYOC, REFERENCE),
    _fact("vonage.trunk_domain", "vonage", ("outbound",),
          "the termination host is {trunk-domain}.sip-{us|eu|ap}.vonage.com", VONAGE_TECH, REFERENCE),
    _fact("vonage.trunk_name_length", "vonage", ("outbound",),
          "trunk domain names are 5–32 letters, digits or dashes", VONAGE_WALKTHROUGHS, REFERENCE),
    _fact("vonage.number_format", "vonage", ("numbers",),
          "Vonage writes numbers without the + (14155550101)", VONAGE_NUMBERS, REFERENCE),
    _fact("vonage.inbound_uri", "vonage", ("steps",),
          "Inbound Calling → Add URI takes a host only, with no ;transport=", VONAGE_WALKTHROUGHS, REFERENCE),
    _fact("vonage.credentials", "vonage", ("credentials",),
          "the Secret needs 12–64 characters with a digit and both cases", VONAGE_WALKTHROUGHS, REFERENCE),
    # ---- Bandwidth ---------------------------------------------------------------------------
    _fact("bandwidth.signalling", "bandwidth", ("signalling",),
          "signalling addresses are published per account (Account › Trunk Group Configurations)",
          BANDWIDTH_APP, UNCONFIRMED),
    _fact("bandwidth.realm", "bandwidth", ("outbound", "steps", "numbers"),
          "the outbound address is the SIP credentials realm; numbers are +E.164",
          BANDWIDTH_ELEVENLABS, REFERENCE),
    # ---- Any other SIP provider --------------------------------------------------------------
    _fact("custom.generic_steps", "custom", ("steps",),
          "LiveKit's generic order: trunk, authentication, number, then the LiveKit SIP endpoint",
          LK_SETUP, TODAY_RECHECK),
)


def facts_for(provider: str, topics: tuple[Topic, ...] | frozenset[Topic] | None = None) -> list[CarrierFact]:
    """The facts a provider's configuration relies on, optionally only those about `topics`."""
    return [
        f for f in FACTS
        if provider in f.providers and (topics is None or any(t in topics for t in f.topics))
    ]
