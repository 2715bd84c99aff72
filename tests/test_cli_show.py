"""`show`, `list --all` and `register --adopt` in-process against the sandbox: the edit loop
`show N --json > f.json` → `register f.json` for phonewizard's registrations and (with --adopt)
for set-ups made directly through livekit-api; exit codes; one List per object kind; hostile
names escaped."""

from __future__ import annotations

import json

from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration
from livekit.protocol.sip import (
    CreateSIPDispatchRuleRequest,
    CreateSIPInboundTrunkRequest,
    SIPDispatchRule,
    SIPDispatchRuleIndividual,
    SIPDispatchRuleInfo,
    SIPInboundTrunkInfo,
)

from phonewizard.domain.config_document import config_to_document
from phonewizard.domain.naming import parse_marker
from phonewizard.services.config_files import load_config
from tests.services.registrar_helpers import dashboard_rule, hand_made
from tests.test_cli import EXAMPLES, SIP_PASSWORD, TWILIO_NUMBER, example, run_cli  # noqa: F401 - fixture

FOREIGN = "+16505550142"
LISTS = ["ListPhoneNumbers", "ListSIPDispatchRule", "ListSIPInboundTrunk", "ListSIPOutboundTrunk"]


def without_times(snapshot: dict) -> dict:
    """The objects, without what an update may touch without changing anything (a timestamp,
    the sandbox's empty `media` message that a create sets and a replace does not, and the ID of
    the run that last wrote the object, which every run stamps into phonewizard's marker)."""
    for kind in ("inbound", "outbound", "rules"):
        for obj in snapshot.get(kind, {}).values():
            obj.pop("updated_at", None)
            if obj.get("media") == {}:
                del obj["media"]
            if obj.get("metadata", "").startswith("{"):
                marker = json.loads(obj["metadata"])
                marker.pop("run", None)
                obj["metadata"] = json.dumps(marker, sort_keys=True)
    return snapshot


def foreign_setup(sandbox, agent: str = "sales") -> list[str]:
    return hand_made(
        sandbox,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="Dashboard trunk", numbers=[FOREIGN],
                                                               metadata="made by Ana")),
        lambda ids: dashboard_rule(ids[0], name="to sales", pin="1234", agent=agent),
    )


def test_show_json_then_register_is_the_edit_loop_for_phonewizard_registrations(run_cli, sandbox_env, tmp_path):
    path = example("telnyx-outbound.json", tmp_path, auth_password=SIP_PASSWORD)
    assert run_cli("register", path).code == 0  # the password moves to the keyring
    registered = config_to_document(load_config(path).report.config)

    sandbox_env.log.clear()
    shown = run_cli("show", "+1 (312) 555-0142", "--json")
    assert shown.code == 0, shown.err
    assert sorted(sandbox_env.log.methods) == LISTS  # one List per object kind
    document = shown.json()
    assert document["registration"] == {k: v for k, v in registered["registration"].items() if k != "auth_password"}
    assert document["agent_name"] == registered["agent_name"] and "notice" not in shown.err

    before = without_times(sandbox_env.snapshot())
    edited = tmp_path / "number.json"
    edited.write_text(shown.out)
    again = run_cli("register", edited, "--json")  # SIP password from the keyring
    assert again.code == 0, again.err
    assert again.json()["status"] == "updated"
    assert without_times(sandbox_env.snapshot()) == before  # the same requests again: nothing changed

    document["registration"]["ringing_timeout_seconds"] = 45
    edited.write_text(json.dumps(document))
    assert run_cli("register", edited).code == 0
    [inbound] = sandbox_env.snapshot()["inbound"].values()
    assert inbound["ringing_timeout"] == "45s" and sandbox_env.counts()["inbound"] == 1


def test_show_in_plain_words(run_cli, sandbox_env):
    assert run_cli("register", EXAMPLES / "twilio.json").code == 0
    result = run_cli("show", TWILIO_NUMBER)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"{TWILIO_NUMBER}: registered by phonewizard (ok)"
    assert "  agent:   support-agent" in lines and "  carrier: Twilio (phonewizard's marker)" in lines
    assert any(line.startswith(f"Calls to {TWILIO_NUMBER} are accepted by inbound trunk ST_") for line in lines)
    assert "No outbound trunk: the agent cannot call out as +14155550123." in lines
    assert lines[-1].endswith("then phonewizard register number.json")


def test_show_of_a_number_with_nothing_exits_3_with_one_line(run_cli, sandbox_env):
    result = run_cli("show", "+14155550177")
    assert result.code == 3 and result.out == ""
    assert result.err.splitlines() == ["nothing in this LiveKit project is registered for +14155550177"]
    assert run_cli("show", "+14155550177", "--json").code == 3


