"""Reports that must match what is really in LiveKit (issue 12, point 9).

* A LiveKit number whose rollback detach is refused, after the rule it pointed at was deleted,
  is no leftover: deleting a rule detaches its numbers. No "still attached" claim, no exit 1.
* An `unregister` that fails part-way says what it removed and what remains, and exits 1 (3
  promises nothing was left behind; 4 that LiveKit could not be used at all); the next command
  reports it, and `unregister` again finishes it. One refused before removing anything changed
  nothing: exit 3, and nothing to recover.
"""

from __future__ import annotations

import pytest

from phonewizard.services.errors import LiveKitRefused, PartialRollback
from tests.safety.helpers import (
    ID_RE,
    LK_NUMBER,
    TRUNK_NUMBER,
    cli_run,  # noqa: F401 - fixture
    livekit_number_document,
    short_timeouts,  # noqa: F401 - fixture
    trunk_document,
    write,
)
from tests.services.registrar_helpers import LK_PHONE, make_plan, registrar, run

EMPTY = {"inbound": 0, "outbound": 0, "rules": 0}


def test_a_refused_detach_after_its_rule_is_deleted_is_no_leftover(sandbox):
    sandbox.faults.fail("UpdatePhoneNumber", "5xx")  # the attach: LiveKit answered with an error
    sandbox.faults.fail("UpdatePhoneNumber", "error", msg="detach refused")  # the rollback's detach
    p = make_plan(phone_number=LK_PHONE, provider="livekit", enable_outbound=False,
                  auth_username=None, auth_password=None, outbound_address=None)
    with pytest.raises(LiveKitRefused) as info:
        run(registrar(sandbox).apply(p))
    assert not isinstance(info.value, PartialRollback), str(info.value)
    assert "still attached" not in str(info.value)
    snap = sandbox.snapshot()
    assert snap["rules"] == {}
    assert all(n["sip_dispatch_rule_ids"] == [] for n in snap["phone_numbers"].values())


def test_the_cli_reports_that_refused_detach_as_a_clean_refusal(sandbox_env, cli_run, tmp_path):  # noqa: F811
    sandbox_env.faults.fail("UpdatePhoneNumber", "5xx")
    sandbox_env.faults.fail("UpdatePhoneNumber", "error", msg="detach refused")
    result = cli_run("register", write(tmp_path / "lk.json", livekit_number_document(sandbox_env.url)))
    assert result.code == 3, result.err
    assert "Left in LiveKit" not in result.err and "still attached" not in result.err
    assert LK_NUMBER not in str(sandbox_env.snapshot()["rules"])


def test_a_partly_failed_unregister_says_what_went_and_what_remains(sandbox_env, cli_run, tmp_path):  # noqa: F811
    assert cli_run("register", write(tmp_path / "c.json", trunk_document(sandbox_env.url))).code == 0
    before = sandbox_env.snapshot()
    rule_id, = before["rules"]
    sandbox_env.faults.fail("DeleteSIPTrunk", "error", msg="trunk delete refused")  # one of two trunks
    result = cli_run("unregister", TRUNK_NUMBER)
    assert result.code == 1, result.err
    [line] = [x for x in result.err.splitlines() if x.startswith("error: ")]
    assert f"Unregistering {TRUNK_NUMBER} did not finish (trunk delete refused)" in line
    removed, remaining = line.split("Removed: ")[1].split(". Still in LiveKit: ")
    left = set(sandbox_env.snapshot()["inbound"]) | set(sandbox_env.snapshot()["outbound"])
    assert len(left) == 1 and set(ID_RE.findall(remaining)) == left
    assert rule_id in ID_RE.findall(removed) and len(ID_RE.findall(removed)) == 2
    assert f"`phonewizard unregister {TRUNK_NUMBER}` again" in line

    listed = cli_run("list")
    assert f"an earlier `phonewizard unregister` of {TRUNK_NUMBER}" in listed.err
    again = cli_run("unregister", TRUNK_NUMBER)
    assert again.code == 0, again.err
    assert "is resolved" in again.err
    assert sandbox_env.counts() == EMPTY
    assert "did not finish" not in cli_run("list").err


def test_an_unregister_refused_before_removing_anything_exits_3_and_leaves_nothing_to_recover(
        sandbox_env, cli_run, tmp_path):  # noqa: F811
    assert cli_run("register", write(tmp_path / "c.json", trunk_document(sandbox_env.url))).code == 0
    before = sandbox_env.snapshot()
    sandbox_env.faults.fail("DeleteSIPDispatchRule", "error", msg="rule delete refused")
    result = cli_run("unregister", TRUNK_NUMBER)
    assert result.code == 3 and "rule delete refused" in result.err
    assert sandbox_env.snapshot() == before
    assert "did not finish" not in cli_run("list").err

