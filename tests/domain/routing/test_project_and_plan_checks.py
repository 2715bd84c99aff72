"""check_project (rule conflicts, shadowing, every object) and check_plan (the registration
against the project as it would be after Register, with test calls in the carrier's forms)."""

from livekit.protocol.sip import SIPOutboundTrunkInfo, SIPTransport

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.domain.routing import check_plan, check_project, project_after_register
from phonewizard.domain.routing.plan_checks import NEW_RULE_ID, NEW_TRUNK_ID, called_forms
from tests.domain.routing.builders import direct, individual, rule, trunk

CLOUD, SELF = "wss://demo.livekit.cloud", "http://127.0.0.1:7880"
TO = "+14155550123"


def codes(findings):
    return sorted(f.code for f in findings)


def make_plan(agent="my-agent", **registration):
    reg = {"phone_number": TO, "provider": "custom", **registration}
    return plan(PhoneWizardConfig.model_validate(
        {"agent_name": agent, "livekit": {"url": CLOUD, "api_key": "APIxyz"}, "registration": reg}))


def test_clean_project_has_no_findings():
    trunks = [trunk("ST_a", [TO])]
    rules = [rule("SDR_a", individual("agent"), trunks=["ST_a"])]
    assert check_project(trunks, rules, CLOUD) == []


def test_rule_conflicts_and_rules_without_type():
    rules = [rule("SDR_1", direct("a"), trunks=["ST_a"]), rule("SDR_2", direct("b"), trunks=["ST_a"]), rule("SDR_x")]
    found = check_project([trunk("ST_a", [TO])], rules, CLOUD)
    assert codes(found) == ["rule.conflict", "rule.no_type"]
    conflict = next(f for f in found if f.code == "rule.conflict")
    assert conflict.object_ids == ("SDR_1", "SDR_2")
    assert "rule.conflict" not in codes(check_project([], [rule("SDR_1", direct("a"), trunks=["ST_a"]),
                                                          rule("SDR_2", direct("b"), trunks=["ST_b"])], CLOUD))


def test_a_catch_all_shadowed_on_every_trunk_on_cloud():
    trunks = [trunk("ST_a", [TO])]
    rules = [rule("SDR_bound", direct("b"), trunks=["ST_a"]), rule("SDR_any", direct("any"))]
    [f] = check_project(trunks, rules, CLOUD)
    assert (f.code, f.severity) == ("rule.shadowed", "warning") and f.object_ids[:2] == ("SDR_any", "SDR_bound")
    # Self-hosted: calls without a trunk still reach the catch-all.
    [f] = check_project(trunks, rules, SELF)
    assert (f.code, f.severity) == ("rule.shadowed_on_trunk", "info")


def test_a_rule_attached_to_a_livekit_number_is_not_shadowed():
    trunks = [trunk("ST_a", [TO])]
    rules = [rule("SDR_bound", direct("b"), trunks=["ST_a"]), rule("SDR_lk", direct("lk"), numbers=["+18005550100"])]
    assert codes(check_project(trunks, rules, CLOUD)) == ["number.exact_match", "rule.shadowed"]
    assert codes(check_project(trunks, rules, CLOUD, phone_numbers={"+18005550100": ["SDR_lk"]})) == [
        "number.exact_match"]


def test_shadowing_respects_filters_and_pins():
    trunks = [trunk("ST_a", [TO]), trunk("ST_b", ["+19990000000"])]
    narrow = rule("SDR_bound", direct("b"), trunks=["ST_a"], numbers=[TO])
    broad = rule("SDR_any", direct("any"))
    assert codes(check_project(trunks, [narrow, broad], CLOUD)) == ["number.exact_match"]  # no shadowing:
    # the bound rule takes only some of the catch-all's calls
    pinned = rule("SDR_bound", direct("b", "1234"), trunks=["ST_a"])
    assert check_project(trunks, [pinned, broad], CLOUD) == []  # '#' falls through to the catch-all
    open_bound = rule("SDR_bound", direct("b"), trunks=["ST_a"])
    [f] = check_project(trunks, [open_bound, broad], CLOUD)
    assert f.code == "rule.shadowed_on_trunk" and "ST_a" in f.message  # ST_b still reaches it


def test_outbound_trunks_are_checked_when_given():
    out = SIPOutboundTrunkInfo(sip_trunk_id="ST_o", numbers=["+919876543210"], transport=SIPTransport.SIP_TRANSPORT_UDP)
    assert codes(check_project([], [], CLOUD, outbound_trunks=[out])) == ["india.destination_country"]


