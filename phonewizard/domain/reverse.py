"""The reverse mapping: LiveKit's objects for one number → the `phonewizard/1` document.

`reverse(objects, profile)` reads the inbound trunk, outbound trunk, dispatch rule and LiveKit
number attachment that serve one number (RegistrationObjects) and rebuilds the document that
`register` accepts (DESIGN.md "Contracts"): never a secret; the `livekit` section is the profile
the caller passes in.

- Objects phonewizard made (they carry its marker, naming.py) come back exactly: planning the
  document again gives the same requests (tests/domain/test_reverse_roundtrip.py), and no notice.
- Objects made by hand, in the dashboard or with `lk` come back best effort: the carrier is
  recognised (provider_detect.py), the agent read from `room_config.agents`, and every setting the
  document cannot hold is named in a Notice (reverse_notices.py). As a safety net the rebuilt
  document is planned and compared field by field with the objects (reverse_compare.py): any
  difference no notice explains yet becomes one, so nothing is dropped silently.

The result also says who made the objects (`origin`) and what `check_config` still objects to
(`problems`, e.g. an agent name to enter when no rule names one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence, TypeVar

from livekit.protocol.sip import SIPDispatchRuleInfo

from phonewizard.domain.config_document import CONFIG_FORMAT, LiveKitProfile, PhoneWizardConfig, config_to_document
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.domain.livekit_objects import PhoneNumberInfo, RegistrationObjects
from phonewizard.domain.naming import Marker, parse_marker
from phonewizard.domain.phone_numbers import is_indian, parse_e164
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.domain.problems import Problem
from phonewizard.domain.provider_detect import PROVIDER_IDS, recognise_provider
from phonewizard.domain.registration_rules import DIGEST_KEY
from phonewizard.domain.report import check_config
from phonewizard.domain.reverse_compare import note_differences
from phonewizard.domain.reverse_notices import Notice, NoticeKind as K, Notes, Origin
from phonewizard.domain.reverse_rule import RuleContext, read_rule
from phonewizard.domain.reverse_trunks import outbound_extras, read_inbound, read_outbound, shown

T = TypeVar("T")
TELNYX_USER_HEADER = "X-Telnyx-Username"  # plan.py adds it to Telnyx outbound trunks


@dataclass(frozen=True)
class Reconstruction:
    """The rebuilt document, what it could not carry over, and who made the objects.

    `config` is the validated configuration (without any password) when `problems` is empty."""

    document: dict[str, Any]
    notices: tuple[Notice, ...]
    origin: Origin
    problems: tuple[Problem, ...] = ()
    provider_reason: str = ""
    config: PhoneWizardConfig | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when `register` accepts the document as it is (the SIP password aside)."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"origin": self.origin, "document": self.document,
                "notices": [n.to_json() for n in self.notices],
                "problems": [{"field": p.field, "message": p.message} for p in self.problems],
                "provider_reason": self.provider_reason}


def profile_document(profile: LiveKitProfile | Mapping[str, Any]) -> dict[str, Any]:
    """The `livekit` section: url, api_key, sip_uri; never the secret."""
    if isinstance(profile, LiveKitProfile):
        data = profile.model_dump(mode="json", exclude={"api_secret"}, exclude_none=True)
    else:
        data = {k: v for k, v in profile.items() if k != "api_secret" and v is not None}
    if not data.get("allow_insecure_transport"):
        data.pop("allow_insecure_transport", None)
    return data


def _marker(obj: Any, key: str) -> Marker | None:
    m = parse_marker(getattr(obj, "metadata", None))  # LiveKit numbers carry no metadata
    return m if m is not None and normalize_number(m.phone_number) == key else None


def _first(items: Sequence[T], key: str, preferred: Callable[[T], bool] = lambda _: False) -> T | None:
    """phonewizard's own object first (the one the registrar updates), then a preferred one."""
    ranked = sorted(items, key=lambda o: (_marker(o, key) is None, not preferred(o)))
    return ranked[0] if ranked else None


