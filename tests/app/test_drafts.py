"""app/drafts.py: the wizard's draft from the profile, the environment and the keyring, read once."""

import json

from phonewizard.app import drafts
from phonewizard.domain.report import check_config
from phonewizard.services.secret_store import SecretStore, livekit_secret_key, sip_password_key

URL, KEY = "wss://p.livekit.cloud", "K1"


def profile(tmp_path, **registration):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({
        "format": "phonewizard/1", "agent_name": "a", "livekit": {"url": URL, "api_key": KEY},
        "registration": {"phone_number": "+14155550101", "provider": "twilio", **registration},
    }), encoding="utf-8")
    return path


def test_new_draft_has_the_required_fields_empty():
    draft = drafts.new_draft()
    assert draft["format"] == "phonewizard/1"
    assert draft["agent_name"] == "" and draft["registration"]["phone_number"] == ""


def test_seed_alias_outbound_enabled_becomes_enable_outbound():
    draft = drafts.draft_from_document({"registration": {"outbound_enabled": True}})
    assert draft["registration"]["enable_outbound"] is True
    assert "outbound_enabled" not in draft["registration"]


def test_prepare_without_profile_or_variables_is_unconfigured(tmp_path):
    prepared = drafts.prepare_draft(tmp_path / "none.json", {})
    assert not prepared.configured and not prepared.from_profile and prepared.notices == []


def test_variables_override_only_what_is_set(tmp_path):
    prepared = drafts.prepare_draft(profile(tmp_path), {"LIVEKIT_API_KEY": " ENVKEY ", "LIVEKIT_URL": ""})
    assert prepared.draft["livekit"]["url"] == URL and prepared.draft["livekit"]["api_key"] == "ENVKEY"
    assert prepared.configured and prepared.from_profile


def test_a_broken_profile_is_a_notice_not_a_stop(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("{not json", encoding="utf-8")
    prepared = drafts.prepare_draft(path, {"LIVEKIT_URL": URL})
    assert prepared.notices[0].startswith("The saved profile was not loaded:")
    assert prepared.configured and not prepared.from_profile


def test_a_plaintext_password_in_the_file_is_a_notice(tmp_path):
    draft, notices = drafts.read_draft(profile(tmp_path, auth_username="u", auth_password="Pw-1234567890"))
    assert draft["registration"]["auth_password"] == "Pw-1234567890"
    assert notices and notices[0].startswith("registration.auth_password: this file holds a plaintext")


def test_keyring_secrets_are_read_once_each_and_fill_only_what_still_belongs(tmp_path, memory_keyring):
    store = SecretStore()
    store.set(livekit_secret_key(URL, KEY), "x" * 40)
    store.set(sip_password_key("+14155550101", "u"), "Pw-1234567890")
    reads = []
    original = store.get
    store.get = lambda key: reads.append(key) or original(key)
    prepared = drafts.prepare_draft(profile(tmp_path, auth_username="u"), {})
    found = drafts.keyring_secrets(prepared.draft, store)
    assert len(reads) == 2 and "x" * 40 not in repr(found)
    assert drafts.apply_secrets(prepared.draft, found) == ["livekit.api_secret", "registration.auth_password"]
    assert prepared.draft["livekit"]["api_secret"] == "x" * 40

    # The user switched to another project before the keyring answered: that secret is not theirs.
    moved = drafts.prepare_draft(profile(tmp_path, auth_username="u"), {}).draft
    moved["livekit"]["url"] = "wss://elsewhere.livekit.cloud"
    assert drafts.apply_secrets(moved, found) == ["registration.auth_password"]


def test_an_unusable_keyring_is_a_notice(tmp_path):
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    found = drafts.keyring_secrets(drafts.prepare_draft(profile(tmp_path), {}).draft, SecretStore())
    assert found.api_secret is None and "No secure system keyring" in found.notices[0]


def test_save_draft_of_an_unfinished_draft_has_no_secrets(tmp_path):
    draft = drafts.new_draft()
    draft["livekit"].update(url=URL, api_key=KEY, api_secret="y" * 40)
    draft["registration"].update(auth_username="u", auth_password="Pw-123456789")
    path = drafts.save_draft(tmp_path / "p.json", draft, check_config(draft))
    text = path.read_text(encoding="utf-8")
    assert "y" * 40 not in text and "Pw-123456789" not in text
    assert draft["livekit"]["api_secret"] == "y" * 40  # the in-memory draft is untouched


def test_unfinished_draft_with_a_malformed_section_is_saved_without_secrets(tmp_path):
    draft = drafts.draft_from_document({"livekit": "wss://typed-as-a-string", "agent_name": "a"})
    draft["registration"]["auth_password"] = "pw-not-for-files"
    report = check_config(draft)
    assert not report.ok
    written = drafts.save_draft(tmp_path / "profile.json", draft, report)
    document = json.loads(written.read_text())
    assert document["livekit"] == "wss://typed-as-a-string"  # kept as written, for the pages to flag
    assert "auth_password" not in document["registration"]


def test_remember_secrets_saves_both_for_a_numbered_draft(memory_keyring):
    draft = drafts.new_draft()
    draft["livekit"].update(url=URL, api_key=KEY, api_secret="z" * 40)
    draft["registration"].update(phone_number="+1 415 555 0101", auth_username="u", auth_password="Pw-1")
    drafts.remember_secrets(draft, SecretStore())
    store = SecretStore()
    assert store.get(livekit_secret_key(URL, KEY)) == "z" * 40
    assert store.get(sip_password_key("+14155550101", "u")) == "Pw-1"


def test_remember_secrets_of_a_draft_with_malformed_sections_saves_what_it_can(memory_keyring):
    draft = drafts.draft_from_document({"livekit": "wss://typed-as-a-string", "registration": ["x"]})
    drafts.remember_secrets(draft, SecretStore())  # no AttributeError on a string or a list
    assert memory_keyring.entries == {}
