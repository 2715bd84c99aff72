"""lk_export: the files parse back into the exact Create…Requests `lk` takes, minus secrets and IDs."""

import json
import stat
import sys

import pytest
from google.protobuf.json_format import Parse
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    CreateSIPOutboundTrunkRequest,
    SIPTransport,
)

from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from phonewizard.services.lk_export import export_lk, export_requests, lk_steps

SIP_PASSWORD = "Sip-Passw0rd-never-exported!"


def _plan(**registration):
    document = {
        "format": "phonewizard/1",
        "agent_name": "support-agent",
        "livekit": {"url": "http://127.0.0.1:7880", "api_key": "devkey"},
        "registration": {
            "phone_number": "+14155550123",
            "provider": "telnyx",
            "auth_username": "telnyx-user",
            "auth_password": SIP_PASSWORD,
            "enable_outbound": True,
            "outbound_address": "sip.telnyx.com",
            "outbound_transport": "TCP",
            "provider_config": {"inbound_digest_auth": True},
            **registration,
        },
    }
    report = check_config(document)
    assert report.ok, report.errors
    return plan(report.config)


def test_files_round_trip_to_the_plan_requests_without_password_or_trunk_ids(tmp_path):
    p = _plan()
    assert p.inbound.trunk.auth_password == SIP_PASSWORD  # the plan has it; the files must not
    paths = export_lk(p, tmp_path / "lk")
    assert [path.name for path in paths] == ["inbound.json", "outbound.json", "dispatch.json"]
    for path in paths:
        assert SIP_PASSWORD not in path.read_text(encoding="utf-8")
        if sys.platform != "win32":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600

    inbound = Parse(paths[0].read_text(), CreateSIPInboundTrunkRequest())
    expected = CreateSIPInboundTrunkRequest()
    expected.CopyFrom(p.inbound)
    expected.trunk.auth_password = ""
    assert inbound == expected
    assert inbound.trunk.auth_username == "telnyx-user"

    outbound = Parse(paths[1].read_text(), CreateSIPOutboundTrunkRequest())
    assert outbound.trunk.address == "sip.telnyx.com"
    assert outbound.trunk.transport == SIPTransport.SIP_TRANSPORT_TCP
    assert outbound.trunk.auth_password == "" and outbound.trunk.auth_username == "telnyx-user"

    dispatch_json = json.loads(paths[2].read_text())
    assert set(dispatch_json) == {"dispatch_rule"}  # the wrapper form current `lk` requires
    dispatch = Parse(paths[2].read_text(), CreateSIPDispatchRuleRequest())
    assert list(dispatch.dispatch_rule.trunk_ids) == []
    assert dispatch.dispatch_rule.rule.dispatch_rule_individual.room_prefix == p.room_prefix
    assert dispatch.dispatch_rule.room_config.agents[0].agent_name == "support-agent"
    # The plan itself is unchanged (its messages are shared with the registrar).
    assert p.inbound.trunk.auth_password == SIP_PASSWORD


def test_snake_case_and_protojson_forms():
    files = export_requests(_plan())
    inbound = json.loads(files["inbound.json"])["trunk"]
    assert inbound["ringing_timeout"] == "30s" and inbound["max_call_duration"] == "3600s"
    assert inbound["numbers"] == ["+14155550123"]
    assert json.loads(files["outbound.json"])["trunk"]["transport"] == "SIP_TRANSPORT_TCP"


def test_steps_name_the_missing_password_and_trunk_id(tmp_path):
    steps = lk_steps(_plan(), tmp_path)
    text = "\n".join(steps)
    assert f"lk sip inbound create {tmp_path / 'inbound.json'} --auth-pass" in text
    assert f"lk sip outbound create {tmp_path / 'outbound.json'} --auth-pass" in text
    assert f"lk sip dispatch create {tmp_path / 'dispatch.json'} --trunks ST_" in text
    assert "password is not in the inbound and outbound file" in text
    assert SIP_PASSWORD not in text


def test_inbound_only_without_credentials():
    p = _plan(auth_username=None, auth_password=None, enable_outbound=False, outbound_address=None,
              provider_config={}, allowed_addresses=["192.0.2.0/24"])
    files = export_requests(p)
    assert list(files) == ["inbound.json", "dispatch.json"]
    assert "auth_username" not in json.loads(files["inbound.json"])["trunk"]
    steps = lk_steps(p, "out")
    assert not any("--auth-pass" in s or "password" in s for s in steps)


def test_livekit_number_exports_only_the_rule(tmp_path):
    p = _plan(provider="livekit", phone_number="+14155550100", auth_username=None, auth_password=None,
              enable_outbound=False, outbound_address=None, outbound_transport="AUTO",
              provider_config={})
    paths = export_lk(p, tmp_path)
    assert [path.name for path in paths] == ["dispatch.json"]
    rule = json.loads(paths[0].read_text())["dispatch_rule"]
    assert rule["numbers"] == ["+14155550100"]
    steps = lk_steps(p, tmp_path)
    assert any("lk number update --number +14155550100 --sip-dispatch-rule-id SDR_" in s for s in steps)
    assert not any("--trunks" in s for s in steps)


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(NotADirectoryError):
        export_lk(_plan(), target)
