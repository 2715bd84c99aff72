"""Keyring trouble: a locked keyring, no keyring at all (keyring's `fail` backend) and a keyring
that fails when saving each give a clear message and a way forward — the CLI registers with the
API secret from the environment and says the secrets were not saved; the wizard still registers
and exports without secrets — and never fall back to storing a secret in a file.
"""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest
from PySide6.QtWidgets import QMessageBox

from phonewizard import cli
from phonewizard.domain.navigation import PageId
from phonewizard.services.secret_store import SecretStore
from tests.safety import wizard_run
from tests.ui.wizard_helpers import save_profile_and_wait
from tests.safety.helpers import trunk_document, write

SIP_PASSWORD = "Keyring-Trouble-pa55-9"


class LockedKeyring(keyring.backend.KeyringBackend):
    priority = -1

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("the collection is locked")

    def delete_password(self, service, username):
        raise keyring.errors.KeyringLocked("the collection is locked")


class FailingOnSetKeyring(keyring.backend.KeyringBackend):
    """Reads work (nothing stored); saving fails — and the error echoes what it was given."""

    priority = -1

    def get_password(self, service, username):
        return None

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringError(f"D-Bus said no to {password!r}")

    def delete_password(self, service, username):
        raise keyring.errors.PasswordDeleteError("not found")


BACKENDS = {
    "locked": (LockedKeyring, "the keyring is locked"),
    "absent": (keyring.backends.fail.Keyring, "No secure system keyring found"),
    "failing": (FailingOnSetKeyring, "KeyringError"),
}


@pytest.fixture(params=list(BACKENDS))
def broken_keyring(request):
    cls, words = BACKENDS[request.param]
    keyring.set_keyring(cls())  # the autouse memory_keyring fixture restores the previous one
    return words


def _scan(root, secrets) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, f"a secret was stored in {path}"


def test_cli_registers_and_says_secrets_were_not_saved(broken_keyring, sandbox_env, tmp_path, tmp_path_factory, capsys):
    source = write(tmp_path_factory.mktemp("in") / "c.json", trunk_document(sandbox_env.url, password=SIP_PASSWORD))
    code = cli.main(["register", str(source)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert sandbox_env.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    [warning] = [line for line in captured.err.splitlines() if line.startswith("warning: secrets: ")]
    assert broken_keyring in warning
    assert "NOT saved" in warning and "--no-save-secrets" in warning  # what happened, what to do
    assert "Saved the secrets" not in captured.err
    assert SIP_PASSWORD not in captured.out + captured.err
    assert "Traceback" not in captured.err
    _scan(tmp_path, [SIP_PASSWORD, sandbox_env.api_secret])
    # --no-save-secrets is the quiet way forward.
    assert cli.main(["register", str(source), "--no-save-secrets"]) == 0
    assert "warning: secrets" not in capsys.readouterr().err


def test_cli_without_a_secret_anywhere_explains_where_to_put_it(broken_keyring, sandbox, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LIVEKIT_URL", sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", sandbox.api_key)
    code = cli.main(["register", str(write(tmp_path / "c.json", trunk_document(sandbox.url, password=SIP_PASSWORD)))])
    err = capsys.readouterr().err
    assert code == 2
    assert "livekit.api_secret: " in err and "export LIVEKIT_API_SECRET" in err
    assert sandbox.log.methods == []


def test_wizard_registers_exports_and_never_stores_plaintext(broken_keyring, qtbot, tmp_path, sandbox, monkeypatch):
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(f"{title}: {text}")))
    wizard = wizard_run.open_wizard(qtbot, tmp_path, sandbox)
    wizard_run.fill(wizard, qtbot, SIP_PASSWORD)
    exported = tmp_path / "exports" / "e.json"
    assert "Exported" in wizard_run.export_from_review(wizard, monkeypatch, exported)
    review = wizard_run.register(wizard, qtbot)
    assert review.result is not None, review.status_label.text()
    assert wizard.currentId() == int(PageId.RESULT)
    notice = wizard.page(int(PageId.RESULT)).secrets_notice.text()
    assert notice.startswith("Secrets were not saved: ") and broken_keyring in notice
    assert "export the configuration without secrets" in notice  # a way forward
    # Saving the profile needs the keyring for its secrets: refused with the reason, no file.
    assert save_profile_and_wait(qtbot, wizard) is None
    assert warnings and warnings[0].startswith("Secrets not saved: ")
    assert not (tmp_path / "profile" / "config.json").exists()
    _scan(tmp_path, [SIP_PASSWORD, sandbox.api_secret])
    assert SIP_PASSWORD not in notice and sandbox.api_secret not in notice


def test_secret_store_errors_never_echo_the_secret():
    keyring.set_keyring(FailingOnSetKeyring())
    with pytest.raises(Exception) as info:
        SecretStore().set("sip-auth-password:+13125550142:u", SIP_PASSWORD)
    assert SIP_PASSWORD not in str(info.value) and SIP_PASSWORD not in repr(info.value)
    assert "D-Bus said no" in str(info.value)
