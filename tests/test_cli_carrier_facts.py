"""`validate` names the carrier facts a file relies on that are older than 90 days, and the CLI's
warnings carry issue 13's carrier caveats (LiveKit Cloud's allowed_addresses gate)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from phonewizard import cli
from phonewizard.cli import files

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class _FixedDate(dt.date):
    today_value = dt.date(2026, 12, 1)

    @classmethod
    def today(cls):  # noqa: D102 - the clock the command reads
        return cls.today_value


@pytest.fixture
def validate(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(files, "date", _FixedDate)

    def run(name: str, today: dt.date = dt.date(2026, 12, 1), livekit: dict | None = None, **registration):
        _FixedDate.today_value = today
        document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        document["registration"].update(registration)
        document["livekit"].update(livekit or {})
        path = tmp_path / name
        path.write_text(json.dumps(document), encoding="utf-8")
        code = cli.main(["validate", str(path)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_validate_lists_old_facts_with_date_and_source(validate):
    code, out, _err = validate("twilio.json")
    assert code == 0
    assert "not checked in the last 90 days (docs/carrier-facts.md)" in out
    assert ("Twilio signals from eight published /30 ranges: last checked 2026-08-24 against Twilio, "
            "“IP Addresses for Elastic SIP Trunking Services” (https://www.twilio.com/docs/sip-trunking/ip-addresses)") in out


def test_validate_is_quiet_while_the_facts_are_fresh(validate):
    code, out, _err = validate("twilio.json", today=dt.date(2026, 9, 1))
    assert code == 0 and "last checked" not in out


def test_cloud_allowed_addresses_warning_on_the_command_line(validate):
    code, _out, err = validate("twilio.json", livekit={"url": "wss://demo.livekit.cloud"})
    assert code == 0
    assert "warning: registration.allowed_addresses: On LiveKit Cloud, allowed addresses work only" in err


def test_warm_transfer_without_outbound_fails_validation(validate):
    code, out, err = validate("twilio.json", transfer_config={"warm_transfer_enabled": True})
    assert code == 2 and out == ""
    assert "registration.transfer_config.warm_transfer_enabled: needs outbound calling" in err
