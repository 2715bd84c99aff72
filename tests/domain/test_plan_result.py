"""RegistrationResult built from a plan: seed response fields, carrier instructions, no secrets."""

from __future__ import annotations

import re

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import MASK, plan
from phonewizard.domain.result import complete_result, mask_secrets, result_template
from phonewizard.domain.sip_addresses import sip_domain

PASSWORD = "Sup3r-Secret-Pa55"
SEED_FIELDS = {"agent_id", "phone_number", "provider", "sip_uri", "dispatch_rule_id", "outbound_enabled",
               "status", "created_at", "instructions", "outbound_trunk_id", "outbound_address",
               "provider_config", "room_pattern", "livekit_sip_domain", "inbound_addresses",
               "supported_providers"}


def result_for(p, **ids):
    return complete_result(result_template(p), **ids)


def make(phone="+14155550101", sip_uri="sip:abc123.sip.livekit.cloud", **reg):
    registration = {"phone_number": phone, "provider": "twilio", "auth_username": "alice",
                    "auth_password": PASSWORD, "enable_outbound": True,
                    "outbound_address": "acme.pstn.twilio.com", **reg}
    return plan(PhoneWizardConfig.model_validate(
        {"agent_name": "bot", "livekit": {"url": "wss://x.livekit.cloud", "api_key": "k", "sip_uri": sip_uri},
         "registration": registration}))


def test_result_has_every_seed_field_and_the_inbound_trunk_id():
    r = result_for(make(), inbound_trunk_id="ST_in", outbound_trunk_id="ST_out",
                     dispatch_rule_id="SDR_r", updated=False)
    data = r.model_dump()
    assert SEED_FIELDS | {"inbound_trunk_id"} == set(data)
    assert (r.agent_id, r.status, r.outbound_enabled, r.outbound_address) == ("bot", "active", True, "acme.pstn.twilio.com")
    assert r.livekit_sip_domain == "abc123.sip.livekit.cloud"
    assert r.inbound_addresses == ["abc123.sip.livekit.cloud"]
    assert r.room_pattern == "bot_<caller number>_<random>"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r.created_at)
    assert {p["id"] for p in r.supported_providers} >= {"livekit", "twilio", "vonage", "telnyx", "bandwidth", "custom"}
    assert PASSWORD not in r.model_dump_json()


def test_instructions_carry_the_carrier_steps_with_values_to_paste():
    r = result_for(make(), inbound_trunk_id="ST_in", outbound_trunk_id=None, dispatch_rule_id="SDR_r",
                     updated=True)
    ins = r.instructions
    assert r.status == "updated" and not r.outbound_enabled
    assert "Twilio" in ins.summary and "+14155550101" in ins.summary
    values = [s.value for s in ins.steps]
    assert "sip:abc123.sip.livekit.cloud;transport=tcp" in values
    assert values[-1] == "bot"
    assert any("registered as “bot”" in tip for tip in ins.if_it_does_not_ring)
    # The JSON keeps the seed's shape.
    dumped = r.model_dump(mode="json")["instructions"]
    assert set(dumped) == {"summary", "steps", "if_it_does_not_ring", "confirm_with_a_test_call"}
    assert all(set(s) == {"text", "value"} for s in dumped["steps"])


def test_indian_number_points_the_carrier_at_the_india_region():
    r = result_for(make(phone="+919876543210", destination_country="IN"), inbound_trunk_id="ST_in",
                     outbound_trunk_id="ST_out", dispatch_rule_id="SDR_r", updated=False)
    assert r.inbound_addresses == ["abc123.india.sip.livekit.cloud"]


def test_livekit_number_result():
    p = plan(PhoneWizardConfig.model_validate(
        {"agent_name": "bot", "livekit": {"url": "wss://x.livekit.cloud", "api_key": "k"},
         "registration": {"phone_number": "+14155550100", "provider": "livekit"}}))
    r = result_for(p, inbound_trunk_id=None, outbound_trunk_id=None, dispatch_rule_id="SDR_r", updated=False)
    assert r.inbound_addresses == [] and r.sip_uri is None and r.outbound_trunk_id is None
    assert "Nothing needs to change at a carrier" in r.instructions.summary


def test_provider_config_credentials_are_masked():
    assert mask_secrets({"inbound_digest_auth": True, "api_token": "t0k", "nested": {"password": "p"},
                         "region": "us"}) == {"inbound_digest_auth": True, "api_token": MASK,
                                              "nested": {"password": MASK}, "region": "us"}


def test_sip_domain():
    assert sip_domain("sip:abc.sip.livekit.cloud;transport=tcp") == "abc.sip.livekit.cloud"
    assert sip_domain("abc.sip.livekit.cloud") == "abc.sip.livekit.cloud"
    assert sip_domain(None) is None and sip_domain("") is None
