"""`phonewizard register` with provider_config.carrier_setup: credentials from the environment,
the stand-ins through PHONEWIZARD_*_BASE_URL, the dry run, exit codes, and no secret in the output."""

from __future__ import annotations

import json

from phonewizard import cli
from phonewizard.services.secret_store import SecretStore, twilio_secret_key
from tests.carriers.helpers import PASSWORD, telnyx_document, twilio_document


def _file(tmp_path, document):
    path = tmp_path / "carrier.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def _twilio_env(monkeypatch, sandbox, standin, token=True):
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", standin.account_sid)
    if token:
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", standin.auth_token)
    monkeypatch.setenv("PHONEWIZARD_TWILIO_BASE_URL", standin.url)


def test_register_sets_up_twilio_and_prints_what_was_configured(sandbox, twilio_standin, tmp_path, monkeypatch, capsys):
    _twilio_env(monkeypatch, sandbox, twilio_standin)
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url)), "--json"]) == 0
    out = capsys.readouterr()
    result = json.loads(out.out)
    assert result["carrier_setup"]["carrier"] == "twilio" and result["carrier_setup"]["ids"]["trunk_sid"].startswith("TK")
    assert twilio_standin.counts()["trunks"] == 1
    for secret in (twilio_standin.auth_token, PASSWORD, sandbox.api_secret):
        assert secret not in out.out + out.err


def test_dry_run_shows_the_carrier_steps_and_sends_nothing(sandbox, twilio_standin, tmp_path, capsys):
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url)), "--dry-run"]) == 0
    out = capsys.readouterr()
    plan = json.loads(out.out)
    assert plan["carrier_setup"]["trunk"]["domain_name"] == "acme.pstn.twilio.com"
    assert plan["carrier_setup"]["credential_list"]["password"] == "••••••"
    assert "nothing was sent to LiveKit or Twilio" in out.err and PASSWORD not in out.out
    assert twilio_standin.log.methods == [] and sandbox.log.methods == []


def test_validate_lists_the_carrier_steps(sandbox, tmp_path, capsys):
    assert cli.main(["validate", _file(tmp_path, telnyx_document(sandbox.url))]) == 0
    out = capsys.readouterr().out
    assert "At Telnyx, use FQDN connection" in out and "abc123.sip.livekit.cloud:5060" in out


def test_missing_credentials_are_invalid_input_naming_the_variable(sandbox, twilio_standin, tmp_path, monkeypatch, capsys):
    _twilio_env(monkeypatch, sandbox, twilio_standin, token=False)
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url))]) == 2
    assert "TWILIO_AUTH_TOKEN" in capsys.readouterr().err
    assert sandbox.log.methods == []


def test_the_token_can_come_from_the_keyring(sandbox, twilio_standin, tmp_path, monkeypatch, capsys):
    _twilio_env(monkeypatch, sandbox, twilio_standin, token=False)
    SecretStore().set(twilio_secret_key(twilio_standin.account_sid), twilio_standin.auth_token)
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url))]) == 0
    assert "Configured at Twilio (the local Twilio stand-in (sandbox))" in capsys.readouterr().out


def test_a_conflict_exits_3_and_a_remote_plain_http_base_url_exits_2(sandbox, twilio_standin, tmp_path, monkeypatch, capsys):
    _twilio_env(monkeypatch, sandbox, twilio_standin)
    twilio_standin.add_number("+14155550123", trunk_sid=twilio_standin.add_trunk("Elsewhere"))
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url))]) == 3
    assert "Nothing was changed at the carrier or in LiveKit" in capsys.readouterr().err
    monkeypatch.setenv("PHONEWIZARD_TWILIO_BASE_URL", "http://twilio.example.com")
    assert cli.main(["register", _file(tmp_path, twilio_document(sandbox.url))]) == 2
    assert "PHONEWIZARD_TWILIO_BASE_URL: plain http:// is allowed only to this machine" in capsys.readouterr().err


def test_a_secret_in_carrier_setup_is_refused(sandbox, tmp_path, capsys):
    document = twilio_document(sandbox.url, setup={"auth_token": "0123456789abcdef"})
    assert cli.main(["validate", _file(tmp_path, document)]) == 2
    err = capsys.readouterr().err
    assert "registration.provider_config.carrier_setup.auth_token: secrets never go in the configuration file" in err
    assert "0123456789abcdef" not in err


def test_telnyx_through_the_cli(sandbox, telnyx_standin, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    monkeypatch.setenv("TELNYX_API_KEY", telnyx_standin.api_key)
    monkeypatch.setenv("PHONEWIZARD_TELNYX_BASE_URL", telnyx_standin.url + "/v2")
    assert cli.main(["register", _file(tmp_path, telnyx_document(sandbox.url))]) == 0
    out = capsys.readouterr()
    assert "Configured at Telnyx" in out.out and telnyx_standin.api_key not in out.out + out.err
    telnyx_standin.faults.fail("CreateFqdn", "5xx")
    assert cli.main(["register", _file(tmp_path, telnyx_document(sandbox.url, number="+13125550142",
                                                                  auth_username="other-user"))]) == 4
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
