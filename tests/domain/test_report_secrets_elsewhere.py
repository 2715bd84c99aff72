"""A stored document keeps its SIP password in the keyring: validation says so, not "error"."""

from phonewizard.domain.report import check_config


def _document(**registration):
    return {
        "agent_name": "sales-agent",
        "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123"},
        "registration": {"phone_number": "+14155550101", "provider": "telnyx", **registration},
    }


def test_username_without_password_is_an_error_when_editing():
    report = check_config(_document(auth_username="agent-user"))
    assert [p.field for p in report.errors] == ["registration.auth_password"]


def test_username_without_password_is_valid_in_a_stored_document():
    report = check_config(_document(auth_username="agent-user"), secrets_elsewhere=True)
    assert report.ok
    assert report.config.registration.auth_password is None


def test_secrets_elsewhere_still_reports_other_credential_problems():
    report = check_config(_document(auth_password="Secret-Pass-123"), secrets_elsewhere=True)
    assert [p.field for p in report.errors] == ["registration.auth_username"]
