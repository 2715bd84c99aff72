"""The result in two parts: the plan-only template (built while requests are in flight) and the
IDs LiveKit answered, filled in by `complete_result`."""

from __future__ import annotations

from phonewizard.domain.result import complete_result, result_template
from tests.domain.test_plan_result import make

IDS = {"inbound_trunk_id": "ST_in", "outbound_trunk_id": "ST_out", "dispatch_rule_id": "SDR_r"}


def test_status_follows_updated():
    p = make()
    when = "2026-11-24T03:00:00Z"
    for updated in (False, True):
        completed = complete_result(result_template(p), updated=updated, created_at=when, **IDS)
        assert completed.status == ("updated" if updated else "active") and completed.created_at == when


def test_completing_leaves_the_template_as_it_was():
    template = result_template(make())
    before = template.model_dump()
    result = complete_result(template, updated=False, **IDS)
    assert template.model_dump() == before and template.dispatch_rule_id == ""
    assert result.dispatch_rule_id == "SDR_r" and result.inbound_trunk_id == "ST_in" and result.created_at


def test_without_outbound_trunk_the_result_says_so():
    r = complete_result(result_template(make()), inbound_trunk_id="ST_in", outbound_trunk_id=None,
                        dispatch_rule_id="SDR_r", updated=False)
    assert r.outbound_enabled is False and r.outbound_trunk_id is None
