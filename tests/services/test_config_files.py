"""config_files: atomic secret-free writes, the refusals of load_config, and the default path."""

import json
import os
import stat
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from pydantic import SecretStr

from phonewizard.domain.config_document import LiveKitProfile, PhoneWizardConfig
from phonewizard.domain.registration import Registration
from phonewizard.services import config_files
from phonewizard.services.config_files import (
    ConfigFileError,
    default_config_path,
    load_config,
    read_document,
    save_config,
)
from phonewizard.services.secret_store import SecretStore, sip_password_key

API_SECRET = "api-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
SIP_PASSWORD = "Sip-Passw0rd-never-written!"


def _config() -> PhoneWizardConfig:
    return PhoneWizardConfig(
        agent_name="support-agent",
        livekit=LiveKitProfile(
            url="http://127.0.0.1:7880", api_key="devkey", api_secret=SecretStr(API_SECRET)
        ),
        registration=Registration(
            phone_number="+14155550123",
            provider="telnyx",
            auth_username="telnyx-user",
            auth_password=SecretStr(SIP_PASSWORD),
            enable_outbound=True,
            outbound_address="sip.telnyx.com",
            custom_headers={"X-Team": "support"},
        ),
    )


def _write(path: Path, document) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_save_writes_the_contract_format_without_secrets(tmp_path):
    target = tmp_path / "out" / "phone.json"
    save_config(target, _config())
    text = target.read_text(encoding="utf-8")
    assert API_SECRET not in text and SIP_PASSWORD not in text
    assert "api_secret" not in text and "auth_password" not in text
    document = json.loads(text)
    assert list(document) == ["format", "agent_name", "livekit", "registration"]
    assert document["format"] == "phonewizard/1"
    assert document["livekit"] == {"url": "http://127.0.0.1:7880", "api_key": "devkey"}
    registration = document["registration"]
    assert registration["phone_number"] == "+14155550123"
    assert registration["auth_username"] == "telnyx-user"
    assert registration["enable_outbound"] is True
    assert registration["custom_headers"] == {"X-Team": "support"}
    # The round trip gives back the same configuration minus the secrets.
    again = load_config(target).report.config
    assert again.registration.auth_password is None and again.livekit.api_secret is None
    assert again.registration.outbound_address == "sip.telnyx.com"
    assert again.registration.custom_headers == {"X-Team": "support"}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_save_is_private_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "phone.json"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    save_config(target, _config())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phone.json"]


def test_failed_save_keeps_the_old_file_and_removes_the_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "phone.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(config_files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_config(target, _config())
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["phone.json"]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigFileError, match="no such file"):
        load_config(tmp_path / "nope.json")


def test_folder_is_refused(tmp_path):
    with pytest.raises(ConfigFileError, match="folder"):
        load_config(tmp_path)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"agent_name": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(ConfigFileError, match="not UTF-8"):
        load_config(path)


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "phonewizard/1",\n  "agent_name": "a",,\n}', encoding="utf-8")
    with pytest.raises(ConfigFileError) as info:
        load_config(path)
    assert "invalid JSON at line 3, column" in str(info.value)
    assert str(path) in str(info.value)


def test_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"format": "phonewizard/1", "agent_name": "a", "agent_name": "b"}')
    with pytest.raises(ConfigFileError, match='duplicate key "agent_name"'):
        load_config(path)


@pytest.mark.parametrize("document, kind", [([1, 2], "an array"), ("text", "a string"), (3, "a number")])
def test_non_object_is_refused(tmp_path, document, kind):
    with pytest.raises(ConfigFileError, match=f"found {kind}"):
        load_config(_write(tmp_path / "x.json", document))


def test_missing_format(tmp_path):
    with pytest.raises(ConfigFileError, match="format: missing"):
        load_config(_write(tmp_path / "x.json", {"agent_name": "a"}))


def test_newer_format_asks_for_an_upgrade(tmp_path):
    with pytest.raises(ConfigFileError) as info:
        load_config(_write(tmp_path / "x.json", {"format": "phonewizard/2"}))
    assert "written by a newer phonewizard (phonewizard/2); upgrade" in str(info.value)


@pytest.mark.parametrize("fmt", ["lk/1", "phonewizard/0", 1, "PHONEWIZARD/1"])
def test_unknown_format(tmp_path, fmt):
    with pytest.raises(ConfigFileError, match="unknown format"):
        load_config(_write(tmp_path / "x.json", {"format": fmt}))


