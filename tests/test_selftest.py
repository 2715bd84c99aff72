"""`phonewizard --selftest`, run in-process from source: the report, its exit status, its checks."""

from __future__ import annotations

import keyring.backends.fail
import pytest

from phonewizard import selftest


def test_selftest_passes_from_source(qapp, capsys):
    rc = selftest.main([])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "selftest passed" in out
    for name in ("imports", "keyring", "resources", "sandbox"):
        assert f"  {name}: " in out


def test_selftest_never_prints_the_sandbox_secret(qapp, capsys, monkeypatch):
    seen = {}
    original = selftest.check_sandbox

    def spy():
        from phonewizard import sandbox

        real = sandbox.SandboxServer

        class Recording(real):
            def start_in_thread(self, *a, **k):
                result = super().start_in_thread(*a, **k)
                seen["secret"] = self.api_secret
                return result

        monkeypatch.setattr(sandbox, "SandboxServer", Recording)
        return original()

    monkeypatch.setattr(selftest, "CHECKS", (spy,))
    assert selftest.main([]) == 0
    assert seen["secret"] and seen["secret"] not in capsys.readouterr().out


def test_imports_check_walks_the_whole_package():
    names = selftest._module_names()
    assert "phonewizard.selftest" in names
    assert "phonewizard.resources" in names
    assert any(n.startswith("phonewizard.ui.") for n in names)
    assert any(n.startswith("phonewizard.services.") for n in names)
    assert not any(n.endswith("__main__") for n in names)


def test_insecure_keyring_is_a_warning_not_a_failure():
    keyring.set_keyring(keyring.backends.fail.Keyring())  # conftest restores the previous one
    result = selftest.check_keyring()
    assert result.status == "warn"
    assert "keyring.backends.fail" in result.detail


def test_secure_keyring_is_ok(memory_keyring):
    result = selftest.check_keyring()
    assert result.status == "ok"
    assert "MemoryKeyring" in result.detail


def test_a_failing_check_makes_exit_status_1_with_a_readable_line(monkeypatch, capsys):
    def check_broken():
        raise RuntimeError("plugin xyz missing")

    monkeypatch.setattr(selftest, "CHECKS", (selftest.check_keyring, check_broken))
    assert selftest.main([]) == 1
    out = capsys.readouterr().out
    assert "FAIL  broken: RuntimeError: plugin xyz missing" in out
    assert "selftest FAILED: broken" in out
    assert "Traceback" not in out


def test_missing_resource_fails_the_resources_check(qapp, tmp_path, monkeypatch):
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    result = selftest.check_resources()
    assert result.status == "FAIL"
    assert "icons/phonewizard-16.png" in result.detail
    assert str(tmp_path) in result.detail


@pytest.mark.parametrize("flag", ["--selftest"])
def test_main_entry_point_routes_selftest_without_the_gui(flag, monkeypatch):
    calls = []
    monkeypatch.setattr(selftest, "main", lambda argv: calls.append(argv) or 0)
    from phonewizard.__main__ import main

    assert main([flag]) == 0
    assert calls == [[]]
