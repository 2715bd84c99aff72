"""simulate_call: a concrete call for the sandbox, with a real (or supplied) random suffix."""

import pytest

from phonewizard.domain.routing import InboundCall, simulate_call
from tests.domain.routing.builders import direct, individual, rule, trunk

CLOUD = "wss://demo.livekit.cloud"
TO, FROM = "+14155550123", "+15550001111"
T = trunk("ST_a", [TO], user="u", password="Pw-123456789")
R = rule("SDR_a", individual("agent", randomize=True), trunks=["ST_a"], agents=("bob",))
R.metadata = "rule-meta"


def test_accepted_call_has_everything_to_create_the_room():
    routed = simulate_call([T], [R], InboundCall(to=TO, caller=FROM), CLOUD, random_suffix=lambda: "ABCdef234567",
                           call_id="SCL_test")
    assert routed.outcome == "accepted" and routed.sip_status == 200 and routed.auth_required
    assert routed.room_name == f"agent_{FROM}_ABCdef234567"
    assert (routed.participant_identity, routed.participant_name) == (f"sip_{FROM}", f"Phone {FROM}")
    assert routed.participant_metadata == "rule-meta"
    assert routed.participant_attributes["sip.callID"] == "SCL_test"
    assert routed.participant_attributes["sip.trunkID"] == "ST_a"
    assert [a.agent_name for a in routed.agents] == ["bob"]
    assert routed.trunk is T and routed.rule is R


def test_default_suffix_is_random():
    a = simulate_call([T], [R], InboundCall(to=TO, caller=FROM), CLOUD)
    b = simulate_call([T], [R], InboundCall(to=TO, caller=FROM), CLOUD)
    assert a.room_name != b.room_name and len(a.room_name) == len(f"agent_{FROM}_") + 12


@pytest.mark.parametrize("trunks,rules,outcome,status", [
    ([], [R], "rejected", 404),
    ([T], [], "dropped", None),
    ([T, trunk("ST_b", [TO])], [R], "error", 503),
])
def test_failures(trunks, rules, outcome, status):
    routed = simulate_call(trunks, rules, InboundCall(to=TO, caller=FROM), CLOUD)
    assert (routed.outcome, routed.sip_status, routed.room_name) == (outcome, status, None)


def test_nothing_is_assumed_about_an_unknown_caller():
    picky = trunk("ST_a", [TO], allowed_numbers=[FROM])
    assert simulate_call([picky], [R], InboundCall(to=TO), CLOUD).outcome == "rejected"


def test_pin():
    pinned = rule("SDR_p", direct("vault", "42"), trunks=["ST_a"])
    assert simulate_call([T], [pinned], InboundCall(to=TO), CLOUD).outcome == "pin_required"
    assert simulate_call([T], [pinned], InboundCall(to=TO, pin="42"), CLOUD).room_name == "vault"


def test_routing_project_reuses_its_index_for_verdicts_and_simulations():
    from phonewizard.domain.routing import RoutingProject, diagnose

    project = RoutingProject([T], [R], CLOUD)
    call = InboundCall(to=TO, caller=FROM)
    assert project.diagnose(call).to_json() == diagnose([T], [R], call, CLOUD).to_json()
    assert project.simulate(call, random_suffix=lambda: "X").room_name == f"agent_{FROM}_X"


@pytest.mark.parametrize("url,cloud", [
    ("wss://demo-abc.livekit.cloud", True), ("https://demo.livekit.cloud/", True), ("demo.livekit.cloud", True),
    ("ws://localhost:7880", False), ("wss://livekit.cloud.example.com", False), ("wss://notlivekit.cloud", False),
    ("http://127.0.0.1:7880", False),
])
def test_cloud_is_a_livekit_cloud_host(url, cloud):
    from phonewizard.domain.routing import is_cloud_url

    assert is_cloud_url(url) is cloud
