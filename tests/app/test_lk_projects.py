"""app/lk_projects.py and its part in app/project.py: which project a command uses when LiveKit's
own CLI knows some, where the secret comes from, and the SIP URI derived from the project ID."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phonewizard.app.errors import InvalidInput
from phonewizard.app.lk_projects import (
    LK_CONFIG_VAR,
    chosen_lk_project,
    lk_config_path,
    lk_secret_for,
    project_fields,
    sip_uri_for,
)
from phonewizard.app.project import api_secret_for, command_project, saved_profile
from phonewizard.app.secrets import SecretStore, secrets_to_save
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.services.lk_cli_config import LkProject

STAGING_SECRET = "staging-secret-0123456789abcdefghijklmnop"
PROD_SECRET = "prod-secret-0123456789abcdefghijklmnopqrs"
LK_CONFIG = f"""\
default_project: staging
projects:
    - name: staging
      project_id: p_stg123
      url: wss://staging-stg123.livekit.cloud
      api_key: APIstaging
      api_secret: {STAGING_SECRET}
    - name: prod
      project_id: p_prd456
      url: wss://prod-prd456.livekit.cloud/
      api_key: APIprod
      api_secret: {PROD_SECRET}
"""


@pytest.fixture
def lk_env(tmp_path) -> dict[str, str]:
    path = tmp_path / "lk.yaml"
    path.write_text(LK_CONFIG)
    return {LK_CONFIG_VAR: str(path)}


def profile_file(tmp_path: Path, url: str = "wss://saved.livekit.cloud", key: str = "APIsaved") -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"format": "phonewizard/1", "livekit": {"url": url, "api_key": key}}))
    return path


def test_sip_uri_from_the_project_id():
    def project(project_id: str) -> LkProject:
        return LkProject("n", "wss://x.livekit.cloud", "K", "S", project_id)

    assert sip_uri_for(project("p_abc")) == "sip:abc.sip.livekit.cloud"
    assert sip_uri_for(project("p_ABC123")) == "sip:abc123.sip.livekit.cloud"
    for no_id in ("", "abc", "p_", "p_a.b", "p_a b", "p_x;transport=tcp"):
        assert sip_uri_for(project(no_id)) is None, no_id
    assert "sip_uri" not in project_fields(project(""))
    assert project_fields(project("p_abc")) == {"url": "wss://x.livekit.cloud", "api_key": "K",
                                                 "sip_uri": "sip:abc.sip.livekit.cloud"}


def test_the_file_is_in_the_home_folder_unless_the_variable_names_one(tmp_path):
    assert lk_config_path({"HOME": "/home/ada"}) == Path("/home/ada/.livekit/cli-config.yaml")
    assert lk_config_path({"HOME": "/home/ada", LK_CONFIG_VAR: "/etc/lk.yaml"}) == Path("/etc/lk.yaml")
    assert lk_config_path({}) is None  # no home: nothing offered


def test_a_named_project_or_a_message_listing_the_others(lk_env, tmp_path):
    assert chosen_lk_project("prod", lk_env).api_key == "APIprod"
    with pytest.raises(InvalidInput) as info:
        chosen_lk_project("production", lk_env)
    [line] = info.value.problems
    assert line.startswith("--lk-project: no project “production”") and "staging, prod" in line
    with pytest.raises(InvalidInput) as info:
        chosen_lk_project("prod", {LK_CONFIG_VAR: str(tmp_path / "none.yaml")})
    assert "lk cloud auth" in info.value.problems[0] and "none.yaml" in info.value.problems[0]


def test_lk_project_wins_over_variables_and_the_saved_profile(lk_env, tmp_path):
    env = {**lk_env, "LIVEKIT_URL": "wss://env.livekit.cloud", "LIVEKIT_API_KEY": "APIenv",
           "LIVEKIT_API_SECRET": "env-secret-0123456789abcdefghijklmn"}
    lk = chosen_lk_project("prod", env)
    chosen = command_project(profile_file(tmp_path), env, lk=lk)
    assert (chosen.profile.url, chosen.profile.api_key) == ("wss://prod-prd456.livekit.cloud", "APIprod")
    assert chosen.profile.sip_uri == "sip:prd456.sip.livekit.cloud"
    assert "“prod”" in chosen.note and "LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET ignored" in chosen.note
    secret = api_secret_for(chosen.profile, SecretStore(), env, lk=chosen.lk)
    assert (secret.value, secret.source) == (PROD_SECRET, "lk-cli")


def test_the_default_project_only_when_nothing_else_names_one(lk_env, tmp_path):
    missing = tmp_path / "no-profile.json"
    chosen = command_project(missing, lk_env)
    assert chosen.lk is not None and chosen.lk.name == "staging" and "default project “staging”" in chosen.note
    assert saved_profile(missing, lk_env).url == "wss://staging-stg123.livekit.cloud"
    # The saved profile, the variables, even a lone LIVEKIT_API_SECRET: each names (part of) a project.
    assert command_project(profile_file(tmp_path), lk_env).lk is None
    env = {**lk_env, "LIVEKIT_URL": "wss://env.livekit.cloud", "LIVEKIT_API_KEY": "APIenv"}
    assert command_project(missing, env).profile.url == "wss://env.livekit.cloud"
    with pytest.raises(InvalidInput, match="no LiveKit project configured"):
        command_project(missing, {**lk_env, "LIVEKIT_API_SECRET": "x" * 40})
    with pytest.raises(InvalidInput, match="LIVEKIT_URL, but there is no api key"):
        command_project(missing, {**lk_env, "LIVEKIT_URL": "wss://env.livekit.cloud"})


def test_an_unusable_lk_project_is_named_with_its_problems(tmp_path):
    path = tmp_path / "lk.yaml"
    path.write_text("projects:\n  - {name: far, url: 'http://203.0.113.9:7880', api_key: K, api_secret: S}\n")
    env = {LK_CONFIG_VAR: str(path)}
    with pytest.raises(InvalidInput) as info:
        command_project(tmp_path / "none.json", env, lk=chosen_lk_project("far", env))
    assert info.value.problems[0].startswith("livekit.url: ") and "“far”" in info.value.notices[0]


def test_the_secret_of_a_matching_lk_project_after_the_keyring(lk_env, memory_keyring):
    profile = LiveKitProfile(url="https://prod-prd456.livekit.cloud", api_key="APIprod")  # https, no slash
    assert lk_secret_for(profile.url, profile.api_key, lk_env) == PROD_SECRET
    secret = api_secret_for(profile, SecretStore(), lk_env)
    assert (secret.value, secret.source) == (PROD_SECRET, "lk-cli")
    assert api_secret_for(profile, SecretStore(), {**lk_env, "LIVEKIT_API_SECRET": "e" * 40}).source == "env"
    assert lk_secret_for(profile.url, "APIother", lk_env) is None


def test_a_secret_from_the_lk_file_is_never_saved_by_the_policy(lk_env, tmp_path):
    from phonewizard.domain.report import check_config

    lk = chosen_lk_project("prod", lk_env)
    report = check_config({"agent_name": "a", "livekit": project_fields(lk),
                           "registration": {"phone_number": "+14155550123", "provider": "twilio"}})
    secret = api_secret_for(report.config.livekit, SecretStore(), lk_env, lk=lk)
    assert secrets_to_save(report.config, secret, None) == []


def test_a_sandbox_export_says_to_start_the_sandbox(memory_keyring):
    profile = LiveKitProfile(url="http://127.0.0.1:7880", api_key="devkey", sandbox=True)
    with pytest.raises(InvalidInput) as info:
        api_secret_for(profile, SecretStore(), {})
    [line] = info.value.problems
    assert line.startswith("livekit.api_secret: ") and "`phonewizard sandbox`" in line
    assert "keyring" not in line  # no keyring holds a sandbox's secret: do not send the user there
    assert api_secret_for(profile, SecretStore(), {"LIVEKIT_API_SECRET": "s" * 43}).source == "env"
