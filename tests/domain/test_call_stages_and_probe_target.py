"""The inbound check's verdict (the first stage not reached) and what the probe tries for a URI."""

from __future__ import annotations

import pytest

from phonewizard.domain.call_stages import INBOUND_STAGES, CallEvent, inbound_verdict
from phonewizard.domain.probe_target import probe_target
from phonewizard.domain.sip_addresses import AddressError

NUMBER, PREFIX = "+14155550100", "support-agent"


def verdict(*reached: str, agent: str | None = "support-agent", failure: str | None = None):
    return inbound_verdict(set(reached), number=NUMBER, room_prefix=PREFIX, agent_name=agent,
                           dial_failure=failure, waited=12)


@pytest.mark.parametrize("missing", INBOUND_STAGES)
def test_the_first_stage_not_reached_is_named(missing):
    reached = INBOUND_STAGES[:INBOUND_STAGES.index(missing)]
    result = verdict(*reached)
    assert not result.ok and result.missing_stage == missing
    assert result.what_to_change


def test_no_room_means_the_carrier_or_the_routing():
    result = verdict("dialled")
    assert "support-agent_" in result.explanation and "12 seconds" in result.explanation
    assert any("origination" in fix for fix in result.what_to_change)


def test_a_failed_outgoing_leg_is_explained_with_its_own_failure():
    result = verdict(failure="Twilio answered 403 Forbidden: …")
    assert result.missing_stage == "dialled" and "403 Forbidden" in result.explanation


def test_every_stage_reached_is_a_pass_and_no_agent_is_needed_without_one():
    assert verdict(*INBOUND_STAGES).ok
    assert verdict("dialled", "room_created", "caller_joined", agent=None).ok


def test_events_carry_their_label_and_json():
    event = CallEvent("ringing", 1.23456, "+447700900123")
    assert event.label == "Ringing"
    assert event.to_json() == {"stage": "ringing", "seconds": 1.235, "detail": "+447700900123"}


@pytest.mark.parametrize("uri, host, attempts", [
    ("sip:abc.sip.livekit.cloud", "abc.sip.livekit.cloud", (("udp", 5060), ("tcp", 5060), ("tls", 5061))),
    ("abc.sip.livekit.cloud", "abc.sip.livekit.cloud", (("udp", 5060), ("tcp", 5060), ("tls", 5061))),
    ("sip:abc.sip.livekit.cloud;transport=tcp", "abc.sip.livekit.cloud", (("tcp", 5060),)),
    ("sip:abc.sip.livekit.cloud;transport=tls", "abc.sip.livekit.cloud", (("tls", 5061),)),
    ("sips:abc.sip.livekit.cloud", "abc.sip.livekit.cloud", (("tls", 5061),)),
    ("sip:127.0.0.1:5080", "127.0.0.1", (("udp", 5080), ("tcp", 5080), ("tls", 5061))),
    ("sip:+14155550100@127.0.0.1:5070;transport=udp", "127.0.0.1", (("udp", 5070),)),
    ("<sip:[::1]:5090;transport=TCP>", "::1", (("tcp", 5090),)),
])
def test_probe_targets(uri, host, attempts):
    target = probe_target(uri)
    assert (target.host, target.attempts) == (host, attempts)


@pytest.mark.parametrize("uri", ["", "https://abc.livekit.cloud", "sip:abc;transport=sctp", "sip:a b",
                                 "sip:host:99999", "sip:-bad-.example"])
def test_bad_probe_targets_say_why(uri):
    with pytest.raises(AddressError):
        probe_target(uri)