def reverse(objects: RegistrationObjects, profile: LiveKitProfile | Mapping[str, Any]) -> Reconstruction:
    key = normalize_number(objects.phone_number)
    notes = Notes()
    inbound = _first(objects.inbound, key)
    outbound = _first(objects.outbound, key)
    rule = _first(objects.rules, key, lambda r: inbound is not None and inbound.sip_trunk_id in r.trunk_ids)
    number = _first(objects.numbers, key, lambda n: rule is not None and rule.sip_dispatch_rule_id in n.dispatch_rule_ids)
    _extra_objects(objects, (inbound, outbound, rule, number), notes)

    made = [*objects.inbound, *objects.outbound, *objects.rules]
    markers = [m for o in made if (m := _marker(o, key)) is not None]
    origin: Origin = ("phonewizard" if made and len(markers) == len(made)
                      else "foreign" if not markers else "mixed")
    marker = next((m for o in (rule, inbound, outbound) if o is not None and (m := _marker(o, key))), None)
    marker = marker or (markers[0] if markers else None)
    for obj, kind in ((inbound, "inbound_trunk"), (outbound, "outbound_trunk")):
        if obj is not None and obj.metadata and parse_marker(obj.metadata) is None:
            notes.add(K.OBJECT_METADATA, obj.sip_trunk_id, f"{kind}.metadata",
                      f"the metadata “{shown(obj.metadata)}” is replaced by phonewizard's ownership marker", False)

    provider, reason = _provider(marker, inbound, outbound, rule, number)
    phone = marker.phone_number if marker else (number.phone_number if number else _e164_or(key))
    reg: dict[str, Any] = {"phone_number": phone, "provider": provider}
    livekit = provider == "livekit"
    _read_trunks(reg, inbound, outbound, provider, notes)
    agent = marker.agent_name if marker else None
    if rule is not None:
        ctx = RuleContext(phone, livekit, inbound.sip_trunk_id if inbound else None,
                          reg.get("trunk_numbers", [phone]), marker.agent_name if marker else None)
        reading = read_rule(rule, ctx, notes)
        reg.update(reading.fields)
        agent = reading.agent_name or agent
        if livekit:
            reg["krisp_enabled"] = reading.krisp
        elif reading.krisp:
            reg["krisp_enabled"] = True
            if inbound is not None and not inbound.krisp_enabled:
                notes.add(K.KRISP, inbound.sip_trunk_id, "inbound_trunk.krisp_enabled",
                          "off here but on for the dispatch rule; registering turns it on here", False)
    _missing(reg, inbound, outbound, rule, number, agent, notes)
    if "destination_country" not in reg and _indian(reg):
        # India's rule (registration_rules._india) wants a destination country even when outbound
        # is off, but only the outbound trunk stores it: the one value that rule accepts is IN.
        reg["destination_country"] = "IN"

    raw = {"format": CONFIG_FORMAT, "agent_name": agent or "", "livekit": profile_document(profile),
           "registration": reg}
    report = check_config(raw, secrets_elsewhere=True)
    if not report.ok or report.config is None:
        return Reconstruction(raw, notes.all(), origin, tuple(report.errors), reason)
    _safety_net(plan(report.config), inbound, outbound, rule, number, notes)
    return Reconstruction(config_to_document(report.config), notes.all(), origin, (), reason, report.config)


def _indian(reg: dict[str, Any]) -> bool:
    transfer = reg.get("transfer_config") if isinstance(reg.get("transfer_config"), dict) else {}
    targets = [*(transfer.get("allowed_destinations") or []), transfer.get("supervisor_phone")]
    numbers = [reg["phone_number"], *reg.get("trunk_numbers", []), *reg.get("outbound_numbers", []),
               *(t[4:] for t in targets if isinstance(t, str) and t.startswith("tel:"))]
    return any(isinstance(n, str) and is_indian(n) for n in numbers)


def _e164_or(key: str) -> str:
    try:
        return parse_e164(key)
    except ValueError:
        return key  # check_config then says what is wrong with it


