"""`phonewizard unregister NUMBER --carrier`: phonewizard's objects at the carrier go too, found by
their names; what it only reused stays; without the option the carrier is left alone. Over HTTP:
the real SDKs against the stand-ins, livekit-api against the sandbox, the CLI in process."""

from __future__ import annotations

import json

import pytest

from phonewizard import cli
from phonewizard.services.config_files import default_config_path
from phonewizard.services.secret_store import SecretStore, telnyx_key_key, twilio_secret_key
from tests.carriers.helpers import NUMBER, OTHER, run, telnyx_document, twilio_document

EMPTY_TWILIO = {"trunks": 0, "origination_urls": 0, "credential_lists": 0, "attached_lists": 0, "numbers_on_trunks": 0}
EMPTY_TELNYX = {"connections": 0, "fqdns": 0, "profiles": 0, "numbers_on_connections": 0}
EMPTY_LIVEKIT = {"inbound": 0, "outbound": 0, "rules": 0}


@pytest.fixture
def twilio_env(sandbox_env, twilio_standin, monkeypatch):
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio_standin.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_standin.auth_token)
    monkeypatch.setenv("PHONEWIZARD_TWILIO_BASE_URL", twilio_standin.url)
    return twilio_standin


@pytest.fixture
def telnyx_env(sandbox_env, telnyx_standin, monkeypatch):
    monkeypatch.setenv("TELNYX_API_KEY", telnyx_standin.api_key)
    monkeypatch.setenv("PHONEWIZARD_TELNYX_BASE_URL", telnyx_standin.url)
    return telnyx_standin


def unregister(*extra: str) -> int:
    return cli.main(["unregister", NUMBER, *extra])


def test_without_carrier_the_carrier_is_left_alone_and_the_option_is_named(sandbox, twilio_env, capsys):
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    before = twilio_env.counts()
    assert unregister() == 0
    out = capsys.readouterr().out
    assert f"Unregistered {NUMBER}" in out and "--carrier" in out
    assert twilio_env.counts() == before and sandbox.counts() == EMPTY_LIVEKIT


def test_twilio_objects_go_and_the_carrier_comes_from_livekits_objects(sandbox, twilio_env, capsys):
    done = run(sandbox, twilio_env, twilio_document(sandbox.url))
    assert unregister("--carrier") == 0
    out = capsys.readouterr().out
    assert f"Removed at Twilio (the stand-in at {twilio_env.url})" in out
    assert done.carrier.ids["trunk_sid"] in out and done.carrier.ids["credential_list_sid"] in out
    assert twilio_env.counts() == EMPTY_TWILIO and sandbox.counts() == EMPTY_LIVEKIT
    assert twilio_env.number(NUMBER)["trunk_sid"] is None
    # Again: nothing left to do, and saying so is not an error.
    assert unregister("--carrier", "twilio") == 0
    assert "Nothing of phonewizard's for +14155550123 was found at Twilio" in capsys.readouterr().out


def test_a_reused_trunk_stays_with_the_number_and_loses_only_phonewizards_parts(sandbox, twilio_env, capsys):
    mine = twilio_env.add_trunk("Acme main trunk", "acme.pstn.twilio.com")
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    assert twilio_env.counts()["origination_urls"] == 2
    assert unregister("--carrier", "twilio") == 0
    out = capsys.readouterr().out
    assert "left as it is: your trunk “Acme main trunk” (not made by phonewizard)" in out
    assert mine in twilio_env.trunks and twilio_env.number(NUMBER)["trunk_sid"] == mine
    assert twilio_env.counts() == {**EMPTY_TWILIO, "trunks": 1, "numbers_on_trunks": 1}


def test_origination_shared_with_another_number_on_a_reused_trunk_stays(sandbox, twilio_env, capsys):
    mine = twilio_env.add_trunk("Acme main trunk", "acme.pstn.twilio.com")
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    twilio_env.add_number(OTHER, trunk_sid=mine)  # another number routed by the same origination
    assert unregister("--carrier", "twilio") == 0
    out = capsys.readouterr().out
    assert f"they also route {OTHER}" in out
    assert twilio_env.counts()["origination_urls"] == 2 and twilio_env.counts()["credential_lists"] == 0


