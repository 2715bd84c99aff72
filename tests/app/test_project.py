"""app/project.py: which project a file-less command uses, and the API secret's source."""

from __future__ import annotations

import json

import pytest

from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import api_secret_for, saved_profile
from phonewizard.app.secrets import SecretStore
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.services.secret_store import livekit_secret_key

URL, KEY = "wss://demo.livekit.cloud", "APIdemo"


def test_no_project_at_all_says_how_to_configure_one(tmp_path):
    with pytest.raises(InvalidInput) as info:
        saved_profile(tmp_path / "config.json", {})
    assert info.value.problems[0].startswith("livekit.url: no LiveKit project configured")


def test_url_without_key_names_the_missing_variable(tmp_path):
    with pytest.raises(InvalidInput) as info:
        saved_profile(tmp_path / "config.json", {"LIVEKIT_URL": URL})
    [line] = info.value.problems
    assert line.startswith("livekit.api_key: ") and "LIVEKIT_URL" in line and "export LIVEKIT_API_KEY" in line
    assert "no LiveKit project configured" not in line


def test_key_without_url_names_the_missing_variable(tmp_path):
    with pytest.raises(InvalidInput) as info:
        saved_profile(tmp_path / "config.json", {"LIVEKIT_API_KEY": KEY})
    [line] = info.value.problems
    assert line.startswith("livekit.url: ") and "export LIVEKIT_URL" in line


def test_variables_override_the_saved_profile(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"format": "phonewizard/1", "livekit": {"url": "wss://old.livekit.cloud",
                                                                        "api_key": KEY}}))
    assert saved_profile(path, {}).url == "wss://old.livekit.cloud"
    assert saved_profile(path, {"LIVEKIT_URL": URL}).url == URL


def test_api_secret_sources_in_order(memory_keyring):
    store = SecretStore()
    profile = LiveKitProfile(url=URL, api_key=KEY)
    with pytest.raises(InvalidInput) as info:
        api_secret_for(profile, store, {})
    assert info.value.problems[0].startswith("livekit.api_secret: ")
    store.set(livekit_secret_key(URL, KEY), "from-the-keyring-0123456789")
    assert api_secret_for(profile, store, {}).source == "keyring"
    in_file = LiveKitProfile(url=URL, api_key=KEY, api_secret="from-the-file-0123456789")
    assert api_secret_for(in_file, store, {}).source == "file"
    env = api_secret_for(in_file, store, {"LIVEKIT_API_SECRET": "from-env-0123456789"})
    assert (env.source, env.value) == ("env", "from-env-0123456789")
    assert "from-env" not in repr(env)
