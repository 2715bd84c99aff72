"""The carrier half of the plan: what phonewizard will set up at Twilio or Telnyx, computed without I/O.

`carrier_plan(config)` returns a `TwilioPlan` or `TelnyxPlan` when `provider_config.carrier_setup`
asks for it (carrier_options.py), else None. It holds the desired state only; what already exists
at the carrier (a trunk to reuse, a number on another trunk) is found by the conflict check when
the run starts, before LiveKit is touched (services/carriers/). `describe()` feeds the review page
and `validate`, `to_json()` the dry run (password masked), `steps()` the progress checklist.

Values follow the manual steps the result page shows (provider_steps.py), so "set up for me" and
"do it yourself" configure the same thing: origination to LiveKit's SIP host with `;transport=`
(India region when required, LiveKit's regional fallback at priority 2), +E.164 number formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phonewizard.domain.carrier_options import SetupOptions, setup_options
from phonewizard.domain.naming import object_name
from phonewizard.domain.provider_steps import livekit_fallback_host, livekit_host

if TYPE_CHECKING:
    from phonewizard.domain.config_document import PhoneWizardConfig
    from phonewizard.domain.registration import Registration

MASK = "••••••"  # the same mask as plan.py (imported there: plan.py imports this module)
MARKER = "phonewizard"  # every object made at a carrier has a name starting with it

STEP_LABELS: dict[str, str] = {
    "carrier_check": "Check the carrier account for the trunk, number and names",
    "carrier_trunk": "Create or update the Twilio SIP trunk",
    "carrier_origination": "Point the trunk's origination at LiveKit",
    "carrier_credentials": "Create the credential list and attach it to termination",
    "carrier_outbound_profile": "Create the Telnyx outbound voice profile",
    "carrier_connection": "Create or update the Telnyx FQDN connection",
    "carrier_fqdns": "Point the connection at LiveKit's SIP host",
    "carrier_number": "Attach the number at the carrier",
}


@dataclass(frozen=True)
class Route:
    """One place the carrier sends inbound calls: a Twilio origination URL or a Telnyx FQDN."""

    host: str
    port: int
    transport: str  # "tcp" | "tls"
    priority: int  # 1 = LiveKit's global (or India) endpoint, 2 = the regional fallback
    name: str  # the marker name phonewizard gives it

    @property
    def sip_url(self) -> str:
        return f"sip:{self.host};transport={self.transport}"


@dataclass(frozen=True)
class _CarrierPlan:
    carrier: str
    phone_number: str
    agent_name: str
    routes: tuple[Route, ...]
    username: str | None  # outbound credentials (None: no outbound, or outbound without auth)
    password: str | None = field(repr=False, compare=False)
    move_number: bool

    @property
    def label(self) -> str:
        return "Twilio" if self.carrier == "twilio" else "Telnyx"

    def _closing(self) -> list[str]:
        return [f"Nothing is changed at {self.label} or in LiveKit if the number or a name is in the way; "
                f"if a step fails, everything made at {self.label} is removed, what was changed is "
                "restored, and LiveKit's objects are rolled back too."]


@dataclass(frozen=True)
class TwilioPlan(_CarrierPlan):
    trunk_name: str
    domain_name: str | None  # the termination domain, when outbound calling is on
    transfer_mode: str | None  # None: left as it is (a new trunk keeps Twilio's disable-all)
    secure: bool
    credential_list_name: str | None
    trunk_sid: str | None  # reuse this trunk (provider_config), else found by name or domain

    def steps(self) -> list[str]:
        steps = ["carrier_check", "carrier_trunk", "carrier_origination"]
        if self.credential_list_name:
            steps.append("carrier_credentials")
        return [*steps, "carrier_number"]

    def describe(self) -> list[str]:
        trunk = f"trunk {self.trunk_sid}" if self.trunk_sid else f"trunk “{self.trunk_name}” (found by its name or termination domain, else created)"
        details = [f"termination domain {self.domain_name}" if self.domain_name else "no termination domain (no outbound calling)"]
        if self.transfer_mode:
            details.append(f"call transfer {self.transfer_mode}")
        if self.secure:
            details.append("secure trunking on")
        lines = [f"At Twilio, use Elastic SIP {trunk}: {', '.join(details)}."]
        lines.append("At Twilio, origination URL " + " and ".join(
            f"{r.sip_url} (priority {r.priority})" for r in self.routes) + ".")
        if self.credential_list_name:
            lines.append(f"At Twilio, credential list “{self.credential_list_name}” with username "
                         f"“{self.username}” (password {MASK}), attached to the trunk's termination.")
        move = "moved from another trunk" if self.move_number else "not moved if it is on another trunk"
        lines.append(f"At Twilio, attach {self.phone_number} to the trunk ({move}).")
        return lines + self._closing()

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": "twilio",
            "trunk": {"sid": self.trunk_sid, "friendly_name": self.trunk_name, "domain_name": self.domain_name,
                      "transfer_mode": self.transfer_mode, "secure": self.secure},
            "origination_urls": [{"friendly_name": r.name, "sip_url": r.sip_url, "priority": r.priority,
                                  "weight": 1, "enabled": True} for r in self.routes],
            "credential_list": None if not self.credential_list_name else {
                "friendly_name": self.credential_list_name, "username": self.username, "password": MASK},
            "phone_number": self.phone_number,
            "move_number": self.move_number,
        }


@dataclass(frozen=True)
class TelnyxPlan(_CarrierPlan):
    connection_name: str
    transport: str  # "TCP" | "TLS"
    encrypted_media: str | None  # "SRTP" with TLS unless media encryption is off
    outbound_profile_name: str | None  # None: no outbound calling
    outbound_voice_profile_id: str | None  # reuse this profile (provider_config)
    connection_id: str | None  # reuse this connection (provider_config)

    def steps(self) -> list[str]:
        steps = ["carrier_check"]
        if self.outbound_profile_name:
            steps.append("carrier_outbound_profile")
        return [*steps, "carrier_connection", "carrier_fqdns", "carrier_number"]

    def describe(self) -> list[str]:
        lines = []
        if self.outbound_profile_name:
            profile = (f"outbound voice profile {self.outbound_voice_profile_id}" if self.outbound_voice_profile_id
                       else f"outbound voice profile “{self.outbound_profile_name}” (found by name, else created)")
            lines.append(f"At Telnyx, use {profile} for outbound calls.")
        conn = (f"FQDN connection {self.connection_id}" if self.connection_id
                else f"FQDN connection “{self.connection_name}” (found by name, else created)")
        extra = f", {self.encrypted_media} media" if self.encrypted_media else ""
        auth = f", outbound calls authenticated as “{self.username}” (password {MASK})" if self.username else ""
        lines.append(f"At Telnyx, use {conn}: transport {self.transport}{extra}, inbound number formats "
                     f"+E.164{auth}.")
        lines.append("At Telnyx, route inbound calls to " + " then ".join(
            f"{r.host}:{r.port}" for r in self.routes) + ".")
        move = "moved from another connection" if self.move_number else "not moved if it is on another connection"
        lines.append(f"At Telnyx, assign {self.phone_number} to the connection ({move}).")
        return lines + self._closing()

    def to_json(self) -> dict[str, Any]:
        connection: dict[str, Any] = {
            "id": self.connection_id, "connection_name": self.connection_name,
            "transport_protocol": self.transport, "encrypted_media": self.encrypted_media,
            "inbound": {"ani_number_format": "+E.164", "dnis_number_format": "+e164"},
        }
        if self.username:
            connection.update(user_name=self.username, password=MASK)
        return {
            "carrier": "telnyx",
            "outbound_voice_profile": None if not self.outbound_profile_name else {
                "id": self.outbound_voice_profile_id, "name": self.outbound_profile_name},
            "fqdn_connection": connection,
            "fqdns": [{"fqdn": r.host, "port": r.port, "dns_record_type": "a"} for r in self.routes],
            "phone_number": self.phone_number,
            "move_number": self.move_number,
        }


CarrierPlan = TwilioPlan | TelnyxPlan


def _routes(config: "PhoneWizardConfig", transport: str, port: int) -> tuple[Route, ...]:
    reg = config.registration
    host = livekit_host(config.livekit.sip_uri, reg)
    routes = [Route(host, port, transport, 1, f"{MARKER} LiveKit")]
    fallback = livekit_fallback_host(host, reg.phone_number)
    if fallback:
        routes.append(Route(fallback, port, transport, 2, f"{MARKER} LiveKit fallback"))
    return tuple(routes)


def _secret(reg: "Registration") -> str | None:
    return reg.auth_password.get_secret_value() if reg.auth_password is not None else None


def _pstn_transfer(reg: "Registration") -> bool:
    targets = reg.transfer_config.allowed_destinations
    return not targets or any(t.startswith("tel:") for t in targets)


def carrier_plan(config: "PhoneWizardConfig") -> CarrierPlan | None:
    """The carrier set-up the configuration asks for (None: the user follows the manual steps).
    Needs `livekit.sip_uri` (app/carrier_setup.py refuses to start without it)."""
    reg = config.registration
    options = setup_options(reg)
    if options is None or not config.livekit.sip_uri:
        return None
    name = object_name("inbound", reg.phone_number, config.agent_name)
    tls = reg.outbound_transport == "TLS"
    outbound_auth = reg.enable_outbound and bool(reg.auth_username)
    common = dict(phone_number=reg.phone_number, agent_name=config.agent_name,
                  username=reg.auth_username if outbound_auth else None,
                  password=_secret(reg) if outbound_auth else None, move_number=options.move_number)
    if options.carrier == "twilio":
        return _twilio(config, options, name, tls, outbound_auth, common)
    return _telnyx(config, options, name, tls, common)


def _twilio(config: "PhoneWizardConfig", options: SetupOptions, name: str, tls: bool, outbound_auth: bool,
            common: dict[str, Any]) -> TwilioPlan:
    reg = config.registration
    domain = None
    if reg.enable_outbound and reg.outbound_address:
        domain = f"{reg.outbound_address.split('.', 1)[0]}.pstn.twilio.com"  # edge hosts share the domain
    mode = None
    if reg.transfer_config.cold_transfer_enabled:
        mode = "enable-all" if _pstn_transfer(reg) else "sip-only"
    return TwilioPlan(
        carrier="twilio", routes=_routes(config, "tls" if tls else "tcp", 5061 if tls else 5060),
        trunk_name=name, domain_name=domain, transfer_mode=mode, secure=tls,
        credential_list_name=f"{MARKER} {reg.phone_number} {reg.auth_username}" if outbound_auth else None,
        trunk_sid=options.trunk_sid, **common)


def _telnyx(config: "PhoneWizardConfig", options: SetupOptions, name: str, tls: bool,
            common: dict[str, Any]) -> TelnyxPlan:
    reg = config.registration
    return TelnyxPlan(
        carrier="telnyx", routes=_routes(config, "tls" if tls else "tcp", 5061 if tls else 5060),
        connection_name=name, transport="TLS" if tls else "TCP",
        encrypted_media="SRTP" if tls and reg.media_encryption != "DISABLE" else None,
        outbound_profile_name=f"{MARKER} {reg.phone_number}" if reg.enable_outbound else None,
        outbound_voice_profile_id=options.outbound_voice_profile_id, connection_id=options.connection_id,
        **common)
