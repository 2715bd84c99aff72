"""`phonewizard doctor`: the contract of issue 10 through the real livekit-api client over HTTP
against the sandbox, with trunks and rules created directly (as a user would in the dashboard
or with `lk`), not only by phonewizard: every outcome, the exit codes, the JSON fields, the plain
text, bad input, an unreachable project. (LiveKit Cloud's 404 needs a `*.livekit.cloud` URL,
which the sandbox cannot have: the Cloud/self-hosted difference is tested in tests/domain/routing.)
"""

from __future__ import annotations

import json

import pytest
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    SIPDispatchRule,
    SIPDispatchRuleDirect,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)

from phonewizard import cli
from tests.services.registrar_helpers import hand_made_objects

NUMBER = "+14155550123"
CALLER = "+15105550111"
CONTRACT = {"outcome", "sip_status", "trunk_id", "dispatch_rule_id", "room", "agents", "auth_required", "reasons"}
SIP_PASSWORD = "Inbound-Digest-Passw0rd-77"


class Doctor:
    """Runs `phonewizard doctor` in-process; checks no secret and no traceback ever shows."""

    def __init__(self, capsys, sandbox) -> None:
        self.capsys, self.sandbox = capsys, sandbox

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        code = cli.main(["doctor", *argv])
        out, err = self.capsys.readouterr()
        for secret in (self.sandbox.api_secret, SIP_PASSWORD):
            assert secret not in out + err
        assert "Traceback" not in err
        return code, out, err

    def json(self, *argv: str) -> tuple[int, dict]:
        code, out, _ = self("--json", *argv)
        return code, json.loads(out)


@pytest.fixture
def doctor(capsys, sandbox_env):
    return Doctor(capsys, sandbox_env)


def trunk(**fields) -> SIPInboundTrunkInfo:
    return SIPInboundTrunkInfo(name=fields.pop("name", "by hand"), numbers=fields.pop("numbers", [NUMBER]), **fields)


def individual(trunk_ids=(), agents=("support-agent",), **fields) -> SIPDispatchRuleInfo:
    return SIPDispatchRuleInfo(
        name=fields.pop("name", "rule by hand"), trunk_ids=list(trunk_ids),
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="call")),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name=a) for a in agents]), **fields)


def direct(room: str, pin: str = "", trunk_ids=(), agents=("support-agent",)) -> SIPDispatchRuleInfo:
    return SIPDispatchRuleInfo(
        name="direct by hand", trunk_ids=list(trunk_ids),
        rule=SIPDispatchRule(dispatch_rule_direct=SIPDispatchRuleDirect(room_name=room, pin=pin)),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name=a) for a in agents]))


# ---- every outcome, with its exit code and JSON ------------------------------------------------

def test_accepted_with_an_agent_exits_0(doctor, sandbox_env):
    trunk_id, rule_id = hand_made_objects(sandbox_env, trunk(), individual())  # the rule takes calls of any trunk
    code, verdict = doctor.json("--to", NUMBER, "--from", CALLER)
    assert code == 0
    assert CONTRACT <= set(verdict)
    assert verdict["outcome"] == "accepted" and verdict["sip_status"] is None
    assert (verdict["trunk_id"], verdict["dispatch_rule_id"]) == (trunk_id, rule_id)
    assert verdict["room"] == f"call_{CALLER}_<random>"
    assert verdict["agents"] == ["support-agent"] and verdict["auth_required"] is False
    assert verdict["reasons"] == [] and verdict["stopped_at"] is None
    assert [h["status"] for h in verdict["hops"]] == ["passed"] * 5


def test_accepted_without_an_agent_exits_5(doctor, sandbox_env):
    trunk_id, rule_id = hand_made_objects(sandbox_env, trunk(), individual(agents=()))
    code, verdict = doctor.json("--to", NUMBER)
    assert code == 5
    assert verdict["outcome"] == "accepted" and verdict["agents"] == []
    assert verdict["room"] == "call_<caller>_<random>"  # no caller given
    assert verdict["stopped_at"] == "agent"
    assert any("agent" in r and rule_id in r for r in verdict["reasons"])


def test_pin_required_then_accepted_with_the_pin(doctor, sandbox_env):
    trunk_id, rule_id = hand_made_objects(sandbox_env, trunk(), direct("lobby", pin="4321", trunk_ids=[]))
    code, verdict = doctor.json("--to", NUMBER)
    assert code == 5
    assert verdict["outcome"] == "pin_required" and verdict["sip_status"] is None
    assert verdict["dispatch_rule_id"] == rule_id and verdict["room"] is None and verdict["pin_requested"]
    code, verdict = doctor.json("--to", NUMBER, "--pin", "4321")
    assert code == 0
    assert verdict["outcome"] == "accepted" and verdict["room"] == "lobby"  # direct: no random part
    code, verdict = doctor.json("--to", NUMBER, "--pin", "1111")
    assert code == 5 and verdict["outcome"] == "pin_required"
    assert "4321" not in json.dumps(verdict)  # a rule's PIN is never shown


