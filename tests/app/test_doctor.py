"""app/doctor.py without a network: a snapshot built from objects already read, input problems named
as the front end names them, the offline checks. (Over HTTP: tests/test_cli_doctor.py.)"""

from __future__ import annotations

import pytest

from phonewizard.app.doctor import check_call, offline_checks, snapshot_of
from phonewizard.app.errors import InvalidInput
from phonewizard.domain.livekit_objects import PhoneNumberInfo, ProjectObjects
from phonewizard.domain.routing import InboundCall
from tests.domain.routing.builders import individual, rule, trunk

CLOUD = "wss://acme.livekit.cloud"


def test_input_problems_carry_the_front_ends_names():
    with pytest.raises(InvalidInput) as caught:
        check_call(InboundCall(to=" +1415", source_ip="nope", pin="12#"),
                   {"to": "Called number", "source_ip": "Source IP"})
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["Called number", "Source IP", "pin"]


def test_a_snapshot_routes_livekit_numbers_but_not_released_ones():
    rules = (rule("SDR_live", individual("live")), rule("SDR_old", individual("old"), numbers=["+14155550999"]))
    objects = ProjectObjects(rules=rules, numbers=(
        PhoneNumberInfo("PN_1", "+14155550100", ("SDR_live",), "PHONE_NUMBER_STATUS_ACTIVE"),
        PhoneNumberInfo("PN_2", "+14155550999", ("SDR_old",), "PHONE_NUMBER_STATUS_RELEASED")))
    snapshot = snapshot_of(objects, CLOUD)
    assert snapshot.phone_numbers == {"+14155550100": ("SDR_live",)}
    live = snapshot.diagnose(InboundCall(to="+14155550100"))
    assert live.outcome == "accepted" and live.dispatch_rule_id == "SDR_live"
    released = snapshot.diagnose(InboundCall(to="+14155550999"))
    assert released.outcome == "rejected" and released.sip_status == 404  # Cloud, no trunk
    with pytest.raises(InvalidInput):
        snapshot.diagnose(InboundCall(to=""))


def test_recognised_carriers_are_stated_as_assumptions_and_reach_the_findings():
    t = trunk("ST_1", ["+14155550123"], allowed_addresses=["54.172.60.0/30"], user="u", password="p")
    snapshot = snapshot_of(ProjectObjects(inbound=(t,), rules=(rule("SDR_1", individual("c")),)), CLOUD)
    verdict = snapshot.diagnose(InboundCall(to="+14155550123"))
    assert verdict.sip_status == 407
    assert any(a.startswith("Trunk ST_1 was not made by phonewizard; its carrier is taken to be Twilio")
               for a in verdict.assumptions)
    codes = {f.code for f in snapshot.project_findings()}
    assert "auth.carrier_cannot_answer" in codes


def test_offline_checks_need_no_project(tmp_path):
    from phonewizard.app.documents import open_config
    from phonewizard.domain.plan import plan
    from tests.test_cli import example

    # Two of Twilio's eight ranges (examples/twilio.json lists all eight): calls from the rest refused.
    path = example("twilio.json", tmp_path, allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"])
    config = open_config(path, {}, store=None).config
    checks = offline_checks(plan(config), config.livekit.url)
    assert not checks.against_project and checks.problem is None
    assert [f.code for f in checks.warnings] == ["address.carrier_ranges_missing"]
