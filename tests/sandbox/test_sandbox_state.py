"""State file: registrations survive a restart; the file is atomic and holds no SIP password."""

from __future__ import annotations

import asyncio
import json

import pytest
from livekit import api
from livekit.protocol import sip as s

from phonewizard.sandbox import SandboxServer, StateFileError

SECRET = "s" * 40


def register(server):
    async def main():
        async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
            t = await lk.sip.create_inbound_trunk(
                s.CreateSIPInboundTrunkRequest(
                    trunk=s.SIPInboundTrunkInfo(numbers=["+14155550100"], auth_username="u", auth_password="top-secret-pw")
                )
            )
            o = await lk.sip.create_outbound_trunk(
                s.CreateSIPOutboundTrunkRequest(trunk=s.SIPOutboundTrunkInfo(address="a.example", numbers=["+14155550100"]))
            )
            r = await lk.sip.create_dispatch_rule(
                s.CreateSIPDispatchRuleRequest(
                    dispatch_rule=s.SIPDispatchRuleInfo(
                        rule=s.SIPDispatchRule(dispatch_rule_individual=s.SIPDispatchRuleIndividual(room_prefix="c-")),
                        trunk_ids=[t.sip_trunk_id],
                    )
                )
            )
            return t, o, r

    return asyncio.run(main())


def list_all(server):
    async def main():
        async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
            return (
                await lk.sip.list_inbound_trunk(s.ListSIPInboundTrunkRequest()),
                await lk.sip.list_outbound_trunk(s.ListSIPOutboundTrunkRequest()),
                await lk.sip.list_dispatch_rule(s.ListSIPDispatchRuleRequest()),
            )

    return asyncio.run(main())


def test_state_survives_restart_without_the_sip_password(tmp_path):
    path = tmp_path / "sandbox" / "state.json"
    first = SandboxServer(api_secret=SECRET, state_path=path).start_in_thread()
    try:
        t, o, r = register(first)
        before = first.snapshot()
    finally:
        first.stop_thread()

    text = path.read_text()
    assert "top-secret-pw" not in text and SECRET not in text
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]  # no temp file left behind

    second = SandboxServer(api_secret=SECRET, state_path=path).start_in_thread()
    try:
        inbound, outbound, rules = list_all(second)
        after = second.snapshot()
        # A conflicting trunk is still refused after the restart.
        with pytest.raises(api.TwirpError):
            register(second)
    finally:
        second.stop_thread()

    assert [x.sip_trunk_id for x in inbound.items] == [t.sip_trunk_id]
    assert inbound.items[0].auth_username == "u" and inbound.items[0].auth_password == ""
    assert [x.sip_trunk_id for x in outbound.items] == [o.sip_trunk_id]
    assert [x.sip_dispatch_rule_id for x in rules.items] == [r.sip_dispatch_rule_id]
    before["inbound"][t.sip_trunk_id].pop("auth_password")
    assert after == before  # phone-number IDs and assignments are kept too


def test_without_a_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = SandboxServer().start_in_thread()
    try:
        register(server)
    finally:
        server.stop_thread()
    assert list(tmp_path.iterdir()) == []


def test_corrupt_state_file_is_a_clear_error(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{broken")
    with pytest.raises(StateFileError) as e:
        SandboxServer(state_path=path)
    assert str(path) in str(e.value) and "move it away" in str(e.value)


def test_snapshot_is_a_deep_copy(sandbox):
    register(sandbox)
    snap = sandbox.snapshot()
    next(iter(snap["inbound"].values()))["numbers"].append("+1999")
    next(iter(snap["phone_numbers"].values()))["sip_dispatch_rule_ids"].append("SDR_x")
    assert sandbox.snapshot() != snap
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert json.dumps(sandbox.snapshot())  # plain JSON-able data


def test_port_in_use_is_a_clear_error(sandbox):
    from phonewizard.sandbox import SandboxStartError

    with pytest.raises(SandboxStartError) as e:
        SandboxServer(port=sandbox.port).start_in_thread()
    assert f"127.0.0.1:{sandbox.port}" in str(e.value) and "choose another port" in str(e.value)
    assert e.value.strerror and "sandbox" not in e.value.strerror  # the bare OS reason


def test_restart_keeps_the_port(tmp_path):
    server = SandboxServer(state_path=tmp_path / "s.json").start_in_thread()
    url = server.url
    server.stop_thread()
    server.start_in_thread()
    try:
        assert server.url == url
        register(server)
    finally:
        server.stop_thread()
