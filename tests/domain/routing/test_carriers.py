"""`recognised_carriers`: the carrier of trunks phonewizard did not make, from the objects' evidence;
and what the doctor then concludes with it (a Twilio trunk that challenges gets 407)."""

from __future__ import annotations

from livekit.protocol.sip import SIPOutboundTrunkInfo

from phonewizard.domain.routing import InboundCall, diagnose
from phonewizard.domain.routing.carriers import recognised_carriers
from tests.domain.routing.builders import individual, rule, trunk

NUMBER = "+14155550123"


def test_allowed_addresses_in_one_carriers_ranges_name_it():
    found = recognised_carriers([trunk("ST_1", [NUMBER], allowed_addresses=["54.172.60.0/30", "54.244.51.1"])])
    assert found["ST_1"].provider == "twilio" and "signalling" in found["ST_1"].reason


def test_an_outbound_trunk_for_the_same_number_names_it():
    outbound = SIPOutboundTrunkInfo(sip_trunk_id="ST_out", address="acme.sip.telnyx.com", numbers=["14155550123"])
    found = recognised_carriers([trunk("ST_1", [NUMBER])], [outbound])
    assert found["ST_1"].provider == "telnyx" and "acme.sip.telnyx.com" in found["ST_1"].reason


def test_outbound_trunks_that_disagree_name_nothing_and_headers_still_count():
    a = SIPOutboundTrunkInfo(sip_trunk_id="ST_a", address="x.pstn.twilio.com", numbers=[NUMBER])
    b = SIPOutboundTrunkInfo(sip_trunk_id="ST_b", address="sip.telnyx.com", numbers=[NUMBER])
    assert recognised_carriers([trunk("ST_1", [NUMBER])], [a, b]) == {}
    with_header = trunk("ST_1", [NUMBER])
    with_header.headers["X-Telnyx-Username"] = "me"
    assert recognised_carriers([with_header], [a, b])["ST_1"].provider == "telnyx"


def test_no_evidence_and_phonewizards_own_trunks_are_left_alone():
    mixed = trunk("ST_mixed", [NUMBER], allowed_addresses=["54.172.60.1", "203.0.113.9"])
    ours = trunk("ST_ours", ["+14155550999"], allowed_addresses=["54.172.60.1"], provider="telnyx")
    assert recognised_carriers([mixed, ours, trunk("ST_bare", ["+1628"])]) == {}


def test_a_recognised_twilio_trunk_that_challenges_rejects_with_407():
    t = trunk("ST_1", [NUMBER], allowed_addresses=["54.172.60.0/30"], user="u", password="p")
    rules = [rule("SDR_1", individual("call"))]
    carriers = {tid: r.provider for tid, r in recognised_carriers([t]).items()}
    unknown = diagnose([t], rules, InboundCall(to=NUMBER), "http://127.0.0.1:7880")
    known = diagnose([t], rules, InboundCall(to=NUMBER), "http://127.0.0.1:7880", carriers=carriers)
    assert (unknown.outcome, known.outcome, known.sip_status) == ("accepted", "rejected", 407)