def test_a_failure_at_the_carrier_leaves_livekit_and_a_second_run_finishes(sandbox, twilio_env, capsys):
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    twilio_env.faults.fail("DeleteTrunk", "5xx")
    assert unregister("--carrier") == 1
    err = capsys.readouterr().err
    assert "did not finish" in err and "Still at Twilio: trunk TK" in err and "run the same command again" in err
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}  # LiveKit untouched
    assert unregister("--carrier") == 0
    assert twilio_env.counts() == EMPTY_TWILIO and sandbox.counts() == EMPTY_LIVEKIT


def test_wrong_or_missing_credentials_remove_nothing_anywhere(sandbox, twilio_env, monkeypatch, capsys):
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    before = twilio_env.counts()
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "0" * 32)
    assert unregister("--carrier") == 4
    assert "did not accept" in capsys.readouterr().err
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    assert unregister("--carrier") == 2
    assert "--carrier: Twilio needs the Auth Token" in capsys.readouterr().err
    assert twilio_env.counts() == before and sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_the_token_and_account_can_come_from_the_keyring_and_the_saved_profile(sandbox, twilio_env, monkeypatch,
                                                                             memory_keyring, capsys):
    run(sandbox, twilio_env, twilio_document(sandbox.url))
    profile = twilio_document(sandbox.url, setup={"account_sid": twilio_env.account_sid})
    profile["registration"].pop("auth_password")
    default_config_path().parent.mkdir(parents=True, exist_ok=True)
    default_config_path().write_text(json.dumps(profile), encoding="utf-8")
    SecretStore().set(twilio_secret_key(twilio_env.account_sid), twilio_env.auth_token)
    monkeypatch.delenv("TWILIO_ACCOUNT_SID")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    assert unregister("--carrier") == 0
    assert twilio_env.counts() == EMPTY_TWILIO
    assert twilio_env.auth_token not in capsys.readouterr().out


def test_no_carrier_named_anywhere_is_invalid_input(sandbox_env, capsys):
    assert unregister("--carrier") == 2
    assert "--carrier: say which carrier to clean up for +14155550123" in capsys.readouterr().err


def test_telnyx_objects_go_and_a_reused_connection_stays(sandbox, telnyx_env, memory_keyring, monkeypatch, capsys):
    run(sandbox, telnyx_env, telnyx_document(sandbox.url))
    assert telnyx_env.counts()["profiles"] == 1 and telnyx_env.counts()["fqdns"] == 2
    monkeypatch.delenv("TELNYX_API_KEY")
    SecretStore().set(telnyx_key_key(), telnyx_env.api_key)
    assert unregister("--carrier") == 0
    assert telnyx_env.counts() == EMPTY_TELNYX and sandbox.counts() == EMPTY_LIVEKIT

    theirs = telnyx_env.add_connection("Office PBX")
    run(sandbox, telnyx_env, telnyx_document(sandbox.url, setup={"connection_id": theirs}))
    assert unregister("--carrier", "telnyx") == 0
    out = capsys.readouterr().out
    assert "left as it is: your connection “Office PBX” (not made by phonewizard)" in out
    assert theirs in telnyx_env.connections and telnyx_env.number(NUMBER)["connection_id"] == theirs
    assert "the outbound voice profile “phonewizard +14155550123” (your connection uses it" in out
    assert telnyx_env.counts()["profiles"] == 1  # kept: that connection's outbound calls need it


def test_a_telnyx_failure_lists_what_is_left(sandbox, telnyx_env, capsys):
    run(sandbox, telnyx_env, telnyx_document(sandbox.url))
    telnyx_env.faults.fail("DeleteFqdnConnection", "5xx")
    assert unregister("--carrier", "telnyx") == 1
    err = capsys.readouterr().err
    assert "Still at Telnyx: connection" in err and "Removed: " in err
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert unregister("--carrier", "telnyx") == 0
    assert telnyx_env.counts() == EMPTY_TELNYX
