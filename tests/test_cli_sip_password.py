"""The SIP password without editing a file: `register --sip-password-stdin` and
PHONEWIZARD_SIP_PASSWORD (app/documents.py), and what the secret policy does with each."""

from __future__ import annotations

import io
import json
import sys

import pytest

from phonewizard.services.secret_store import SecretStore, sip_password_key
from tests.cli_run import EXAMPLES, SIP_PASSWORD, run

TELNYX = EXAMPLES / "telnyx-outbound.json"
TELNYX_KEY = sip_password_key("+13125550142", "acme-sales-livekit")


def sent_passwords(sandbox) -> list[str]:
    return [t["auth_password"] for t in sandbox.snapshot()["outbound"].values()]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_from_the_environment_registers_and_is_not_saved(sandbox_env, capsys, monkeypatch, memory_keyring):
    monkeypatch.setenv("PHONEWIZARD_SIP_PASSWORD", SIP_PASSWORD)
    result = run(capsys, ["register", TELNYX], secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err
    assert sent_passwords(sandbox_env) == [SIP_PASSWORD]
    assert memory_keyring.entries == {}  # whoever set the variable manages it
    assert "auth_password" not in result.err  # no "password is elsewhere" warning


def test_validate_is_quiet_when_the_variable_holds_the_password(capsys, monkeypatch):
    assert "warning: registration.auth_password" in run(capsys, ["validate", TELNYX]).err
    monkeypatch.setenv("PHONEWIZARD_SIP_PASSWORD", SIP_PASSWORD)
    result = run(capsys, ["validate", TELNYX])
    assert result.code == 0 and "auth_password" not in result.err


def test_from_a_pipe_registers_and_is_kept_in_the_keyring(sandbox_env, capsys, monkeypatch):
    monkeypatch.setenv("PHONEWIZARD_SIP_PASSWORD", "Env-Passw0rd-Loses-To-Stdin")  # the option wins
    monkeypatch.setattr(sys, "stdin", io.StringIO(SIP_PASSWORD + "\r\n" + "second line ignored\n"))
    result = run(capsys, ["register", TELNYX, "--sip-password-stdin"], secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err
    assert sent_passwords(sandbox_env) == [SIP_PASSWORD]
    assert SecretStore().get(TELNYX_KEY) == SIP_PASSWORD
    assert "Saved the SIP password of +13125550142" in result.err


def test_on_a_terminal_it_is_asked_for_without_echo(sandbox_env, capsys, monkeypatch, memory_keyring):
    import getpass

    prompts = []
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or SIP_PASSWORD)
    result = run(capsys, ["register", TELNYX, "--sip-password-stdin", "--no-save-secrets"],
                 secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err
    assert prompts == ["SIP password (auth_password): "]
    assert sent_passwords(sandbox_env) == [SIP_PASSWORD]
    assert memory_keyring.entries == {}  # --no-save-secrets


@pytest.mark.parametrize("stdin", ["", "\n"], ids=["end-of-input", "empty-line"])
def test_an_empty_password_is_refused_before_anything_is_sent(sandbox_env, capsys, monkeypatch, stdin):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    result = run(capsys, ["register", TELNYX, "--sip-password-stdin"])
    assert result.code == 2 and result.err.startswith("--sip-password-stdin: read an empty line")
    assert sandbox_env.log.methods == []


def test_a_file_without_a_username_has_no_password_to_give(sandbox_env, capsys, monkeypatch):
    twilio = EXAMPLES / "twilio.json"
    monkeypatch.setattr(sys, "stdin", io.StringIO(SIP_PASSWORD + "\n"))
    result = run(capsys, ["register", twilio, "--sip-password-stdin"])
    assert result.code == 2 and result.err.startswith("--sip-password-stdin: ") and "auth_username" in result.err
    assert sandbox_env.log.methods == []
    monkeypatch.setenv("PHONEWIZARD_SIP_PASSWORD", SIP_PASSWORD)  # set for other files: a warning only
    result = run(capsys, ["register", twilio], secrets=[sandbox_env.api_secret])
    assert result.code == 0, result.err
    assert "warning: PHONEWIZARD_SIP_PASSWORD is set, but" in result.err


def test_without_any_password_the_message_names_both_ways(sandbox_env, capsys):
    result = run(capsys, ["register", TELNYX])
    assert result.code == 2
    assert result.err.startswith("registration.auth_password: ")
    assert "--sip-password-stdin" in result.err and "PHONEWIZARD_SIP_PASSWORD" in result.err


def test_dry_run_masks_a_supplied_password(capsys, monkeypatch):
    monkeypatch.setenv("PHONEWIZARD_SIP_PASSWORD", SIP_PASSWORD)
    result = run(capsys, ["register", TELNYX, "--dry-run"])
    assert result.code == 0, result.err
    assert json.loads(result.out)["outbound_trunk"]["trunk"]["auth_password"] == "••••••"