def _provider(marker: Marker | None, inbound: Any, outbound: Any, rule: SIPDispatchRuleInfo | None,
              number: PhoneNumberInfo | None) -> tuple[str, str]:
    if marker is not None and marker.provider in PROVIDER_IDS:
        return marker.provider, "phonewizard's marker"  # type: ignore[return-value]
    if inbound is None and outbound is None and (number is not None or (rule is not None and not rule.trunk_ids)):
        why = "a LiveKit number attached to the rule" if number is not None else "a rule that needs no trunk"
        return "livekit", why
    headers = [t.headers for t in (inbound, outbound) if t is not None]
    found = recognise_provider(outbound.address if outbound is not None else None, headers,
                               inbound.allowed_addresses if inbound is not None else ())
    return found.provider, found.reason


def _read_trunks(reg: dict[str, Any], inbound: Any, outbound: Any, provider: str, notes: Notes) -> None:
    """Both trunks into `reg`. The document has one set of headers, header mapping, encryption and
    username for both trunks (plan.py), so where the two trunks differ the inbound one is kept for
    headers/mapping/encryption, the outbound one for the username, and the other is named."""
    user_in = None
    if inbound is not None:
        reg.update(read_inbound(inbound, notes))
        user_in = reg.pop("auth_username", None)
        if user_in:
            reg["provider_config"] = {DIGEST_KEY: True}
    if outbound is None:
        if user_in:
            reg["auth_username"] = user_in
        return
    fields = read_outbound(outbound, notes)
    headers, mapping, encryption = outbound_extras(outbound, notes)
    user_out = fields.get("auth_username")
    oid = outbound.sip_trunk_id
    if provider == "telnyx" and user_out and headers.get(TELNYX_USER_HEADER) == user_out:
        headers = {k: v for k, v in headers.items() if k != TELNYX_USER_HEADER}  # plan.py adds it back
    if inbound is None:
        reg.update(custom_headers=headers, headers_to_attributes=mapping, media_encryption=encryption)
    else:
        if headers != reg["custom_headers"]:
            keys = sorted(set(headers) ^ set(reg["custom_headers"]) |
                          {k for k in headers if reg["custom_headers"].get(k, headers[k]) != headers[k]})
            notes.add(K.HEADERS, oid, "outbound_trunk.headers",
                      f"the outbound trunk's headers differ from the inbound trunk's ({', '.join(keys)}); "
                      "registering sends the inbound trunk's headers on both")
        if mapping != reg["headers_to_attributes"]:
            notes.add(K.HEADER_MAPPING, oid, "outbound_trunk.headers_to_attributes",
                      "differs from the inbound trunk's; registering uses the inbound trunk's mapping on both")
        if encryption != reg["media_encryption"]:
            notes.add(K.MEDIA, oid, "outbound_trunk.media.encryption",
                      f"media encryption {encryption} differs from the inbound trunk's "
                      f"{reg['media_encryption']}; registering uses {reg['media_encryption']} on both")
    if user_in and user_out and user_in != user_out:
        notes.add(K.CREDENTIALS, inbound.sip_trunk_id, "inbound_trunk.auth_username",
                  f"callers sign in as “{user_in}”, the carrier as “{user_out}”; the document has one "
                  f"username, so registering uses “{user_out}” for both")
    elif user_in and not user_out and not outbound.auth_password:
        notes.add(K.CREDENTIALS, oid, "outbound_trunk.auth_username",
                  f"has no credentials; registering signs in to the carrier as “{user_in}” (the inbound "
                  "trunk's username) as well")
    reg.update(fields)
    reg["auth_username"] = user_out or user_in
    if not reg["auth_username"]:
        reg.pop("auth_username")