def test_show_of_something_that_is_not_a_number_exits_2_before_connecting(run_cli, sandbox_env):
    result = run_cli("show", "sales-line")
    assert result.code == 2 and result.err.startswith("NUMBER: ")
    assert sandbox_env.log.methods == []


def test_a_foreign_setup_is_adopted_with_register_adopt(run_cli, sandbox_env, tmp_path):
    inbound, rule = foreign_setup(sandbox_env)
    shown = run_cli("show", FOREIGN, "--json")
    assert shown.code == 0
    assert "notice: " in shown.err and "dispatch_rule.rule.dispatch_rule_individual.pin" in shown.err
    path = tmp_path / "foreign.json"
    path.write_text(shown.out)

    before = sandbox_env.snapshot()
    refused = run_cli("register", path)
    assert refused.code == 3 and inbound in refused.err and "--adopt" in refused.err
    assert sandbox_env.snapshot() == before

    dry = run_cli("register", path, "--adopt", "--dry-run")
    assert dry.code == 0 and sandbox_env.snapshot() == before
    assert f"inbound trunk {inbound} “Dashboard trunk”: will be updated in place" in dry.err
    assert "rule.dispatch_rule_individual.pin: 1234 → (none)" in dry.err

    adopted = run_cli("register", path, "--adopt", "--json")
    assert adopted.code == 0, adopted.err
    assert f"Adopting for {FOREIGN} 2 objects made outside phonewizard:" in adopted.err
    result = adopted.json()
    assert (result["inbound_trunk_id"], result["dispatch_rule_id"], result["status"]) == (inbound, rule, "updated")
    snap = sandbox_env.snapshot()
    assert parse_marker(snap["inbound"][inbound]["metadata"]).agent_name == "sales"
    assert run_cli("show", FOREIGN).out.startswith(f"{FOREIGN}: registered by phonewizard (ok)")
    # Adopted, the document is now exact: show --json gives back what was registered.
    assert run_cli("show", FOREIGN, "--json").json() == json.loads(path.read_text())


def test_list_all_marks_foreign_incomplete_and_apart(run_cli, sandbox_env):
    assert run_cli("register", EXAMPLES / "twilio.json").code == 0
    foreign_setup(sandbox_env)
    hand_made(sandbox_env, CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name="catch-all", rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="any")))))
    result = run_cli("list", "--all")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].startswith("2 numbers at ") and "1 not made by phonewizard" in result.out
    assert f"{FOREIGN}  NOT MADE BY PHONEWIZARD  custom" in result.out
    assert f"{TWILIO_NUMBER}  ok  twilio" in result.out
    assert "APART — objects that serve no single number" in result.out and "“catch-all”" in result.out
    plain = run_cli("list")
    assert FOREIGN not in plain.out  # without --all: phonewizard's own only
    data = run_cli("list", "--all", "--json").json()
    assert [(e["phone_number"], e["state"]) for e in data["entries"]] == [(TWILIO_NUMBER, "ok"), (FOREIGN, "foreign")]
    assert [a["reason"] for a in data["apart"]] == ["catch_all_rule", "unassigned_number"]  # the sandbox's +1…100


def test_control_characters_from_livekit_are_escaped(run_cli, sandbox_env):
    foreign_setup(sandbox_env, agent="sales\x1b[2J\u202e\x9b")
    text = run_cli("show", FOREIGN)
    listed = run_cli("list", "--all")
    shown = run_cli("show", FOREIGN, "--json")
    for output in (text.out, listed.out, shown.out, shown.err):
        assert "\x1b" not in output and "\u202e" not in output and "\x9b" not in output
    assert "sales\\x1b[2J" in text.out
    assert json.loads(shown.out)["agent_name"] == "sales\x1b[2J\u202e\x9b"  # JSON readers undo the escape
    assert "to fix before registering: agent_name:" in shown.err  # register would refuse such a name


def test_adopt_leaves_an_object_shared_with_another_number_and_says_so(run_cli, sandbox_env, tmp_path):
    first, second = hand_made(
        sandbox_env,
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="a", numbers=[FOREIGN])),
        CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(name="b", numbers=["+16505550143"])))
    [shared] = hand_made(sandbox_env, CreateSIPDispatchRuleRequest(dispatch_rule=SIPDispatchRuleInfo(
        name="both lines", trunk_ids=[first, second],
        rule=SIPDispatchRule(dispatch_rule_individual=SIPDispatchRuleIndividual(room_prefix="x")),
        room_config=RoomConfiguration(agents=[RoomAgentDispatch(agent_name="sales")]))))
    shown = run_cli("show", FOREIGN, "--json")
    path = tmp_path / "shared.json"
    path.write_text(shown.out)
    before = sandbox_env.snapshot()
    result = run_cli("register", path, "--adopt")
    assert result.code == 3 and shared in result.err
    assert "--adopt takes over only objects that serve this number alone" in result.err
    assert sandbox_env.snapshot() == before