def test_carriers_mapping_makes_foreign_objects_carrier_aware():
    trunks = [trunk("ST_a", [TO], user="u", password="Pw-123456789")]
    rules = [rule("SDR_a", direct("r"), trunks=["ST_a"], numbers=[TO])]
    assert "auth.carrier_cannot_answer" not in codes(check_project(trunks, rules, CLOUD))
    found = check_project(trunks, rules, CLOUD, carriers={"ST_a": "twilio"})
    assert "auth.carrier_cannot_answer" in codes(found)
    assert "number.carrier_sends_without_plus" in codes(check_project(trunks, rules, CLOUD, carriers={"ST_a": "vonage"}))


def test_projection_replaces_our_objects_in_place():
    p = make_plan()
    ours_trunk = trunk("ST_old", [TO], provider="custom", phone=TO)
    ours_trunk.metadata = p.inbound.trunk.metadata
    ours_rule = rule("SDR_old", direct("r"), trunks=["ST_old"])
    ours_rule.metadata = p.dispatch.dispatch_rule.metadata
    foreign = rule("SDR_f", direct("f"), trunks=["ST_x"])
    proj = project_after_register(p, [ours_trunk], [ours_rule, foreign])
    assert [t.sip_trunk_id for t in proj.trunks] == ["ST_old"]
    assert [r.sip_dispatch_rule_id for r in proj.rules] == ["SDR_f", "SDR_old"]
    assert list(proj.rule.trunk_ids) == ["ST_old"]
    fresh = project_after_register(p, [], [])
    assert fresh.trunk.sip_trunk_id == NEW_TRUNK_ID and list(fresh.rule.trunk_ids) == [NEW_TRUNK_ID]
    assert fresh.rule.sip_dispatch_rule_id == NEW_RULE_ID
    assert p.dispatch.dispatch_rule.trunk_ids == []  # the plan itself is not changed


def test_plain_plan_on_an_empty_project_is_clean():
    assert check_plan(make_plan(), [], [], CLOUD) == []


def test_plan_twilio_with_inbound_digest():
    p = make_plan(provider="twilio", auth_username="alice", auth_password="Sup3r-Secret-Pa55",
                  provider_config={"inbound_digest_auth": True})
    assert "auth.carrier_cannot_answer" in codes(check_plan(p, [], [], CLOUD))


def test_plan_address_filter_misses_carrier_ranges():
    p = make_plan(provider="twilio", allowed_addresses=["54.172.60.0/30"])
    assert "address.carrier_ranges_missing" in codes(check_plan(p, [], [], CLOUD))


def test_plan_tls_without_media_encryption():
    p = make_plan(provider="custom", outbound_transport="TLS", media_encryption="DISABLE")
    assert "media.tls_without_srtp" in codes(check_plan(p, [], [], CLOUD))


def test_plan_call_fails_when_an_existing_trunk_holds_the_number():
    foreign = trunk("ST_f", [TO])
    found = check_plan(make_plan(), [foreign], [], CLOUD)
    assert "plan.call_fails" in codes(found)
    assert "503" in next(f.message for f in found if f.code == "plan.call_fails")


def test_plan_call_taken_elsewhere_by_an_existing_default_trunk_rule():
    # A foreign default trunk does not steal the number (the plan's trunk lists it), but a foreign
    # rule added to the plan's trunk would; here the foreign rule is bound to a trunk we replace.
    p = make_plan()
    ours = trunk("ST_old", [TO])
    ours.metadata = p.inbound.trunk.metadata
    thief = rule("SDR_thief", direct("elsewhere", ""), trunks=["ST_old"], numbers=[TO])
    found = check_plan(p, [ours], [thief], CLOUD)
    assert "plan.call_taken_elsewhere" in codes(found)


def test_plan_for_vonage_tries_the_number_without_plus():
    p = make_plan(provider="vonage")
    assert called_forms(p) == [TO, TO[1:]]
    assert "plan.call_fails" not in codes(check_plan(p, [], [], CLOUD))  # the trunk normalises


def test_plan_for_a_livekit_number_flags_the_exact_match_risk():
    p = make_plan(provider="livekit")
    found = check_plan(p, [], [], CLOUD)
    assert codes(found) == ["number.exact_match"]
    assert "agents#5847" in found[0].message


def test_plan_without_project_url_skips_test_calls():
    assert check_plan(make_plan(), [trunk("ST_f", [TO])], []) == []
