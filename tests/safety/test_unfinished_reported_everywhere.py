"""Every command that talks to a project reports a run of it that was killed half-way, before it
does anything else (issue 12: "the next command for that project")."""

from __future__ import annotations

import sys

import pytest

from phonewizard import cli
from tests.app.test_recovery import _crashed_registration
from tests.safety.helpers import TRUNK_NUMBER

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9")


# `list`, `register`, `unregister` and `recover` are covered in test_crash_recovery.py.
@pytest.mark.parametrize("argv", [
    ["show", TRUNK_NUMBER], ["doctor", "--to", TRUNK_NUMBER],
    ["call", TRUNK_NUMBER, "--to", "+15550001486", "--quiet"],
])
def test_a_killed_run_is_reported_first(capsys, sandbox_env, tmp_path, argv):
    _crashed_registration(sandbox_env, tmp_path)
    cli.main(argv)
    err = capsys.readouterr().err
    assert "did not finish" in err and TRUNK_NUMBER in err, err
    assert "phonewizard recover" in err  # and how to resolve it
