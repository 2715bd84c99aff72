"""The CLI in-process (`cli.main([...])` + capsys): exit codes, output and the sandbox's state.

Every run goes through `run_cli`, which also asserts that no output ever contains the API
secret or a SIP password.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from livekit import api
from livekit.protocol.sip import CreateSIPInboundTrunkRequest, SIPInboundTrunkInfo

from phonewizard import __version__, cli
from phonewizard.services.config_files import default_config_path
from phonewizard.services.secret_store import SecretStore, livekit_secret_key, sip_password_key

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SIP_PASSWORD = "Sip-Passw0rd-Never-Shown-42"
TWILIO_NUMBER = "+14155550123"


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run_cli(capsys, request):
    """Run the CLI; fail the test if any secret we know of shows up in stdout or stderr."""
    secrets = [SIP_PASSWORD]
    if "sandbox" in request.fixturenames:
        secrets.append(request.getfixturevalue("sandbox").api_secret)

    def run(*argv: str) -> Run:
        code = cli.main([str(a) for a in argv])
        captured = capsys.readouterr()
        for secret in secrets:
            assert secret not in captured.out and secret not in captured.err
        assert "Traceback" not in captured.err
        return Run(code, captured.out, captured.err)

    return run


def example(name: str, tmp_path: Path, **registration) -> Path:
    """A copy of examples/<name> with registration fields changed."""
    document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    document["registration"].update(registration)
    path = tmp_path / f"edited-{name}"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def total(sandbox) -> int:
    return sum(sandbox.counts().values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- validate / export-lk / argument handling ---------------------------------------------

@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_validates(run_cli, name):
    result = run_cli("validate", EXAMPLES / name)
    assert result.code == 0, result.err
    assert f"{name}: valid" in result.out


def test_examples_hold_no_secrets():
    for path in EXAMPLES.glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert "api_secret" not in document["livekit"]
        assert "auth_password" not in document["registration"]
        assert document["livekit"]["url"] == "http://127.0.0.1:7880"
        assert document["livekit"]["api_key"] == "devkey"


def test_invalid_file_lists_each_problem(run_cli, tmp_path):
    path = example("twilio.json", tmp_path, phone_number="555-0123", ringing_timeout_seconds=0)
    result = run_cli("validate", path)
    assert result.code == 2
    lines = result.err.splitlines()
    assert any(line.startswith("registration.phone_number: ") for line in lines)
    assert any(line.startswith("registration.ringing_timeout_seconds: ") for line in lines)
    assert result.out == ""


@pytest.mark.parametrize(
    "content, expected",
    [
        ("{\n  \"format\": \"phonewizard/1\",\n}", "invalid JSON at line 3"),
        ('{"format": "phonewizard/2"}', "written by a newer phonewizard (phonewizard/2); upgrade"),
        ("[]", "expected a JSON object"),
    ],
)
def test_unusable_files_exit_2(run_cli, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.code == 2 and expected in result.err


def test_missing_file_exits_2(run_cli, tmp_path):
    result = run_cli("register", tmp_path / "nope.json")
    assert result.code == 2 and "no such file" in result.err


def test_version_and_usage_errors(run_cli):
    result = run_cli("--version")
    assert result.code == 0 and __version__ in result.out
    assert run_cli("frobnicate").code == 2
    assert run_cli("export-lk", EXAMPLES / "twilio.json").code == 2  # --out is required


def test_export_lk_writes_files_and_steps(run_cli, tmp_path):
    out = tmp_path / "lk"
    result = run_cli("export-lk", EXAMPLES / "telnyx-outbound.json", "--out", out)
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["dispatch.json", "inbound.json", "outbound.json"]
    assert "--trunks ST_" in result.out and "--auth-pass" in result.out
    outbound = json.loads((out / "outbound.json").read_text())["trunk"]
    assert outbound["auth_username"] == "acme-sales-livekit" and "auth_password" not in outbound
    # The missing password is not a problem for an export: no warning about it.
    assert "registration.auth_password" not in result.err


# ---- register / list / unregister against the sandbox --------------------------------------

def test_register_list_unregister_round_trip(run_cli, sandbox_env):
    sandbox = sandbox_env
    registered = run_cli("register", EXAMPLES / "twilio.json", "--json")
    assert registered.code == 0, registered.err
    document = registered.json()
    assert document["phone_number"] == TWILIO_NUMBER
    assert document["sip_uri"] == "sip:sandbox.sip.phonewizard.invalid"
    assert document["dispatch_rule_id"].startswith("SDR_")
    assert document["inbound_trunk_id"].startswith("ST_")
    assert document["status"] == "active"
    assert total(sandbox) == 2

    listed = run_cli("list", "--json")
    assert listed.code == 0
    [entry] = listed.json()
    assert entry["phone_number"] == TWILIO_NUMBER and entry["agent_name"] == "support-agent"
    assert entry["dispatch_rule_ids"] == [document["dispatch_rule_id"]]
    assert entry["inbound_trunk_ids"] == [document["inbound_trunk_id"]]

    human = run_cli("list")
    assert TWILIO_NUMBER in human.out and document["dispatch_rule_id"] in human.out

    again = run_cli("register", EXAMPLES / "twilio.json", "--json")
    assert again.code == 0 and again.json()["status"] == "updated"
    assert total(sandbox) == 2  # updated in place, not duplicated

    removed = run_cli("unregister", "+1 415 555 0123")
    assert removed.code == 0, removed.err
    assert document["dispatch_rule_id"] in removed.out
    assert total(sandbox) == 0
    assert run_cli("list", "--json").json() == []
    assert "Nothing to remove" in run_cli("unregister", TWILIO_NUMBER).out


def test_human_output_names_the_sip_uri_and_ids(run_cli, sandbox_env):
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 0, result.err
    assert "Registered +14155550123" in result.out
    assert "SIP URI for your carrier: sip:sandbox.sip.phonewizard.invalid" in result.out
    assert "dispatch rule:  SDR_" in result.out


def test_dry_run_sends_nothing_and_masks_the_password(run_cli, sandbox_env, tmp_path):
    path = example("telnyx-outbound.json", tmp_path, auth_password=SIP_PASSWORD)
    result = run_cli("register", path, "--dry-run")
    assert result.code == 0, result.err
    assert sandbox_env.log.methods == []
    planned = result.json()
    assert planned["outbound_trunk"]["trunk"]["auth_username"] == "acme-sales-livekit"
    assert planned["outbound_trunk"]["trunk"]["auth_password"] != SIP_PASSWORD
    assert "nothing was sent" in result.err


def test_livekit_number_registers_and_unregisters(run_cli, sandbox_env):
    result = run_cli("register", EXAMPLES / "livekit-number.json", "--json")
    assert result.code == 0, result.err
    rule_id = result.json()["dispatch_rule_id"]
    number = sandbox_env.snapshot()["phone_numbers"]
    assert any(rule_id in str(pn) for pn in number.values())
    assert run_cli("unregister", "+14155550100").code == 0
    assert total(sandbox_env) == 0


def _foreign_trunk(sandbox, number: str) -> str:
    async def create() -> str:
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            trunk = await lk.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(
                trunk=SIPInboundTrunkInfo(name="made by hand", numbers=[number])))
            return trunk.sip_trunk_id

    return asyncio.run(create())


def test_conflict_exits_3_and_creates_nothing(run_cli, sandbox_env):
    foreign = _foreign_trunk(sandbox_env, TWILIO_NUMBER)
    before = sandbox_env.snapshot()
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 3
    assert foreign in result.err and "Nothing was created" in result.err
    # A stranger's trunk cannot be taken over: the hint says where to change it instead.
    assert "--take-over" not in result.err and "Telephony → SIP trunks" in result.err
    assert sandbox_env.snapshot() == before


def test_other_agents_number_needs_take_over(run_cli, sandbox_env, tmp_path):
    assert run_cli("register", EXAMPLES / "twilio.json").code == 0
    document = json.loads((EXAMPLES / "twilio.json").read_text())
    document["agent_name"] = "night-agent"
    other = tmp_path / "night.json"
    other.write_text(json.dumps(document))
    refused = run_cli("register", other)
    assert refused.code == 3 and "support-agent" in refused.err
    assert "again with --take-over" in refused.err  # the CLI names its own option
    taken = run_cli("register", other, "--take-over", "--json")
    assert taken.code == 0, taken.err
    [entry] = run_cli("list", "--json").json()
    assert entry["agent_name"] == "night-agent"
    assert total(sandbox_env) == 2


def test_livekit_refusal_rolls_back_and_exits_3(run_cli, sandbox_env):
    sandbox_env.faults.fail("CreateSIPDispatchRule", "error", code="invalid_argument",
                            msg="rule rejected for the test")
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 3
    assert "rule rejected for the test" in result.err
    assert total(sandbox_env) == 0  # the inbound trunk made before the failure was removed


def test_failed_rollback_exits_1_and_lists_what_remains(run_cli, sandbox_env):
    sandbox_env.faults.fail("CreateSIPDispatchRule", "error", code="invalid_argument")
    sandbox_env.faults.fail("DeleteSIPTrunk", "5xx", times=5)
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 1
    [trunk_id] = sandbox_env.snapshot()["inbound"] if "inbound" in sandbox_env.snapshot() else [None]
    assert trunk_id and trunk_id in result.err
    assert f"phonewizard unregister {TWILIO_NUMBER}" in result.err


def test_unreachable_exits_4(run_cli, monkeypatch):
    monkeypatch.setenv("LIVEKIT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("LIVEKIT_API_KEY", "devkey")
    monkeypatch.setenv("LIVEKIT_API_SECRET", "x" * 40)
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 4
    assert "Could not reach LiveKit" in result.err
    assert run_cli("list").code == 4


def test_wrong_secret_exits_4(run_cli, sandbox_env, monkeypatch):
    wrong = "wrong-secret-" + "y" * 40
    monkeypatch.setenv("LIVEKIT_API_SECRET", wrong)
    result = run_cli("register", EXAMPLES / "twilio.json")
    assert result.code == 4
    assert "did not accept API key" in result.err and wrong not in result.err
    assert total(sandbox_env) == 0
    assert run_cli("unregister", TWILIO_NUMBER).code == 4


# ---- secrets ---------------------------------------------------------------------------------

def test_password_required_to_register(run_cli, sandbox_env):
    result = run_cli("register", EXAMPLES / "telnyx-outbound.json")
    assert result.code == 2
    assert result.err.startswith("registration.auth_password: ")
    assert sandbox_env.log.methods == []


def plaintext_secrets_file(sandbox, tmp_path: Path) -> tuple[Path, dict]:
    """The Telnyx example pointed at the sandbox, with both secrets written in plaintext."""
    document = json.loads((EXAMPLES / "telnyx-outbound.json").read_text())
    document["livekit"].update(url=sandbox.url, api_secret=sandbox.api_secret)
    document["registration"]["auth_password"] = SIP_PASSWORD
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(document))
    return path, document


def test_plaintext_secrets_are_used_then_moved_to_the_keyring(run_cli, sandbox, tmp_path, memory_keyring):
    path, document = plaintext_secrets_file(sandbox, tmp_path)

    result = run_cli("register", path, "--json")
    assert result.code == 0, result.err
    assert "warning: registration.auth_password: this file holds a plaintext SIP password" in result.err
    assert "warning: livekit.api_secret: this file holds the plaintext LiveKit API secret" in result.err
    store = SecretStore()
    assert store.get(livekit_secret_key(sandbox.url, "devkey")) == sandbox.api_secret
    assert store.get(sip_password_key("+13125550142", "acme-sales-livekit")) == SIP_PASSWORD
    trunks = sandbox.snapshot()["outbound"]
    assert [t["auth_password"] for t in trunks.values()] == [SIP_PASSWORD]

    # Without the secrets in the file, the keyring supplies both.
    del document["livekit"]["api_secret"], document["registration"]["auth_password"]
    path.write_text(json.dumps(document))
    again = run_cli("register", path, "--json")
    assert again.code == 0, again.err
    assert again.json()["status"] == "updated"


def test_a_failed_registration_saves_no_secret(run_cli, sandbox, tmp_path, memory_keyring):
    """The secrets written in the file move to the keyring only after LiveKit accepted."""
    path, _document = plaintext_secrets_file(sandbox, tmp_path)
    sandbox.faults.fail("CreateSIPDispatchRule", "error", code="invalid_argument", msg="rule rejected")
    result = run_cli("register", path)
    assert result.code == 3 and "rule rejected" in result.err
    assert memory_keyring.entries == {}
    assert total(sandbox) == 0


def test_no_save_secrets_leaves_the_keyring_alone(run_cli, sandbox_env, tmp_path, memory_keyring):
    path = example("telnyx-outbound.json", tmp_path, auth_password=SIP_PASSWORD)
    result = run_cli("register", path, "--no-save-secrets")
    assert result.code == 0, result.err
    assert memory_keyring.entries == {}


def test_env_secret_is_not_saved(run_cli, sandbox_env, memory_keyring):
    assert run_cli("register", EXAMPLES / "twilio.json").code == 0
    assert memory_keyring.entries == {}


def test_unusable_keyring_warns_but_registers(run_cli, sandbox_env, tmp_path):
    keyring.set_keyring(keyring.backends.fail.Keyring())
    path = example("telnyx-outbound.json", tmp_path, auth_password=SIP_PASSWORD)
    result = run_cli("register", path)
    assert result.code == 0, result.err
    assert "warning: secrets: No secure system keyring found" in result.err
    assert total(sandbox_env) == 3


def test_list_uses_the_default_profile_and_keyring(run_cli, sandbox, memory_keyring):
    profile = default_config_path()
    profile.parent.mkdir(parents=True)
    profile.write_text(json.dumps({"format": "phonewizard/1", "agent_name": "a",
                                   "livekit": {"url": sandbox.url, "api_key": "devkey"},
                                   "registration": {"phone_number": TWILIO_NUMBER,
                                                     "provider": "twilio"}}))
    missing = run_cli("list")
    assert missing.code == 2 and missing.err.startswith("livekit.api_secret: ")
    SecretStore().set(livekit_secret_key(sandbox.url, "devkey"), sandbox.api_secret)
    result = run_cli("list", "--json")
    assert result.code == 0, result.err
    assert result.json() == []


def test_list_without_any_configuration_exits_2(run_cli):
    result = run_cli("list")
    assert result.code == 2 and result.err.startswith("livekit.url: ")
    assert "LIVEKIT_URL" in result.err


def test_unregister_rejects_a_bad_number(run_cli, sandbox_env):
    result = run_cli("unregister", "hello")
    assert result.code == 2 and result.err.startswith("NUMBER: ")
    assert sandbox_env.log.methods == []


def test_export_lk_into_a_file_exits_2(run_cli, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    result = run_cli("export-lk", EXAMPLES / "twilio.json", "--out", target)
    assert result.code == 2 and result.err.startswith("--out: ")


def test_unexpected_errors_are_one_line_and_scrubbed(run_cli, sandbox_env, monkeypatch):
    """Last guard: even a library error echoing the secret prints one scrubbed line, exit 1."""
    from phonewizard.services.registrar import Registrar

    secret = sandbox_env.api_secret

    async def broken_apply(self, plan, **kwargs):
        raise RuntimeError(f"library bug while signing with {secret}")

    monkeypatch.setattr(Registrar, "apply", broken_apply)
    result = run_cli("register", EXAMPLES / "twilio.json")  # run_cli asserts the secret is absent
    assert result.code == 1
    assert "error: unexpected RuntimeError: library bug while signing with ••••••" in result.err
