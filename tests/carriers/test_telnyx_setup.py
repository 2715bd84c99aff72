"""Telnyx set-up over HTTP: app.register with the real `telnyx` SDK against the Telnyx stand-in and
the real livekit-api against the LiveKit sandbox. All or nothing across both."""

from __future__ import annotations

import pytest

from phonewizard.app.errors import CarrierAuthFailed, CarrierConflict, CarrierRefused
from tests.carriers.helpers import EMPTY_LIVEKIT, NUMBER, OTHER, failure_undoes_everything, run, telnyx_document

EMPTY_TELNYX = {"connections": 0, "fqdns": 0, "profiles": 0, "numbers_on_connections": 0}


def test_a_fresh_account_gets_connection_fqdns_profile_and_number(sandbox, telnyx_standin):
    done = run(sandbox, telnyx_standin, telnyx_document(sandbox.url))
    tx = telnyx_standin
    conn = tx.connections[done.carrier.ids["connection_id"]]
    assert conn["transport_protocol"] == "TCP" and conn["user_name"] == "acme-sales"
    assert conn["inbound"] == {"ani_number_format": "+E.164", "dnis_number_format": "+e164"}
    assert conn["outbound"]["outbound_voice_profile_id"] == done.carrier.ids["outbound_voice_profile_id"]
    assert sorted((f["fqdn"], f["port"]) for f in tx.fqdns.values()) == [
        ("abc123.sip.livekit.cloud", 5060), ("abc123.us.sip.livekit.cloud", 5060)]
    assert tx.number(NUMBER)["connection_id"] == conn["id"]
    assert "password" not in conn and sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_tls_asks_for_srtp_and_port_5061(sandbox, telnyx_standin):
    done = run(sandbox, telnyx_standin, telnyx_document(sandbox.url, outbound_transport="TLS"))
    conn = telnyx_standin.connections[done.carrier.ids["connection_id"]]
    assert conn["transport_protocol"] == "TLS" and conn["encrypted_media"] == "SRTP"
    assert {f["port"] for f in telnyx_standin.fqdns.values()} == {5061}


def test_a_repeat_run_updates_in_place(sandbox, telnyx_standin):
    first = run(sandbox, telnyx_standin, telnyx_document(sandbox.url))
    second = run(sandbox, telnyx_standin, telnyx_document(sandbox.url, outbound_transport="TLS"))
    assert second.carrier.ids["connection_id"] == first.carrier.ids["connection_id"]
    assert telnyx_standin.counts() == {"connections": 1, "fqdns": 2, "profiles": 1, "numbers_on_connections": 1}
    assert {f["port"] for f in telnyx_standin.fqdns.values()} == {5061}  # the old routes went last


def test_a_number_on_another_connection_stops_everything_before_any_change(sandbox, telnyx_standin):
    other = telnyx_standin.add_connection("Office PBX")
    telnyx_standin.add_number(OTHER, connection_id=other)
    with pytest.raises(CarrierConflict, match="Office PBX"):
        run(sandbox, telnyx_standin, telnyx_document(sandbox.url, number=OTHER))
    assert sandbox.counts() == EMPTY_LIVEKIT and telnyx_standin.counts()["connections"] == 1
    moved = run(sandbox, telnyx_standin, telnyx_document(sandbox.url, number=OTHER, setup={"move_number": True}))
    assert telnyx_standin.number(OTHER)["connection_id"] == moved.carrier.ids["connection_id"] != other


def test_a_taken_username_is_refused_and_nothing_is_left(sandbox, telnyx_standin):
    with pytest.raises(CarrierRefused, match="user_name: has already been taken"):
        run(sandbox, telnyx_standin, telnyx_document(sandbox.url, auth_username="taken-user"))
    assert telnyx_standin.counts() == EMPTY_TELNYX and sandbox.counts() == EMPTY_LIVEKIT


@pytest.mark.parametrize("operation", ["CreateOutboundVoiceProfile", "CreateFqdnConnection", "CreateFqdn",
                                       "UpdatePhoneNumber"])
@pytest.mark.parametrize("kind", ["error", "5xx", "drop"])
def test_a_failure_at_each_step_undoes_everything(sandbox, telnyx_standin, operation, kind):
    telnyx_standin.faults.fail(operation, kind)
    failure_undoes_everything(sandbox, telnyx_standin, telnyx_document(sandbox.url), EMPTY_TELNYX)


def test_a_reused_connection_is_restored_when_a_later_step_fails(sandbox, telnyx_standin):
    mine = telnyx_standin.add_connection("My LiveKit trunk")
    telnyx_standin.faults.fail("UpdatePhoneNumber", "error")
    with pytest.raises(CarrierRefused):
        run(sandbox, telnyx_standin, telnyx_document(sandbox.url, setup={"connection_id": mine}))
    conn = telnyx_standin.connections[mine]
    assert conn["transport_protocol"] == "UDP" and conn["inbound"]["ani_number_format"] == "E.164"
    assert telnyx_standin.counts() == {**EMPTY_TELNYX, "connections": 1}


def test_a_wrong_api_key_fails_before_livekit_is_touched(sandbox, telnyx_standin):
    with pytest.raises(CarrierAuthFailed, match="Telnyx did not accept the API key") as info:
        run(sandbox, telnyx_standin, telnyx_document(sandbox.url), secret="KEYwrong0123456789")
    assert "KEYwrong0123456789" not in str(info.value)
    assert sandbox.log.methods == []
