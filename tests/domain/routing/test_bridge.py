"""What the carrier receives (livekit/sip processInvite/handleInvite/pinPrompt over
livekit/livekit ioservice_sip.go): Cloud against self-hosted without a trunk, DROP, 503 for
conflicts, the digest challenge, the PIN prompt."""

import pytest

from phonewizard.domain.routing.bridge import Stage, answer_invite
from phonewizard.domain.routing.evaluate import DispatchResult
from phonewizard.domain.routing.ioservice import evaluate_sip_dispatch_rules, get_sip_trunk_authentication
from phonewizard.domain.routing.rpc import DispatchRequest, RoutingError, SIPCall
from phonewizard.domain.routing.store import ListStore
from tests.domain.routing.builders import direct, individual, rule, trunk

TO, FROM = "+14155550123", "+15550001111"
CALL = SIPCall(to_user=TO, from_user=FROM, source_ip="54.172.60.1")
T = trunk("ST_a", [TO])
CATCH_ALL = rule("SDR_any", direct("lobby"))
BOUND = rule("SDR_bound", individual("agent"), trunks=["ST_a"])


def invite(trunks, rules, call, **options):
    return answer_invite(ListStore(trunks, rules), call, **options)


@pytest.mark.parametrize("cloud,status,reason,stage", [
    (True, 404, "No trunk found", Stage.AUTH),  # Cloud: NO_TRUNK_FOUND
    (False, 200, "OK", Stage.DISPATCH),  # self-hosted: on without a trunk, the catch-all takes it
])
def test_no_trunk_cloud_rejects_self_hosted_goes_on(cloud, status, reason, stage):
    o = invite([trunk("ST_other", ["+19990000000"])], [CATCH_ALL], CALL, cloud=cloud)
    assert (o.sip_status, o.sip_reason, o.stage) == (status, reason, stage)
    assert o.trunk is None


def test_self_hosted_without_trunk_drops_when_only_bound_rules_exist():
    o = invite([], [BOUND], CALL, cloud=False)
    assert o.dropped and o.sip_status is None and o.stage is Stage.DISPATCH


def test_no_rule_drops_without_any_response():
    o = invite([T], [rule("SDR_x", direct("r"), trunks=["ST_other"])], CALL, cloud=True)
    assert o.dropped and o.sip_status is None and o.trunk is T


def test_trunk_conflict_is_503_at_the_auth_stage():
    o = invite([T, trunk("ST_b", [TO])], [CATCH_ALL], CALL, cloud=True)
    assert (o.stage, o.sip_status, o.sip_reason) == (Stage.AUTH, 503, "Try again later")
    assert o.error is not None and o.error.object_ids == ("ST_a", "ST_b")


def test_rule_conflict_is_503_at_dispatch():
    o = invite([T], [CATCH_ALL, rule("SDR_any2", direct("lobby2"))], CALL, cloud=True)
    assert (o.stage, o.sip_status) == (Stage.DISPATCH, 503)


def test_digest_challenge_needs_both_username_and_password():
    assert invite([trunk("ST_a", [TO], user="u", password="p")], [BOUND], CALL, cloud=True).auth_required
    assert not invite([trunk("ST_a", [TO], user="u")], [BOUND], CALL, cloud=True).auth_required


def test_pin_prompt():
    pinned = rule("SDR_pin", direct("vault", "1234"), trunks=["ST_a"])
    asked = invite([T], [pinned], CALL, cloud=True)
    assert asked.pin_requested and asked.dispatch.result is DispatchResult.REQUEST_PIN and not asked.accepted
    right = invite([T], [pinned], CALL, cloud=True, pin="1234")
    assert right.accepted and right.stage is Stage.PIN and right.dispatch.room_name == "vault"
    wrong = invite([T], [pinned], CALL, cloud=True, pin="9")
    assert not wrong.accepted and wrong.stage is Stage.PIN and wrong.sip_status == 200


def test_hash_alone_falls_back_to_open_rules():
    pinned = rule("SDR_pin", direct("vault", "1234"), trunks=["ST_a"])
    open_rule = rule("SDR_open", direct("lobby"), trunks=["ST_a"])
    o = invite([T], [pinned, open_rule], CALL, cloud=True, pin="")
    assert o.accepted and o.rule is open_rule


def test_unparsable_source_ip_is_invalid_argument():
    with pytest.raises(RoutingError, match="unable to parse IP"):
        get_sip_trunk_authentication(ListStore([T], []), SIPCall(to_user=TO, source_ip="nope"))


def test_evaluate_sip_dispatch_rules_lists_rules_for_the_trunk_only():
    # Rules of other trunks are filtered out before the validator: their conflicts do not matter.
    others = [rule("SDR_o1", direct("x"), trunks=["ST_z"]), rule("SDR_o2", direct("x"), trunks=["ST_z"])]
    trunk_, best, resp = evaluate_sip_dispatch_rules(ListStore([T], others + [BOUND]), DispatchRequest(CALL))
    assert best is BOUND and resp.sip_trunk_id == "ST_a"


def test_livekit_number_has_no_trunk_and_only_its_attached_rules():
    lk_rule = rule("SDR_lk", individual("agent"), numbers=[TO])
    o = invite([], [lk_rule, CATCH_ALL], CALL, cloud=True, livekit_number_rules=["SDR_lk"])
    assert o.accepted and o.rule is lk_rule and o.trunk is None
