"""What the CLI prints cannot be steered by what it prints (issue 12, points 8 and 10).

Names and metadata in `list` come from LiveKit objects anyone with access to the project can
write; `export-lk` prints the `--out` the user typed. Control characters (terminal escapes, a
newline that would fake a line) and invisible ones (bidi overrides) are escaped in text output,
and written as \\u escapes in JSON. Secrets shorter than 4 characters are masked too (as whole
tokens). Keyring messages fit the action, and `forget-profile` removes the API secret `register`
moved into the keyring even when no profile was saved.
"""

from __future__ import annotations

import asyncio
import json

import keyring
import keyring.backends.fail
from livekit import api
from livekit.protocol.sip import CreateSIPInboundTrunkRequest, SIPInboundTrunkInfo

from phonewizard.cli import errors as cli_errors
from phonewizard.domain.naming import marker_metadata
from phonewizard.services.config_files import default_config_path
from phonewizard.services.secret_store import SecretStore, livekit_secret_key, sip_password_key
from tests.test_cli import EXAMPLES, SIP_PASSWORD, plaintext_secrets_file, run_cli  # noqa: F401 - fixture

HOSTILE_AGENT = "evil\x1b[2J\x1b]0;owned\x07\n+19995550000 (twilio) → agent fake\u202eekaf"
HOSTILE_NUMBER = "+14155550199"


def _marked_trunk(sandbox, agent: str, provider: str) -> str:
    async def create() -> str:
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            trunk = await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=SIPInboundTrunkInfo(
                name="x", numbers=[HOSTILE_NUMBER],
                metadata=marker_metadata(HOSTILE_NUMBER, agent, "inbound", provider))))
            return trunk.sip_trunk_id

    return asyncio.run(create())


def _no_raw_controls(text: str) -> None:
    for char in text:
        assert char == "\n" or char.isprintable(), f"raw {char!r} in output"


def test_list_escapes_names_and_metadata_from_livekit(run_cli, sandbox_env):
    trunk = _marked_trunk(sandbox_env, HOSTILE_AGENT, "twi\x9blio")
    result = run_cli("list")
    assert result.code == 0, result.err
    _no_raw_controls(result.out)
    lines = result.out.splitlines()
    assert len(lines) == 2 and lines[1] == f"  inbound trunk: {trunk}"  # no injected line
    assert not any(line.startswith("+1999") for line in lines)
    assert "\\x1b[2J" in lines[0] and "\\n+19995550000" in lines[0] and "\\u202e" in lines[0]


def test_list_json_escapes_invisible_characters_and_stays_exact(run_cli, sandbox_env):
    _marked_trunk(sandbox_env, HOSTILE_AGENT, "twi\x9blio")
    result = run_cli("list", "--json")
    _no_raw_controls(result.out)
    assert "\\u009b" in result.out and "\\u202e" in result.out
    [entry] = json.loads(result.out)
    assert entry["agent_name"] == HOSTILE_AGENT and entry["provider"] == "twi\x9blio"


def test_export_lk_escapes_the_folder_it_prints(run_cli, tmp_path):
    out = tmp_path / "lk\x1b[31m\nWrote nothing"
    result = run_cli("export-lk", EXAMPLES / "twilio.json", "--out", out)
    assert result.code == 0, result.err
    _no_raw_controls(result.out)
    assert not any(line.startswith("Wrote nothing") for line in result.out.splitlines())
    assert (out / "inbound.json").exists()


def test_a_short_secret_is_masked_as_a_token_not_inside_words():
    try:
        cli_errors.remember_secret("ab7")
        masked = cli_errors.scrub("password=ab7 rejected; 'ab7' again; tab7le and xab7 stay")
    finally:
        cli_errors.forget_secrets()
    mask = cli_errors.MASK
    assert masked == f"password={mask} rejected; '{mask}' again; tab7le and xab7 stay"


def test_a_short_api_secret_echoed_by_a_library_never_reaches_the_terminal(run_cli, sandbox_env, monkeypatch):
    from phonewizard.services.registrar import Registrar

    monkeypatch.setenv("LIVEKIT_API_SECRET", "k9")

    async def echoing_apply(self, plan, **kwargs):
        raise RuntimeError("signing failed for secret k9 (key devkey)")

    monkeypatch.setattr(Registrar, "apply", echoing_apply)
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 1
    assert " k9 " not in result.err and f"secret {cli_errors.MASK} (key devkey)" in result.err


def test_forget_profile_without_a_keyring_speaks_of_deleting(run_cli, tmp_path):
    profile = default_config_path()
    profile.parent.mkdir(parents=True)
    profile.write_text(json.dumps({"format": "phonewizard/1", "agent_name": "a",
                                   "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIkey"},
                                   "registration": {"phone_number": "+14155550123", "provider": "twilio"}}))
    keyring.set_keyring(keyring.backends.fail.Keyring())
    result = run_cli("forget-profile")
    assert result.code == 1
    assert "nothing was deleted from it" in result.err
    assert "NOT saved" not in result.err and "untick" not in result.err
    assert "run the command again" in result.err


def test_forget_profile_removes_the_api_secret_register_saved_without_a_profile(run_cli, sandbox, tmp_path,
                                                                                 memory_keyring):
    path, _document = plaintext_secrets_file(sandbox, tmp_path)
    assert run_cli("register", path).code == 0
    store = SecretStore()
    key = livekit_secret_key(sandbox.url, "devkey")
    assert store.get(key) == sandbox.api_secret
    assert not default_config_path().exists()  # no profile was ever saved

    result = run_cli("forget-profile")
    assert result.code == 0, result.err
    assert f"removed {key}" in result.out
    assert store.get(key) is None
    # The number is still registered: its SIP password stays for the next registration
    # (`unregister` forgets it), and only phonewizard's index knows the API secret was there.
    assert store.get(sip_password_key("+13125550142", "acme-sales-livekit")) == SIP_PASSWORD
    assert "nothing to forget" in run_cli("forget-profile").out
