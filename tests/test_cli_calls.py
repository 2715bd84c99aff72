"""`phonewizard call` and `phonewizard probe`: exit codes, the `--json` contract, bad input, and a
real signal: a `phonewizard call` process killed with SIGTERM (or SIGINT, SIGHUP) while the phone
rings ends the call and deletes its room before it exits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from phonewizard import cli
from phonewizard.sandbox.call_switches import CallOutcome
from phonewizard.sandbox.sip_options import OptionsResponder
from phonewizard.services.registrar import Registrar
from tests.services.registrar_helpers import PHONE, connect, make_plan
from tests.test_cli_subprocess import POSIX_ONLY, ROOT, _default_sigint, sandbox_env

CALLEE = "+447700900123"


@pytest.fixture
def registered(sandbox_env):
    sandbox_env.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=0.05, agent_join_seconds=0.01)
    asyncio.run(Registrar(connect(sandbox_env)).apply(make_plan()))
    return sandbox_env


def run(capsys, *argv: str):
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_an_answered_call_exits_0_with_the_json_contract(registered, capsys):
    registered.calls.switches.script(CallOutcome.answer(hangup_after=0.1))
    code, out, err = run(capsys, "call", PHONE, "--to", CALLEE, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["outcome"] == "answered" and data["sip_status_code"] is None and data["sip_status"] is None
    assert isinstance(data["explanation"], str) and data["room"].startswith("phonewizard-test-")
    assert data["room_deleted"] is True and data["agent_joined"] is True
    assert "Dialling" in err and "Test room deleted" in err  # progress on stderr, JSON alone on stdout
    assert registered.calls.rooms.names() == []


@pytest.mark.parametrize("destination, outcome, code_", [
    ("+15550000486", "failed", 486), ("+15550000403", "failed", 403), ("+15550000480", "no_answer", 480),
])
def test_a_call_that_does_not_get_through_exits_5(registered, capsys, destination, outcome, code_):
    code, out, _ = run(capsys, "call", PHONE, "--to", destination, "--json", "--quiet")
    data = json.loads(out)
    assert code == 5 and (data["outcome"], data["sip_status_code"]) == (outcome, code_)
    assert data["sip_status"] and data["what_to_change"]


def test_no_answer_within_the_ringing_timeout_exits_5(registered, capsys):
    code, out, _ = run(capsys, "call", PHONE, "--to", "+15550000000", "--ringing-timeout", "1", "--json", "--quiet")
    data = json.loads(out)
    assert code == 5 and data["outcome"] == "no_answer" and data["sip_status_code"] is None


def test_the_human_verdict(registered, capsys):
    code, out, _ = run(capsys, "call", PHONE, "--to", "+15550000486", "--no-agent", "--quiet")
    assert code == 5
    assert out.startswith("failed (SIP 486 Busy Here)\n")
    assert "What to change:" in out and out.rstrip().endswith("deleted.")


def test_the_inbound_check(registered, capsys):
    code, out, err = run(capsys, "call", PHONE, "--inbound", "--json")
    data = json.loads(out)
    assert code == 0 and data["check"] == "inbound" and data["ok"] and data["outcome"] == "passed"
    assert "LiveKit created a room" in err and registered.calls.rooms.names() == []


@pytest.mark.parametrize("argv, message", [
    (["call", PHONE], "--to: required"),
    (["call", PHONE, "--to", CALLEE, "--inbound"], "--to: not with --inbound"),
    (["call", PHONE, "--inbound", "--no-agent"], "--no-agent: not with --inbound"),
    (["call", "12", "--to", CALLEE], "NUMBER: "),
    (["call", PHONE, "--to", "abc"], "--to: "),
    (["call", PHONE, "--to", CALLEE, "--max-seconds", "0"], "--max-seconds: "),
    (["call", "+14155550177", "--to", CALLEE], "registered no +14155550177"),
])
def test_bad_input_exits_2(registered, capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_a_number_without_outbound_exits_2_saying_how_to_enable_it(sandbox_env, capsys):
    asyncio.run(Registrar(connect(sandbox_env)).apply(make_plan(enable_outbound=False)))
    code, _, err = run(capsys, "call", PHONE, "--to", CALLEE)
    assert code == 2 and "has no outbound trunk" in err and '"enable_outbound": true' in err


def test_livekit_refusing_exits_3_and_unreachable_exits_4(registered, capsys, monkeypatch):
    registered.faults.fail("CreateSIPParticipant", "error", code="invalid_argument", msg="nope")
    code, _, err = run(capsys, "call", PHONE, "--to", CALLEE, "--quiet")
    assert code == 3 and "LiveKit refused: nope" in err and registered.calls.rooms.names() == []
    monkeypatch.setenv("LIVEKIT_URL", "http://127.0.0.1:9")
    code, _, _ = run(capsys, "call", PHONE, "--to", CALLEE, "--quiet")
    assert code == 4


# ---- probe ----------------------------------------------------------------------------------

def test_probe_exit_codes(capsys):
    responder = OptionsResponder().start_in_thread()
    try:
        code, out, err = run(capsys, "probe", f"sip:127.0.0.1:{responder.port};transport=tcp", "--json")
    finally:
        responder.stop_thread()
    data = json.loads(out)
    assert code == 0 and data["reachable"] and [s["step"] for s in data["steps"]] == ["dns", "tcp"]
    assert "OPTIONS" in err
    code, out, _ = run(capsys, "probe", "sip:127.0.0.1:9;transport=tcp", "--timeout", "1")
    assert code == 5 and out.startswith("not reachable:")


def test_probe_without_a_uri_or_profile_and_with_a_bad_uri_exits_2(capsys):
    code, _, err = run(capsys, "probe")
    assert code == 2 and err.startswith("SIP_URI: no SIP URI given")
    code, _, err = run(capsys, "probe", "https://abc.livekit.cloud")
    assert code == 2 and "SIP_URI:" in err


# ---- a real signal -----------------------------------------------------------------------------

@POSIX_ONLY
@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_while_ringing_ends_the_call_and_deletes_the_room(sandbox, sig):
    sandbox.calls.switches.set_timing(dial_seconds=0.01, ring_seconds=60, agent_join_seconds=0.01)
    asyncio.run(Registrar(connect(sandbox)).apply(make_plan()))
    child = subprocess.Popen(
        [sys.executable, "-m", "phonewizard", "call", PHONE, "--to", CALLEE, "--json", "--ringing-timeout", "120"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=sandbox_env(sandbox),
        preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + 60
        while not _ringing(sandbox):
            assert child.poll() is None and time.monotonic() < deadline, child.communicate()
            time.sleep(0.05)
        os.kill(child.pid, getattr(signal, sig))
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert "Traceback" not in err
    data = json.loads(out)
    assert child.returncode == 5 and data["outcome"] == "cancelled" and data["room_deleted"] is True
    assert f"interrupted ({sig})" in err
    assert sandbox.calls.rooms.names() == [] and data["room"] in sandbox.calls.rooms.deleted


def _ringing(sandbox) -> bool:
    return any(p.attributes.get("sip.callStatus") == "ringing"
               for room in sandbox.calls.rooms.names() for p in sandbox.calls.rooms.participants(room))