def test_rejected_with_407_when_a_recognised_twilio_trunk_challenges(doctor, sandbox_env):
    # Made by hand, so no marker: the carrier is recognised from Twilio's signalling ranges.
    [trunk_id, _] = hand_made_objects(sandbox_env, trunk(allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"],
                                              auth_username="carrier", auth_password=SIP_PASSWORD),
                           individual())
    code, verdict = doctor.json("--to", NUMBER, "--source-ip", "54.172.60.1")
    assert code == 5
    assert verdict["outcome"] == "rejected" and verdict["sip_status"] == 407
    assert verdict["auth_required"] is True and verdict["trunk_id"] == trunk_id
    assert verdict["dispatch_rule_id"] is None and verdict["stopped_at"] == "trunk"
    assert any("Twilio" in a and trunk_id in a for a in verdict["assumptions"])


def test_dropped_exits_5_and_names_the_rule_bound_elsewhere(doctor, sandbox_env):
    trunk_id, other_trunk = hand_made_objects(sandbox_env, trunk(), trunk(name="other", numbers=["+14155550999"]))
    # Meant for the number (its numbers say so) but bound to the wrong trunk.
    [rule_id] = hand_made_objects(sandbox_env, individual(trunk_ids=[other_trunk], numbers=[NUMBER]))
    code, verdict = doctor.json("--to", NUMBER)
    assert code == 5
    assert verdict["outcome"] == "dropped" and verdict["sip_status"] is None
    assert verdict["trunk_id"] == trunk_id and verdict["dispatch_rule_id"] is None and verdict["room"] is None
    assert verdict["stopped_at"] == "rule"
    [reason] = [r for r in verdict["reasons"] if r.startswith(f"rule {rule_id}")]
    assert other_trunk in reason and f"Add {trunk_id} to its trunk_ids" in reason


def test_error_with_503_when_two_trunks_take_the_call(doctor, sandbox_env):
    # LiveKit accepts these two (their allowed_numbers differ), then cannot choose for CALLER.
    first, second, _ = hand_made_objects(sandbox_env, trunk(allowed_numbers=[CALLER]), trunk(name="second"), individual())
    code, verdict = doctor.json("--to", NUMBER, "--from", CALLER)
    assert code == 5
    assert verdict["outcome"] == "error" and verdict["sip_status"] == 503
    assert verdict["trunk_id"] is None and verdict["stopped_at"] == "trunk"
    conflicts = [c["id"] for c in verdict["considered"] if c["status"] == "conflict"]
    assert sorted(conflicts) == sorted([first, second])
    # Another caller passes only the second trunk: accepted.
    code, verdict = doctor.json("--to", NUMBER, "--from", "+15105550999")
    assert code == 0 and verdict["trunk_id"] == second


def test_to_is_used_exactly_as_given(doctor, sandbox_env):
    # The trunk matches both forms (compared normalised); the rule's numbers is an exact string.
    trunk_id, rule_id = hand_made_objects(sandbox_env, trunk(), individual(numbers=[NUMBER]))
    code, verdict = doctor.json("--to", NUMBER)
    assert code == 0 and verdict["call"]["to"] == NUMBER
    code, verdict = doctor.json("--to", NUMBER.lstrip("+"))
    assert code == 5 and verdict["call"]["to"] == NUMBER.lstrip("+")
    assert verdict["outcome"] == "dropped" and verdict["trunk_id"] == trunk_id
    [rule] = [c for c in verdict["considered"] if c["id"] == rule_id]
    assert rule["code"] == "rule.number_other_form" and rule["fix"]


def test_caller_and_source_filters_give_their_reasons(doctor, sandbox_env):
    [trunk_id] = hand_made_objects(sandbox_env, trunk(allowed_numbers=[CALLER], allowed_addresses=["198.51.100.0/24"]))
    hand_made_objects(sandbox_env, individual(trunk_ids=[trunk_id]))  # bound: a call without the trunk finds no rule
    code, verdict = doctor.json("--to", NUMBER, "--from", "+15105550999")
    assert code == 5 and verdict["outcome"] == "dropped"
    [entry] = [c for c in verdict["considered"] if c["id"] == trunk_id]
    assert entry["code"] == "trunk.caller_not_allowed"
    code, verdict = doctor.json("--to", NUMBER, "--from", CALLER, "--source-ip", "203.0.113.7")
    [entry] = [c for c in verdict["considered"] if c["id"] == trunk_id]
    assert code == 5 and entry["code"] == "trunk.source_not_allowed" and "203.0.113.7" in entry["fix"]
    code, verdict = doctor.json("--to", NUMBER, "--from", CALLER, "--source-ip", "198.51.100.7")
    assert code == 0


# ---- plain text ----------------------------------------------------------------------------

