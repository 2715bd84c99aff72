"""Transport security: a LiveKit URL over plain http:// or ws:// to a host other than this machine
is refused unless the user explicitly allows it, and the refusal says why (the API secret signs
every request). Checked in check_config, the CLI (`--allow-insecure`, or the file's
`allow_insecure_transport`) and the wizard's LiveKit page.
"""

from __future__ import annotations

import copy

import pytest

from phonewizard.domain.navigation import PageId
from phonewizard.domain.report import check_config
from phonewizard.sandbox import SandboxServer
from tests.safety.helpers import cli_run, trunk_document, write  # noqa: F401 - fixture

REASON = "API secret signs every request"
REMOTE_PLAIN = ["http://voice.example.com", "ws://voice.example.com:7880", "http://10.0.0.5:7880",
                "ws://[2001:db8::1]:7880", "HTTP://Voice.Example.com", "http://127.0.0.2:7880"]
ACCEPTED = ["https://voice.example.com", "wss://demo.livekit.cloud", "http://localhost:7880",
            "ws://127.0.0.1:7880", "http://[::1]:7880", "http://LOCALHOST:7880"]
BASE = {"format": "phonewizard/1", "agent_name": "a",
        "livekit": {"url": "", "api_key": "devkey"},
        "registration": {"phone_number": "+14155550101", "provider": "twilio"}}


def doc(url: str, **livekit) -> dict:
    d = copy.deepcopy(BASE)
    d["livekit"].update(url=url, **livekit)
    return d


@pytest.mark.parametrize("url", REMOTE_PLAIN)
def test_check_config_refuses_plain_transport_to_a_remote_host(url):
    report = check_config(doc(url))
    assert not report.ok
    [problem] = [p for p in report.errors if p.field == "livekit.url"]
    assert REASON in problem.message and "wss://" in problem.message
    assert "allow_insecure_transport" in problem.message  # the way forward
    assert check_config(doc(url, allow_insecure_transport=True)).ok


@pytest.mark.parametrize("url", ACCEPTED)
def test_check_config_accepts_tls_and_this_machine(url):
    assert check_config(doc(url)).ok, check_config(doc(url)).errors


def test_the_allowance_must_be_a_yes_or_no():
    report = check_config(doc("http://voice.example.com", allow_insecure_transport="maybe"))
    assert not report.ok
    assert "livekit.allow_insecure_transport" in {p.field for p in report.errors}


# ---- CLI ----------------------------------------------------------------------------------------

@pytest.fixture
def remote_sandbox():
    """A sandbox on 127.0.0.2: loopback on Linux, but not "this machine" by name, so it counts as
    remote — an http:// server we can really reach."""
    try:
        server = SandboxServer(host="127.0.0.2").start_in_thread()
    except OSError as exc:  # pragma: no cover - systems without the 127/8 loopback range
        pytest.skip(f"127.0.0.2 is not usable here: {exc}")
    yield server
    server.stop_thread()


@pytest.mark.parametrize("command", ["validate", "register", "export-lk"])
def test_cli_refuses_plain_transport_in_the_file(cli_run, tmp_path, command):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document("http://voice.example.com"))
    extra = ["--out", tmp_path / "out"] if command == "export-lk" else []
    result = cli_run(command, path, *extra)
    assert result.code == 2
    assert any(line.startswith("livekit.url: ") and REASON in line for line in result.err.splitlines())
    assert not (tmp_path / "out").exists()


def test_cli_refuses_then_allows_with_the_flag(cli_run, tmp_path, remote_sandbox, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LIVEKIT_API_SECRET", remote_sandbox.api_secret)
    path = write(tmp_path / "c.json", trunk_document(remote_sandbox.url))
    refused = cli_run("register", path)
    assert refused.code == 2 and REASON in refused.err
    assert remote_sandbox.log.methods == []  # nothing was signed or sent
    allowed = cli_run("register", path, "--allow-insecure")
    assert allowed.code == 0, allowed.err
    assert remote_sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_the_file_can_allow_it_too(cli_run, tmp_path, remote_sandbox, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LIVEKIT_API_SECRET", remote_sandbox.api_secret)
    document = trunk_document(remote_sandbox.url)
    document["livekit"]["allow_insecure_transport"] = True
    assert cli_run("register", write(tmp_path / "c.json", document)).code == 0


@pytest.mark.parametrize("command", [["list"], ["unregister", "+13125550142"]])
def test_environment_url_is_checked_too(cli_run, tmp_path, remote_sandbox, monkeypatch, command):  # noqa: F811
    monkeypatch.setenv("LIVEKIT_URL", remote_sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", remote_sandbox.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", remote_sandbox.api_secret)
    refused = cli_run(*command)
    assert refused.code == 2 and refused.err.startswith("livekit.url: ") and REASON in refused.err
    assert remote_sandbox.log.methods == []
    assert cli_run(*command, "--allow-insecure").code == 0
    # and a file's https URL overridden by the variable is refused as well
    path = write(tmp_path / "c.json", trunk_document("https://voice.example.com"))
    overridden = cli_run("register", path)
    assert overridden.code == 2 and REASON in overridden.err


# ---- wizard -------------------------------------------------------------------------------------

def test_wizard_livekit_page_explains_and_blocks(qtbot, tmp_path):
    from tests.ui.wizard_helpers import LIVEKIT_ENV, make_wizard, next_button

    wizard = make_wizard(qtbot, tmp_path, environ={**LIVEKIT_ENV, "LIVEKIT_URL": "ws://voice.example.com"})
    page = wizard.page(PageId.LIVEKIT)
    problem = page.rows["livekit.url"].problem
    assert problem.isVisibleTo(page) and problem.kind == "error"
    assert REASON in problem.text()
    assert not next_button(wizard).isEnabled()
    page.url_edit.setText("wss://voice.example.com")
    assert problem.kind == "" and not problem.text()  # its line stays reserved, empty
    assert next_button(wizard).isEnabled()
    # The explicit allowance on the page: offered only for a plain remote URL, then Next is on.
    assert not page.insecure_check.isVisibleTo(page)
    page.url_edit.setText("ws://voice.example.com")
    assert page.insecure_check.isVisibleTo(page) and not page.insecure_check.isChecked()
    assert not next_button(wizard).isEnabled()
    page.insecure_check.setChecked(True)
    assert wizard.draft["livekit"]["allow_insecure_transport"] is True
    assert problem.kind == "" and next_button(wizard).isEnabled()
    page.insecure_check.setChecked(False)
    assert REASON in problem.text() and not next_button(wizard).isEnabled()
    # An explicit allowance from an opened configuration lets the user go on too.
    draft = copy.deepcopy(wizard.draft)
    draft["livekit"].update(url="ws://voice.example.com", allow_insecure_transport=True)
    wizard.load_draft(draft)
    assert page.url_edit.text() == "ws://voice.example.com" and page.insecure_check.isChecked()
    assert next_button(wizard).isEnabled()