def test_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"format": "phonewizard/1", "pad": "' + "x" * (1024 * 1024) + '"}')
    with pytest.raises(ConfigFileError, match="too large"):
        load_config(path)


def test_valid_file_loads_and_validates(tmp_path):
    path = save_config(tmp_path / "phone.json", _config())
    loaded = load_config(path)
    assert loaded.notices == []
    assert loaded.report.ok, loaded.report.errors
    assert loaded.report.config.registration.phone_number == "+14155550123"
    assert loaded.raw["agent_name"] == "support-agent"


def test_password_missing_everywhere_validates_with_a_warning(tmp_path):
    loaded = load_config(save_config(tmp_path / "phone.json", _config()), SecretStore())
    assert loaded.report.ok, loaded.report.errors
    assert loaded.report.config.registration.auth_password is None
    assert loaded.report.config.registration.auth_username == "telnyx-user"
    [warning] = [w for w in loaded.report.warnings if w.field == "registration.auth_password"]
    assert "keyring" in warning.message
    assert "auth_password" not in loaded.raw["registration"]


def test_password_comes_from_the_keyring(tmp_path, memory_keyring):
    SecretStore().set(sip_password_key("+14155550123", "telnyx-user"), SIP_PASSWORD)
    loaded = load_config(save_config(tmp_path / "phone.json", _config()), SecretStore())
    assert loaded.report.ok, loaded.report.errors
    assert loaded.report.config.registration.auth_password.get_secret_value() == SIP_PASSWORD
    assert not [w for w in loaded.report.warnings if w.field == "registration.auth_password"]
    assert "auth_password" not in loaded.raw["registration"]  # raw stays what the file says


def test_unusable_keyring_becomes_a_notice(tmp_path):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    loaded = load_config(save_config(tmp_path / "phone.json", _config()), SecretStore())
    assert loaded.report.ok
    assert loaded.report.config.registration.auth_password is None
    assert any("No secure system keyring" in n for n in loaded.notices)


def test_bom_is_accepted(tmp_path):
    path = save_config(tmp_path / "phone.json", _config())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_document(path)["format"] == "phonewizard/1"


def test_plaintext_password_is_accepted_with_a_notice(tmp_path):
    document = json.loads(save_config(tmp_path / "a.json", _config()).read_text())
    document["registration"]["auth_password"] = SIP_PASSWORD
    loaded = load_config(_write(tmp_path / "b.json", document))
    assert loaded.report.ok, loaded.report.errors
    assert loaded.report.config.registration.auth_password.get_secret_value() == SIP_PASSWORD
    assert len(loaded.notices) == 1 and loaded.notices[0].startswith("registration.auth_password:")
    assert "keyring" in loaded.notices[0] and SIP_PASSWORD not in loaded.notices[0]


def test_field_errors_come_back_in_the_report(tmp_path):
    document = json.loads(save_config(tmp_path / "a.json", _config()).read_text())
    document["registration"]["phone_number"] = "not a number"
    loaded = load_config(_write(tmp_path / "b.json", document))
    assert not loaded.report.ok
    assert any(p.field == "registration.phone_number" for p in loaded.report.errors)


def test_default_path_follows_the_platform_config_dir(isolated_dirs):
    path = default_config_path()
    assert path.name == "config.json" and path.parent.name == "phonewizard"
    if sys.platform.startswith("linux"):
        assert path == isolated_dirs / "config" / "phonewizard" / "config.json"


def test_livekit_overrides_replace_the_profile_and_are_validated(tmp_path):
    path = save_config(tmp_path / "phone.json", _config())
    loaded = load_config(path, livekit_overrides={"url": "wss://other.livekit.cloud", "api_key": "K2"})
    assert loaded.report.ok, loaded.report.errors
    assert loaded.report.config.livekit.url == "wss://other.livekit.cloud"
    assert loaded.report.config.livekit.api_key == "K2"
    assert loaded.raw["livekit"]["url"] == "http://127.0.0.1:7880"
    insecure = load_config(path, livekit_overrides={"url": "http://203.0.113.9:7880"})
    assert [p.field for p in insecure.report.errors] == ["livekit.url"]


def test_overrides_can_supply_a_missing_profile(tmp_path):
    document = json.loads(save_config(tmp_path / "a.json", _config()).read_text())
    del document["livekit"]
    path = _write(tmp_path / "b.json", document)
    assert not load_config(path).report.ok
    loaded = load_config(path, livekit_overrides={"url": "http://127.0.0.1:7880", "api_key": "devkey"})
    assert loaded.report.ok, loaded.report.errors
