"""check_config: the message forms for pydantic's own errors, never raising, and speed."""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from phonewizard.domain.report import Problem, Report, check_config, check_profile
from tests.domain.validation_samples import BASE, config, errors


def test_valid_config_returns_model_and_no_errors():
    report = check_config(copy.deepcopy(BASE))
    assert report.ok and report.errors == []
    assert report.config.agent_name == "inbound-agent"


def test_missing_fields_say_what_to_enter():
    data = config()
    del data["registration"]["phone_number"]
    del data["livekit"]["url"]
    del data["agent_name"]
    found = errors(check_config(data))
    assert found["registration.phone_number"].startswith("required: enter the phone number")
    assert found["livekit.url"].startswith("required: enter your LiveKit server URL")
    assert found["agent_name"].startswith("required: enter the agent name")
    report = check_config({})
    assert {p.field for p in report.errors} == {"agent_name", "livekit", "registration"}


def test_unknown_fields_suggest_the_right_name():
    data = config(phone_nunber="+1")
    data["livekit"]["apikey"] = "x"
    data["registration"]["dtmf_config"] = {"dtmf_sequnce": "1"}
    found = errors(check_config(data))
    assert found["registration.phone_nunber"] == "unknown field 'phone_nunber'; remove it (did you mean 'phone_number'?)"
    assert "did you mean 'api_key'" in found["livekit.apikey"]
    assert "did you mean 'dtmf_sequence'" in found["registration.dtmf_config.dtmf_sequnce"]
    assert found == errors(check_config(data))  # stable


def test_type_errors_are_plain_words():
    found = errors(check_config(config(phone_number=14155550101, krisp_enabled="maybe", trunk_numbers="+1415", custom_headers=[1])))
    assert found["registration.phone_number"].startswith("must be text")
    assert found["registration.krisp_enabled"].startswith("must be true or false")
    assert found["registration.trunk_numbers"].startswith("must be a list")
    assert found["registration.custom_headers"].startswith("must be an object")
    assert "config" in errors(check_config([1, 2]))
    assert "config" in errors(check_config(None))


def test_no_value_error_prefix_anywhere():
    report = check_config(config(phone_number="abc", outbound_address="https://x", destination_country="QQ"))
    assert report.errors and all("Value error" not in p.message for p in report.errors)


def test_format_literal():
    data = config()
    data["format"] = "other/2"
    assert "phonewizard/1" in errors(check_config(data))["format"]


def test_errors_mean_no_config():
    report = check_config(config(enable_outbound=True))  # cross-field error only
    assert report.config is None and not report.ok


def test_problem_prints_as_path_and_message():
    assert str(Problem("a.b", "msg")) == "a.b: msg"


def test_input_is_not_mutated():
    data = config(outbound_address="sip:mytrunk.pstn.twilio.com;transport=tcp")
    before = copy.deepcopy(data)
    check_config(data)
    assert data == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
field_names = st.sampled_from([
    "phone_number", "provider", "trunk_numbers", "allowed_addresses", "outbound_address", "auth_password",
    "enable_outbound", "outbound_enabled", "destination_country", "custom_headers", "headers_to_attributes",
    "dtmf_config", "transfer_config", "metadata", "provider_config", "ringing_timeout_seconds", "bogus",
])


@settings(max_examples=300, deadline=None)
@given(top=json_values, registration=st.dictionaries(field_names, json_values, max_size=8), livekit=json_values)
def test_never_raises(top, registration, livekit):
    for data in (top, {"agent_name": "a", "livekit": livekit, "registration": registration},
                 config(**registration)):
        report = check_config(data)
        assert isinstance(report, Report)
        assert report.ok or report.errors
        assert all(isinstance(p.field, str) and p.message for p in report.errors)


def test_hostile_inputs():
    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    for data in (config(metadata={"a": deep}), config(phone_number="+1" * 500_000), {"registration": deep},
                 config(allowed_addresses=["1.2.3.4"] * 5000), config(custom_headers={"X-\u00e9": "\x00"})):
        report = check_config(data)
        assert report.errors


def test_huge_unknown_key_gives_a_bounded_path():
    report = check_config(config(**{"k" * 100_000: 1}))
    assert len(report.errors[0].field) < 300 and "unknown field" in report.errors[0].message


def test_profile_alone_reports_every_problem_under_livekit():
    profile, problems = check_profile({"url": "ws://lk.example.com", "api_key": "a b"})
    assert profile is None
    assert {p.field for p in problems} == {"livekit.url", "livekit.api_key"}  # cross-field one included
    profile, problems = check_profile({"url": "wss://lk.example.com/", "api_key": "k", "api_secret": "s3cret-value"})
    assert problems == [] and profile.url == "wss://lk.example.com"
    _, problems = check_profile({"url": "wss://lk.example.com", "api_key": "k", "api_secret": ["s3cret-value"]})
    assert problems == [Problem("livekit.api_secret", "must be text")]
