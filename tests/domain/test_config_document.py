"""The LiveKit profile and agent name: URL safety, API key, SIP URI normalisation."""

import pytest

from phonewizard.domain.report import check_config
from tests.domain.validation_samples import config, errors


def with_livekit(**fields):
    data = config()
    data["livekit"].update(fields)
    return data


@pytest.mark.parametrize("url", ["wss://demo.livekit.cloud", "https://lk.example.com:7880", "ws://localhost:7880", "http://127.0.0.1:7880", "ws://[::1]:7880"])
def test_urls_accepted(url):
    assert check_config(with_livekit(url=url)).ok


def test_insecure_remote_url_needs_opt_in():
    msg = errors(check_config(with_livekit(url="http://lk.example.com")))["livekit.url"]
    assert "API secret signs every request" in msg and "wss://" in msg
    assert check_config(with_livekit(url="ws://lk.example.com", allow_insecure_transport=True)).ok


@pytest.mark.parametrize("url, fragment", [("ftp://x.com", "must start with"), ("wss://", "host"), ("wss://x.com:abc", "valid URL"), ("", "required")])
def test_bad_urls(url, fragment):
    assert fragment in errors(check_config(with_livekit(url=url)))["livekit.url"]


def test_api_key():
    assert "no spaces" in errors(check_config(with_livekit(api_key="API abc")))["livekit.api_key"]
    assert "required" in errors(check_config(with_livekit(api_key="")))["livekit.api_key"]


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("abc123.sip.livekit.cloud", "sip:abc123.sip.livekit.cloud"),
        ("sip:abc123.sip.livekit.cloud;transport=tcp", "sip:abc123.sip.livekit.cloud"),
        ("sips:abc123.sip.livekit.cloud", "sip:abc123.sip.livekit.cloud"),
        ("", None),
        (None, None),
    ],
)
def test_sip_uri_normalised(uri, expected):
    assert check_config(with_livekit(sip_uri=uri)).config.livekit.sip_uri == expected


def test_sip_uri_rejects_user_part():
    assert "no user@ part" in errors(check_config(with_livekit(sip_uri="sip:+1415@abc.sip.livekit.cloud")))["livekit.sip_uri"]


def test_api_secret_is_secret():
    report = check_config(with_livekit(api_secret="topsecretvalue"))
    assert "topsecretvalue" not in repr(report.config)
    assert report.config.livekit.api_secret.get_secret_value() == "topsecretvalue"


@pytest.mark.parametrize("name", ["a", "inbound-agent", "my_agent.v2", "x" * 128])
def test_agent_name_ok(name):
    data = config()
    data["agent_name"] = name
    assert check_config(data).ok


@pytest.mark.parametrize("name, fragment", [("my agent", "' '"), ("x" * 129, "128"), ("agent/1", "'/'"), ("", "required")])
def test_agent_name_bad(name, fragment):
    data = config()
    data["agent_name"] = name
    assert fragment in errors(check_config(data))["agent_name"]


def test_insecure_url_reported_even_while_api_key_is_wrong():
    found = errors(check_config(with_livekit(url="http://lk.example.com", api_key="")))
    assert "wss://" in found["livekit.url"] and "required" in found["livekit.api_key"]


def test_direct_profile_validation_refuses_insecure_url():
    from pydantic import ValidationError

    from phonewizard.domain.config_document import LiveKitProfile

    with pytest.raises(ValidationError, match="livekit.url"):
        LiveKitProfile.model_validate({"url": "ws://lk.example.com", "api_key": "k"})
    assert LiveKitProfile.model_validate({"url": "ws://localhost:7880", "api_key": "k"}).url == "ws://localhost:7880"


def test_credentials_in_the_url_are_refused_without_being_echoed():
    msg = errors(check_config(with_livekit(url="wss://alice:s3cr3t-pw@demo.livekit.cloud")))["livekit.url"]
    assert "user name or password" in msg and "s3cr3t-pw" not in msg
