"""Where the draft comes from (Qt-free helpers of the wizard): new, file, environment, keyring."""

import json

from phonewizard.services.secret_store import SecretStore, livekit_secret_key
from phonewizard.ui import draft_io


def test_new_draft_has_the_required_fields_empty():
    draft = draft_io.new_draft()
    assert draft["format"] == "phonewizard/1"
    assert draft["agent_name"] == "" and draft["registration"]["phone_number"] == ""


def test_environment_overrides_only_what_is_set():
    draft = draft_io.new_draft()
    draft["livekit"].update(url="wss://from-file", api_key="FILEKEY")
    assert draft_io.apply_environment(draft, {"LIVEKIT_API_KEY": " ENVKEY ", "LIVEKIT_URL": ""})
    assert draft["livekit"]["url"] == "wss://from-file" and draft["livekit"]["api_key"] == "ENVKEY"
    assert not draft_io.apply_environment(draft_io.new_draft(), {})


def test_seed_alias_outbound_enabled_becomes_enable_outbound():
    draft = draft_io.draft_from_document({"registration": {"outbound_enabled": True}})
    assert draft["registration"]["enable_outbound"] is True
    assert "outbound_enabled" not in draft["registration"]


def test_open_document_fills_the_secret_from_the_keyring(tmp_path):
    SecretStore().set(livekit_secret_key("wss://p.livekit.cloud", "K1"), "x" * 40)
    path = tmp_path / "c.json"
    path.write_text(json.dumps({
        "format": "phonewizard/1", "agent_name": "a",
        "livekit": {"url": "wss://p.livekit.cloud", "api_key": "K1"},
        "registration": {"phone_number": "+14155550101", "provider": "twilio"},
    }), encoding="utf-8")
    draft, notices = draft_io.open_document(path, SecretStore())
    assert draft["livekit"]["api_secret"] == "x" * 40
    assert notices == []


def test_save_document_of_an_unfinished_draft_has_no_secrets(tmp_path):
    from phonewizard.domain.report import check_config

    draft = draft_io.new_draft()
    draft["livekit"].update(url="wss://p.livekit.cloud", api_key="K1", api_secret="y" * 40)
    draft["registration"].update(auth_username="u", auth_password="Pw-123456789")
    path = draft_io.save_document(tmp_path / "p.json", draft, check_config(draft))
    text = path.read_text(encoding="utf-8")
    assert "y" * 40 not in text and "Pw-123456789" not in text
    assert draft["livekit"]["api_secret"] == "y" * 40  # the in-memory draft is untouched


def test_unfinished_draft_with_a_malformed_section_is_saved_without_secrets(tmp_path):
    from phonewizard.domain.report import check_config

    draft = draft_io.draft_from_document({"livekit": "wss://typed-as-a-string", "agent_name": "a"})
    draft["registration"]["auth_password"] = "pw-not-for-files"
    report = check_config(draft)
    assert not report.ok
    written = draft_io.save_document(tmp_path / "profile.json", draft, report)
    document = json.loads(written.read_text())
    assert document["livekit"] == "wss://typed-as-a-string"  # kept as written, for the pages to flag
    assert "auth_password" not in document["registration"]
