"""The result's "confirm with a test call" list and the LiveKit-number troubleshooting line."""

from __future__ import annotations

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.instructions import build_instructions
from phonewizard.domain.plan import plan


def instructions(**registration):
    reg = {"phone_number": "+14155550100", "provider": "livekit", **registration}
    return build_instructions(plan(PhoneWizardConfig.model_validate(
        {"agent_name": "bot", "livekit": {"url": "wss://x.livekit.cloud", "api_key": "k",
                                          "sip_uri": "sip:abc123.sip.livekit.cloud"},
         "registration": reg})))


def test_livekit_number_filter_is_something_a_test_call_confirms():
    ins = instructions()
    checks = ins.confirm_with_a_test_call
    assert any("exact text +14155550100" in c and "rings unanswered" in c for c in checks)
    assert any("exactly +14155550100" in tip and "Telephony → Calls" in tip for tip in ins.if_it_does_not_ring)


def test_livekit_number_cold_transfer_is_listed_as_not_working():
    checks = instructions(transfer_config={"cold_transfer_enabled": True}).confirm_with_a_test_call
    assert any("cannot transfer calls yet" in c for c in checks)


def test_carrier_checks_follow_the_configuration():
    plain = instructions(provider="twilio").confirm_with_a_test_call
    assert len(plain) == 1 and "inbound trunk accepts" in plain[0]
    busy = instructions(
        provider="telnyx", enable_outbound=True, outbound_address="sip.telnyx.com", auth_username="u",
        auth_password="Abcdefghij12", allowed_addresses=["192.76.120.10"], outbound_transport="TLS",
        provider_config={"inbound_digest_auth": True},
        transfer_config={"cold_transfer_enabled": True, "warm_transfer_enabled": True},
    ).confirm_with_a_test_call
    joined = " ".join(busy)
    assert "answers LiveKit's challenge" in joined
    assert "not authorized by trunk configuration" in joined
    assert "X-Telnyx-Username" in joined
    assert "REFER over TLS" in joined and "warm transfer" in joined
    assert "Abcdefghij12" not in joined
