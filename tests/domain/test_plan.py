"""plan(): every seed field lands in the right LiveKit request field (DESIGN.md mapping)."""

from __future__ import annotations

import json

import pytest
from livekit.protocol.sip import SIPMediaEncryption, SIPTransport

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.naming import parse_marker
from phonewizard.domain.plan import MASK, TRUNK_ID_PLACEHOLDER, plan
from phonewizard.domain.report import check_config

PHONE = "+14155550101"
PASSWORD = "Sup3r-Secret-Pa55"


def make(agent: str = "my-agent", **registration) -> PhoneWizardConfig:
    reg = {"phone_number": PHONE, "provider": "custom", **registration}
    return PhoneWizardConfig.model_validate(
        {"agent_name": agent, "livekit": {"url": "wss://x.livekit.cloud", "api_key": "APIxyz",
                                          "sip_uri": "sip:abc123.sip.livekit.cloud"},
         "registration": reg}
    )


def outbound_config(**extra) -> PhoneWizardConfig:
    base = dict(provider="telnyx", auth_username="alice", auth_password=PASSWORD,
                enable_outbound=True, outbound_address="sip.telnyx.com")
    base.update(extra)
    return make(**base)


def test_inbound_numbers_default_to_the_phone_number_and_filters_are_copied():
    p = plan(make(allowed_addresses=["192.76.120.10", "64.16.250.0/24"], allowed_numbers=["+14155550199"]))
    t = p.inbound.trunk
    assert list(t.numbers) == [PHONE]
    assert list(t.allowed_addresses) == ["192.76.120.10", "64.16.250.0/24"]
    assert list(t.allowed_numbers) == ["+14155550199"]


def test_trunk_numbers_replace_the_default():
    p = plan(make(trunk_numbers=[PHONE, "+14155550102"]))
    assert list(p.inbound.trunk.numbers) == [PHONE, "+14155550102"]


def test_credentials_go_on_outbound_only_by_default():
    p = plan(outbound_config())
    assert p.outbound.trunk.auth_username == "alice"
    assert p.outbound.trunk.auth_password == PASSWORD
    assert p.inbound.trunk.auth_username == ""
    assert p.inbound.trunk.auth_password == ""


def test_inbound_digest_auth_on_request():
    p = plan(outbound_config(provider_config={"inbound_digest_auth": True}))
    assert p.inbound.trunk.auth_username == "alice"
    assert p.inbound.trunk.auth_password == PASSWORD


@pytest.mark.parametrize("word,value", [
    ("DISABLE", SIPMediaEncryption.SIP_MEDIA_ENCRYPT_DISABLE),
    ("ALLOW", SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW),
    ("REQUIRE", SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE),
])
def test_media_encryption_on_every_trunk_in_the_media_field(word, value):
    p = plan(outbound_config(media_encryption=word))
    for trunk in (p.inbound.trunk, p.outbound.trunk):
        assert trunk.media.HasField("encryption")  # explicit even for DISABLE
        assert trunk.media.encryption == value
        assert trunk.media_encryption == 0  # the deprecated field stays unset


def test_krisp_ringing_and_duration_on_the_inbound_trunk():
    p = plan(make(krisp_enabled=False, ringing_timeout_seconds=45, max_call_duration_seconds=600))
    t = p.inbound.trunk
    assert t.krisp_enabled is False
    assert t.ringing_timeout.seconds == 45
    assert t.max_call_duration.seconds == 600


def test_custom_headers_on_every_trunk_and_telnyx_username_on_outbound():
    p = plan(outbound_config(custom_headers={"X-Customer": "42"}, headers_to_attributes={"X-Region": "region"}))
    assert dict(p.inbound.trunk.headers) == {"X-Customer": "42"}
    assert dict(p.outbound.trunk.headers) == {"X-Customer": "42", "X-Telnyx-Username": "alice"}
    assert dict(p.inbound.trunk.headers_to_attributes) == {"X-Region": "region"}
    assert dict(p.outbound.trunk.headers_to_attributes) == {"X-Region": "region"}


def test_user_typed_telnyx_header_wins_and_other_providers_get_none():
    p = plan(outbound_config(custom_headers={"X-Telnyx-Username": "override"}))
    assert p.outbound.trunk.headers["X-Telnyx-Username"] == "override"
    p = plan(outbound_config(provider="custom", outbound_address="sip.example.net"))
    assert "X-Telnyx-Username" not in p.outbound.trunk.headers


def test_outbound_fields():
    p = plan(outbound_config(outbound_transport="TCP", destination_country="IN",
                             outbound_numbers=["+14155550101", "+14155550102"]))
    t = p.outbound.trunk
    assert t.address == "sip.telnyx.com"
    assert t.transport == SIPTransport.SIP_TRANSPORT_TCP
    assert t.destination_country == "in"
    assert list(t.numbers) == ["+14155550101", "+14155550102"]
    assert p.outbound_address == "sip.telnyx.com"