def _extra_objects(objects: RegistrationObjects, chosen: tuple[Any, ...], notes: Notes) -> None:
    groups = ((objects.inbound, "inbound_trunk", "inbound trunk"), (objects.outbound, "outbound_trunk", "outbound trunk"),
              (objects.rules, "dispatch_rule", "dispatch rule"), (objects.numbers, "livekit_number", "LiveKit number"))
    for (items, kind, words), primary in zip(groups, chosen):
        for obj in items:
            if obj is primary:
                continue
            oid = obj.id if isinstance(obj, PhoneNumberInfo) else (
                obj.sip_dispatch_rule_id if kind == "dispatch_rule" else obj.sip_trunk_id)
            main = primary.id if isinstance(primary, PhoneNumberInfo) else (
                primary.sip_dispatch_rule_id if kind == "dispatch_rule" else primary.sip_trunk_id)
            notes.add(K.EXTRA_OBJECT, oid, kind,
                      f"another {words} for this number; the document describes {main} only and "
                      f"registering leaves {oid} as it is")


def _missing(reg: dict[str, Any], inbound: Any, outbound: Any, rule: Any, number: PhoneNumberInfo | None,
             agent: str | None, notes: Notes) -> None:
    phone, livekit = reg["phone_number"], reg["provider"] == "livekit"
    if not livekit and inbound is None:
        notes.add(K.MISSING_OBJECT, "", "inbound_trunk",
                  f"there is no inbound trunk; registering creates one that accepts calls to {phone}")
    if rule is None:
        who = f"agent “{agent}”" if agent else "the agent named in the document"
        notes.add(K.MISSING_OBJECT, "", "dispatch_rule",
                  f"there is no dispatch rule, so calls to {phone} reach no agent; registering creates one for {who}")
    if livekit:
        for trunk, kind in ((inbound, "inbound_trunk"), (outbound, "outbound_trunk")):
            if trunk is not None:
                notes.add(K.EXTRA_OBJECT, trunk.sip_trunk_id, kind,
                          "a LiveKit number needs no trunk; registering leaves this one as it is")
        if number is None:
            notes.add(K.MISSING_OBJECT, "", "livekit_number",
                      f"{phone} is not among this project's LiveKit numbers; buy it in LiveKit Cloud "
                      "(Telephony → Phone numbers) or choose the carrier you bought it from")
        elif rule is None or rule.sip_dispatch_rule_id not in number.dispatch_rule_ids:
            notes.add(K.MISSING_OBJECT, number.id, "livekit_number.sip_dispatch_rule_ids",
                      "the number is not attached to the dispatch rule; registering attaches it")
        elif len(number.dispatch_rule_ids) > 1:
            others = [r for r in number.dispatch_rule_ids if r != rule.sip_dispatch_rule_id]
            notes.add(K.NUMBER_ATTACHMENT, number.id, "livekit_number.sip_dispatch_rule_ids",
                      f"the number is also attached to {', '.join(others)}; registering attaches it "
                      f"to {rule.sip_dispatch_rule_id} only")


def _safety_net(p: RegistrationPlan, inbound: Any, outbound: Any, rule: SIPDispatchRuleInfo | None,
                number: PhoneNumberInfo | None, notes: Notes) -> None:
    """Compare the objects with the requests the document plans (module docstring)."""
    if inbound is not None and p.inbound is not None:
        note_differences(inbound, p.inbound.trunk, inbound.sip_trunk_id, "inbound_trunk", notes)
    if outbound is not None and p.outbound is not None:
        note_differences(outbound, p.outbound.trunk, outbound.sip_trunk_id, "outbound_trunk", notes)
    if rule is None:
        return
    planned = SIPDispatchRuleInfo()
    planned.CopyFrom(p.dispatch.dispatch_rule)
    if p.inbound is not None:
        # The registrar names the inbound trunk it updates (or creates) in trunk_ids.
        planned.trunk_ids[:] = [inbound.sip_trunk_id if inbound is not None else "<new inbound trunk>"]
    oid, path = rule.sip_dispatch_rule_id, "dispatch_rule.room_config.agents.0.metadata"
    agents = rule.room_config.agents
    told = notes.covers(oid, path) or notes.mentions(oid, path)
    if agents and agents[0].metadata != planned.room_config.agents[0].metadata and not told:
        notes.add(K.AGENT_METADATA, oid, path,
                  "rewritten in phonewizard's form (keys sorted, every default written out); the "
                  "settings are the same", False)
    note_differences(rule, planned, oid, "dispatch_rule", notes)