def test_plain_text_says_the_verdict_the_assumptions_the_path_and_the_reasons(doctor, sandbox_env):
    trunk_id, other_trunk = hand_made_objects(sandbox_env, trunk(name="main line"), trunk(name="other", numbers=["+14155550999"]))
    [rule_id] = hand_made_objects(sandbox_env, individual(trunk_ids=[other_trunk], name="other's rule", numbers=[NUMBER]))
    code, out, err = doctor("--to", NUMBER)
    assert code == 5 and err == ""
    first = out.splitlines()[0]
    assert first.startswith("Dropped: ")
    assert "No caller given" in out and "No source IP given" in out
    assert f"main line ({trunk_id})" in out
    [stop] = [line for line in out.splitlines() if "STOPS HERE" in line]
    assert "Dispatch rule" in stop
    assert f"rule {rule_id} “other's rule”: skipped (rule.other_trunk)" in out
    assert "To change: Add" in out


def test_control_characters_in_names_are_escaped(doctor, sandbox_env):
    hand_made_objects(sandbox_env, trunk(name="evil\x1b[2Jtrunk\nsecond line"), individual())
    code, out, _ = doctor("--to", NUMBER)
    assert code == 0
    assert "\x1b" not in out and "\\x1b[2Jtrunk\\nsecond line" in out


# ---- bad input, unreachable ------------------------------------------------------------------

@pytest.mark.parametrize("argv, option", [
    (["--to", f" {NUMBER}"], "--to: "),
    (["--to", ""], "--to: "),
    (["--to", NUMBER, "--source-ip", "sip.example.com"], "--source-ip: "),
    (["--to", NUMBER, "--pin", "12#"], "--pin: "),
    (["--to", NUMBER, "--from", "\x07"], "--from: "),
])
def test_bad_input_exits_2_naming_the_option_before_any_request(doctor, sandbox_env, argv, option):
    code, out, err = doctor(*argv)
    assert code == 2 and out == ""
    assert err.startswith(option)
    assert sandbox_env.log.methods == []


def test_missing_to_is_a_usage_error(capsys):
    assert cli.main(["doctor"]) == 2
    assert "--to" in capsys.readouterr().err


def test_unreachable_and_wrong_secret_exit_4(capsys, sandbox, monkeypatch):
    monkeypatch.setenv("LIVEKIT_URL", sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", "wrong-" + "z" * 40)
    assert cli.main(["doctor", "--to", NUMBER]) == 4
    assert "did not accept API key" in capsys.readouterr().err
    sandbox.faults.fail("ListSIPInboundTrunk", "drop")
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    assert cli.main(["doctor", "--to", NUMBER, "--json"]) == 4
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: Could not reach LiveKit")


def test_no_project_configured_exits_2(capsys):
    assert cli.main(["doctor", "--to", NUMBER]) == 2
    assert "no LiveKit project configured" in capsys.readouterr().err


# ---- the checks before a registration ---------------------------------------------------------

def test_register_prints_the_doctors_findings_from_its_own_read_of_the_project(capsys, sandbox_env, tmp_path):
    from tests.test_cli import example

    hand_made_objects(sandbox_env, individual(name="catch-all"))
    # Two of Twilio's eight ranges (the example lists all eight): the trunk refuses some of its calls.
    path = example("twilio.json", tmp_path, allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"])
    assert cli.main(["register", str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning: doctor: Trunk ST_" in err and "calls Twilio" in err  # its own objects
    assert "note: doctor: Rule SDR_" in err and "(no trunk_ids) gets no calls" in err  # the project's
    # No read of its own: the findings come from the lists the conflict check read. The registrar
    # lists twice by itself (the conflict check, and the race rule's look once its objects exist).
    assert sandbox_env.log.methods.count("ListSIPDispatchRule") == 2
    assert sandbox_env.log.methods.count("ListPhoneNumbers") == 0


def test_a_failed_registration_prints_no_findings(capsys, sandbox_env):
    from tests.test_cli import EXAMPLES

    sandbox_env.faults.fail("CreateSIPDispatchRule", "error", msg="rule rejected for the test")
    assert cli.main(["register", str(EXAMPLES / "twilio.json")]) == 3
    err = capsys.readouterr().err
    assert "doctor:" not in err and "rule rejected for the test" in err


def test_dry_run_and_validate_print_the_offline_checks_and_send_nothing(capsys, sandbox_env, tmp_path):
    from tests.test_cli import EXAMPLES, example

    # Two of Twilio's eight ranges (the example lists all eight), so the trunk draws a warning.
    path = example("twilio.json", tmp_path, allowed_addresses=["54.172.60.0/30", "54.244.51.0/30"])
    assert cli.main(["register", str(path), "--dry-run"]) == 0
    assert "warning: doctor: Trunk (new inbound trunk)" in capsys.readouterr().err
    assert cli.main(["validate", str(EXAMPLES / "livekit-number.json")]) == 0
    assert "note: doctor: Rule (new dispatch rule) takes only calls" in capsys.readouterr().err
    assert sandbox_env.log.methods == []