def test_outbound_numbers_default_and_no_outbound_when_disabled():
    assert list(plan(outbound_config()).outbound.trunk.numbers) == [PHONE]
    assert plan(make()).outbound is None


def test_dispatch_rule_uses_the_wrapper_and_carries_agent_configuration():
    cfg = make(hide_phone_number=True, metadata={"tier": "gold"},
               dtmf_config={"dtmf_sequence": "*12#", "ivr_detection": True},
               transfer_config={"allowed_destinations": ["tel:+15105550100"], "cold_transfer_enabled": True},
               agent_features={"recording_enabled": True})
    p = plan(cfg)
    req = p.dispatch
    assert req.HasField("dispatch_rule")
    assert not req.HasField("rule") and not req.trunk_ids and not req.name  # legacy fields unused
    rule = req.dispatch_rule
    assert rule.rule.WhichOneof("rule") == "dispatch_rule_individual"
    assert rule.rule.dispatch_rule_individual.room_prefix == "my-agent"
    assert rule.hide_phone_number is True
    assert list(rule.trunk_ids) == []  # filled in by the registrar
    assert list(rule.numbers) == []
    [agent] = rule.room_config.agents
    assert agent.agent_name == "my-agent"
    meta = json.loads(agent.metadata)
    assert meta["phone_number"] == PHONE
    assert meta["metadata"] == {"tier": "gold"}
    assert meta["dtmf_config"]["dtmf_sequence"] == "*12#" and meta["dtmf_config"]["ivr_detection"] is True
    assert meta["transfer_config"]["allowed_destinations"] == ["tel:+15105550100"]
    assert meta["agent_features"]["recording_enabled"] is True
    assert p.room_pattern == "my-agent_<caller number>_<random>"


def test_every_object_carries_the_marker():
    p = plan(outbound_config())
    for obj, role in ((p.inbound.trunk, "inbound"), (p.outbound.trunk, "outbound"),
                      (p.dispatch.dispatch_rule, "dispatch")):
        m = parse_marker(obj.metadata)
        assert (m.phone_number, m.agent_name, m.role, m.provider) == (PHONE, "my-agent", role, "telnyx")
        assert obj.name.startswith("phonewizard ")


def test_livekit_number_has_no_trunks_a_number_filtered_rule_and_an_attachment():
    p = plan(make(provider="livekit", krisp_enabled=True))
    assert p.inbound is None and p.outbound is None
    assert p.attach_number == PHONE
    rule = p.dispatch.dispatch_rule
    assert list(rule.numbers) == [PHONE]
    assert list(rule.trunk_ids) == []
    assert rule.krisp_enabled is True
    assert p.to_json()["dispatch_rule"]["dispatch_rule"].get("trunk_ids") is None


def test_to_json_masks_the_password_and_repr_hides_it():
    p = plan(outbound_config(provider_config={"inbound_digest_auth": True}))
    data = p.to_json()
    text = json.dumps(data, ensure_ascii=False)
    assert PASSWORD not in text and PASSWORD not in repr(p)
    assert data["outbound_trunk"]["trunk"]["auth_password"] == MASK
    assert data["inbound_trunk"]["trunk"]["auth_password"] == MASK
    assert data["dispatch_rule"]["dispatch_rule"]["trunk_ids"] == [TRUNK_ID_PLACEHOLDER]
    # The plan's own messages are untouched by masking.
    assert p.outbound.trunk.auth_password == PASSWORD
    assert p.dispatch.dispatch_rule.trunk_ids == []


def test_describe_speaks_plain_words_without_secrets():
    p = plan(outbound_config(allowed_numbers=["+14155550199"], destination_country="US"))
    text = "\n".join(p.describe())
    assert f"accepting calls to {PHONE}" in text
    assert "from +14155550199" in text
    assert "through sip.telnyx.com over AUTO" in text
    assert "destination country US" in text
    assert "agent “my-agent”" in text
    assert PASSWORD not in text
    lk = "\n".join(plan(make(provider="livekit")).describe())
    assert f"Attach LiveKit number {PHONE}" in lk and "inbound trunk" not in lk


def test_plan_from_a_checked_config():
    report = check_config({
        "agent_name": "support-bot",
        "livekit": {"url": "wss://x.livekit.cloud", "api_key": "APIxyz"},
        "registration": {"phone_number": "+1 415 555 0101", "provider": "twilio"},
    })
    assert report.ok, report.errors
    p = plan(report.config)
    assert list(p.inbound.trunk.numbers) == [PHONE]
    assert p.room_prefix == "support-bot"
