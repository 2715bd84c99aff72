"""Secrets never leak: after a full wizard run (typed secrets, export, Register, saved profile), a
failed registration (wizard and CLI), `--dry-run`, `list` and `unregister`, neither the LiveKit
API secret nor the SIP password is in any file the program wrote (the isolated XDG config/data/
state folders, the profile, exports, QSettings files), in anything it printed (file descriptors
1 and 2), or in any log record down to DEBUG. Also: no secret in the repr or message of config
models, Connection, plans and errors; and the keyring entries go when the registration or the
profile is deleted.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import urllib.parse
from pathlib import Path

import pytest

from phonewizard import cli
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.domain.report import check_config
from phonewizard.services.config_files import default_config_path, save_config
from phonewizard.services.forget import delete_profile
from phonewizard.services.livekit_client import Connection, LiveKitAuthFailed, LiveKitError
from phonewizard.services.registrar import PartialRollback, Registrar, RegistrationConflict
from phonewizard.services.secret_store import SecretStore, livekit_secret_key, sip_password_key
from tests.safety import wizard_run
from tests.ui.wizard_helpers import save_profile_and_wait
from tests.safety.helpers import trunk_document, write

SIP_PASSWORD = "Wizard-SIP-pa55-Qx7v"
CLI_PASSWORD = "Cli-SIP-pa55-Zr4k"
OTHER_NUMBER = "+13125550199"


def leak_forms(secret: str) -> list[str]:
    """The secret as written, and encoded the ways a careless writer might store it."""
    return [secret, base64.b64encode(secret.encode()).decode().rstrip("="),
            urllib.parse.quote(secret, safe=""), secret.encode().hex()]


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def assert_nowhere(secrets: list[str], texts: dict[str, str | bytes]) -> None:
    for where, text in texts.items():
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        for secret in secrets:
            for form in leak_forms(secret):
                assert form.encode() not in data, f"a secret ({form[:3]}…) was found in {where}"


@pytest.mark.slow
def test_no_secret_in_any_file_output_or_log(qtbot, tmp_path, tmp_path_factory, sandbox, monkeypatch,
                                             capfd, caplog, memory_keyring):
    caplog.set_level(logging.DEBUG)
    secrets = [sandbox.api_secret, SIP_PASSWORD, CLI_PASSWORD]

    # 1. The wizard, start to finish, with both secrets typed into their fields.
    wizard = wizard_run.open_wizard(qtbot, tmp_path, sandbox, secret_from_env=False)
    wizard_run.fill(wizard, qtbot, SIP_PASSWORD, api_secret=sandbox.api_secret)
    exported = tmp_path / "exports" / "wizard-export.json"
    assert "Exported" in wizard_run.export_from_review(wizard, monkeypatch, exported)
    review = wizard_run.register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    assert save_profile_and_wait(qtbot, wizard) is not None
    # The secrets really went somewhere safe (else this test would prove nothing).
    assert sandbox.api_secret in memory_keyring.entries.values()
    assert SIP_PASSWORD in memory_keyring.entries.values()

    # 2. A failed registration in the wizard: the rollback fails too and the page says what remains.
    failing = wizard_run.open_wizard(qtbot, tmp_path, sandbox)
    wizard_run.fill(failing, qtbot, SIP_PASSWORD, phone_number=OTHER_NUMBER)
    sandbox.faults.fail("CreateSIPDispatchRule", "error", msg="rejected for the test")
    sandbox.faults.fail("DeleteSIPTrunk", "5xx", times=2)
    failed = wizard_run.register(failing, qtbot)
    assert isinstance(failed.last_error, PartialRollback)
    shown = failed.status_label.text()
    assert "rejected for the test" in shown and f"phonewizard unregister {OTHER_NUMBER}" in shown

    # 3. The CLI: hand-written files with plaintext secrets (kept outside the scanned folder).
    inputs = tmp_path_factory.mktemp("hand-written")
    document = trunk_document(sandbox.url, "+13125550177", password=CLI_PASSWORD)
    document["livekit"]["api_secret"] = sandbox.api_secret
    source = write(inputs / "with-secrets.json", document)
    outputs = []
    outputs.append(("dry-run", cli.main(["register", str(source), "--dry-run"])))
    sandbox.faults.fail("CreateSIPOutboundTrunk", "drop")
    outputs.append(("failed register", cli.main(["register", str(source)])))
    outputs.append(("register", cli.main(["register", str(source), "--json"])))
    monkeypatch.setenv("LIVEKIT_URL", sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", sandbox.api_key)
    outputs.append(("list", cli.main(["list", "--json"])))
    outputs.append(("unregister", cli.main(["unregister", OTHER_NUMBER])))
    outputs.append(("export-lk", cli.main(["export-lk", str(source), "--out", str(tmp_path / "lk")])))
    assert [code for _, code in outputs] == [0, 4, 0, 0, 0, 0], outputs
    printed = capfd.readouterr()
    assert '"auth_password": "••••••"' in printed.out  # the dry run shows the field, masked

    # 4. Search everything.
    written = files_under(tmp_path)
    assert exported in written
    assert any(p.suffix == ".ini" for p in written) and (tmp_path / "profile" / "config.json") in written
    texts: dict[str, str | bytes] = {str(p): p.read_bytes() for p in written}
    texts["stdout"], texts["stderr"] = printed.out, printed.err
    texts["log"] = caplog.text
    texts["log records"] = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert_nowhere(secrets, texts)


def test_reprs_and_messages_hold_no_secret(sandbox):
    document = trunk_document(sandbox.url, password=SIP_PASSWORD)
    document["livekit"]["api_secret"] = sandbox.api_secret
    config = PhoneWizardConfig.model_validate(document)
    the_plan = plan(config)
    conn = Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=2.0)
    texts = {"config repr": repr(config), "config str": str(config),
             "config dump": json.dumps(config.model_dump(mode="json")),
             "config json": config.model_dump_json(), "registration": repr(config.registration),
             "livekit": repr(config.livekit), "plan repr": repr(the_plan),
             "connection": repr(conn) + str(conn), "store": repr(SecretStore()),
             "sandbox": repr(sandbox)}
    # Errors from real failures.
    wrong = Connection(sandbox.url, sandbox.api_key, "x" * 40 + sandbox.api_secret[:4])
    with pytest.raises(LiveKitAuthFailed) as auth:
        asyncio.run(Registrar(wrong).apply(the_plan))
    sandbox.faults.fail("CreateSIPDispatchRule", "error")
    sandbox.faults.fail("DeleteSIPTrunk", "drop", times=2)
    with pytest.raises(PartialRollback) as partial:
        asyncio.run(Registrar(conn).apply(the_plan))
    with pytest.raises(RegistrationConflict) as conflict:
        asyncio.run(Registrar(conn).apply(plan(PhoneWizardConfig.model_validate(
            trunk_document(sandbox.url, agent="another-agent")))))
    unreachable = Connection("http://127.0.0.1:9", sandbox.api_key, sandbox.api_secret, timeout=1.0)
    with pytest.raises(LiveKitError) as gone:
        asyncio.run(Registrar(unreachable).apply(the_plan))
    for name, info in {"auth": auth, "partial": partial, "conflict": conflict, "unreachable": gone}.items():
        texts[name] = f"{info.value} {info.value!r} {info.value.args!r} {info.value.__cause__!r}"
    assert_nowhere([sandbox.api_secret, SIP_PASSWORD], texts)
    assert "••••" in repr(config.livekit) or "*****" in repr(config.livekit)


@pytest.mark.parametrize("password", ["line\nbreak-" + SIP_PASSWORD, SIP_PASSWORD + "\x00", SIP_PASSWORD * 200])
def test_validation_messages_never_repeat_a_rejected_secret(password):
    document = trunk_document("wss://demo.livekit.cloud", password=password)
    document["livekit"]["api_secret"] = password
    report = check_config(document)
    assert not report.ok
    assert {"registration.auth_password"} <= {p.field for p in report.errors}
    assert_nowhere([SIP_PASSWORD], {"errors": "\n".join(str(p) for p in report.errors)})


# ---- keyring entries go with the registration / profile --------------------------------------------

def _run(*argv) -> int:
    return cli.main([str(a) for a in argv])


def test_unregister_removes_that_numbers_sip_password_only(sandbox_env, tmp_path, memory_keyring, capsys):
    store = SecretStore()
    number, other = "+13125550142", "+13125550199"
    assert _run("register", write(tmp_path / "a.json", trunk_document(sandbox_env.url, number))) == 0
    assert _run("register", write(tmp_path / "b.json", trunk_document(sandbox_env.url, other))) == 0
    # The file's plaintext password moved to the keyring on success, one entry per number.
    assert store.get(sip_password_key(number, "acme-sales")) is not None
    assert store.get(sip_password_key(other, "acme-sales")) is not None
    store.set(livekit_secret_key(sandbox_env.url, "devkey"), sandbox_env.api_secret)
    capsys.readouterr()
    assert _run("unregister", number) == 0
    out = capsys.readouterr().out
    assert f"Removed the SIP password of {number} from the system keyring." in out
    assert store.get(sip_password_key(number, "acme-sales")) is None
    assert store.get(sip_password_key(other, "acme-sales")) is not None  # another number's stays
    assert store.get(livekit_secret_key(sandbox_env.url, "devkey")) is not None  # the project's stays
    # Running it again is harmless and says nothing about the keyring.
    assert _run("unregister", number) == 0
    assert "SIP password" not in capsys.readouterr().out


def test_unregister_finds_the_username_in_the_saved_profile(sandbox_env, memory_keyring, capsys):
    """No object left in LiveKit (removed by hand), but the profile names the username."""
    store = SecretStore()
    profile = default_config_path()
    save_config(profile, PhoneWizardConfig.model_validate(trunk_document(sandbox_env.url, password="x-pass-1")))
    store.set(sip_password_key("+13125550142", "acme-sales"), "x-pass-1")
    assert _run("unregister", "+1 312 555 0142") == 0
    assert store.get(sip_password_key("+13125550142", "acme-sales")) is None


def test_unregister_with_a_broken_keyring_still_unregisters_and_says_so(sandbox_env, tmp_path, capsys, monkeypatch):
    import keyring.errors

    assert _run("register", write(tmp_path / "a.json", trunk_document(sandbox_env.url))) == 0
    from tests.conftest import MemoryKeyring

    def locked(*args):
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(MemoryKeyring, "get_password", locked)
    monkeypatch.setattr(MemoryKeyring, "delete_password", locked)
    capsys.readouterr()
    assert _run("unregister", "+13125550142") == 0
    captured = capsys.readouterr()
    assert "Unregistered +13125550142" in captured.out
    assert "warning: sip-auth-password:+13125550142:acme-sales may still be in the system keyring" in captured.err
    assert "locked" in captured.err
    assert sum(sandbox_env.counts().values()) == 0


def test_delete_profile_removes_the_file_and_its_secrets(tmp_path, memory_keyring):
    store = SecretStore()
    document = trunk_document("wss://demo.livekit.cloud", password=SIP_PASSWORD)
    path = save_config(tmp_path / "profile.json", PhoneWizardConfig.model_validate(document))
    store.set(livekit_secret_key("wss://demo.livekit.cloud", "devkey"), "api-secret-123456")
    store.set(sip_password_key("+13125550142", "acme-sales"), SIP_PASSWORD)
    store.set(sip_password_key("+13125550199", "acme-sales"), "other-number-pass")
    result = delete_profile(path, store)
    assert not path.exists() and result.problems == []
    assert store.get(livekit_secret_key("https://demo.livekit.cloud", "devkey")) is None  # same entry
    assert store.get(sip_password_key("+13125550142", "acme-sales")) is None
    assert store.get(sip_password_key("+13125550199", "acme-sales")) == "other-number-pass"
    assert len(result.removed) == 3
    assert delete_profile(path, store).removed == []  # already gone: nothing to do, no error


def test_forget_profile_command_removes_the_saved_profile_and_its_secrets(memory_keyring, capsys):
    store = SecretStore()
    document = trunk_document("wss://demo.livekit.cloud", password=SIP_PASSWORD)
    path = default_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_config(path, PhoneWizardConfig.model_validate(document))
    store.set(livekit_secret_key("wss://demo.livekit.cloud", "devkey"), "api-secret-123456")
    store.set(sip_password_key("+13125550142", "acme-sales"), SIP_PASSWORD)
    assert cli.main(["forget-profile"]) == 0
    out = capsys.readouterr().out
    assert f"removed {path}" in out and SIP_PASSWORD not in out
    assert not path.exists() and memory_keyring.entries == {}
    assert cli.main(["forget-profile"]) == 0
    assert "nothing to forget" in capsys.readouterr().out


# ---- carrier credentials (issue 14) ------------------------------------------------------------

def test_carrier_credentials_never_leak(sandbox, twilio_standin, telnyx_standin, tmp_path, tmp_path_factory,
                                        monkeypatch, capfd, caplog, memory_keyring):
    """Twilio's Auth Token and Telnyx's API key, with the SIP password they carry to the carrier:
    never in a file, the output, a log record (DEBUG, the SDKs' loggers included) or an error."""
    from phonewizard.app.carrier_setup import CarrierCredentials
    from phonewizard.app.secrets import carrier_secrets_to_save
    from tests.carriers.helpers import telnyx_document, twilio_document

    caplog.set_level(logging.DEBUG)
    secrets = [twilio_standin.auth_token, telnyx_standin.api_key, SIP_PASSWORD, sandbox.api_secret]
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", twilio_standin.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_standin.auth_token)
    monkeypatch.setenv("PHONEWIZARD_TWILIO_BASE_URL", twilio_standin.url)
    monkeypatch.setenv("TELNYX_API_KEY", telnyx_standin.api_key)
    monkeypatch.setenv("PHONEWIZARD_TELNYX_BASE_URL", telnyx_standin.url)
    inputs = tmp_path_factory.mktemp("carrier-files")
    twilio_file = write(inputs / "twilio.json", twilio_document(sandbox.url, auth_password=SIP_PASSWORD))
    telnyx_file = write(inputs / "telnyx.json", telnyx_document(sandbox.url, number="+13125550142",
                                                                auth_password=SIP_PASSWORD))
    codes = [cli.main(["register", str(twilio_file), "--dry-run"])]
    twilio_standin.faults.fail("AttachPhoneNumber", "error", msg="refused for the test")
    codes.append(cli.main(["register", str(twilio_file)]))
    codes.append(cli.main(["register", str(twilio_file), "--json"]))
    telnyx_standin.faults.fail("CreateFqdn", "5xx")
    telnyx_standin.faults.fail("DeleteFqdnConnection", "5xx")
    codes.append(cli.main(["register", str(telnyx_file)]))
    codes.append(cli.main(["register", str(telnyx_file), "--json"]))
    assert codes == [0, 3, 0, 1, 0], codes
    # Environment credentials are never saved; a typed one is saved under its own entry only.
    assert twilio_standin.auth_token not in memory_keyring.entries.values()
    typed = CarrierCredentials("telnyx", telnyx_standin.api_key, "typed")
    assert [s.key for s in carrier_secrets_to_save(typed)] == ["telnyx-api-key:default"]
    assert carrier_secrets_to_save(CarrierCredentials("telnyx", "x", "env")) == []
    assert "KEY" not in repr(typed) and telnyx_standin.api_key not in repr(typed)
    printed = capfd.readouterr()
    texts: dict[str, str | bytes] = {str(p): p.read_bytes() for p in files_under(tmp_path)}
    texts["stdout"], texts["stderr"] = printed.out, printed.err
    texts["log"] = caplog.text
    texts["log records"] = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    assert_nowhere(secrets, texts)
