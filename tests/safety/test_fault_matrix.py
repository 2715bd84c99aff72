"""Faults at every request `phonewizard register` sends, through the real CLI and the sandbox.

For each request — the three list calls of the conflict check, the three creates, the phone-number
lookup and attach, and each delete of a rollback — the sandbox injects in turn a twirp error, a
5xx, a dropped connection and a timeout. Every case must end with the documented exit code
(3 LiveKit refused, 4 unreachable, 1 partial rollback), a plain message, and the sandbox holding
exactly what it held before. When a rollback delete fails, the message names exactly the IDs
left behind and `phonewizard unregister` (or a later `register`) cleans them up.
(tests/services/test_registrar_rollback.py covers the registrar API; this is the user's view.)
"""

from __future__ import annotations

import pytest

from tests.safety.helpers import (
    ID_RE,
    LK_NUMBER,
    TRUNK_NUMBER,
    cli_run,  # noqa: F401 - fixture
    livekit_number_document,
    object_ids,
    short_timeouts,  # noqa: F401 - fixture
    trunk_document,
    write,
)

# A refusal (4xx) or a server error (5xx: LiveKit answered) is exit 3; no answer at all is exit 4.
KINDS = {"error": 3, "5xx": 3, "drop": 4, "timeout": 4}
TRUNK_REQUESTS = ["ListSIPInboundTrunk", "ListSIPOutboundTrunk", "ListSIPDispatchRule",
                  "CreateSIPInboundTrunk", "CreateSIPOutboundTrunk", "CreateSIPDispatchRule"]
NUMBER_REQUESTS = ["GetPhoneNumber", "CreateSIPDispatchRule", "UpdatePhoneNumber"]
TIMEOUT_HINT = "did not answer within"


@pytest.fixture
def env(sandbox_env, short_timeouts):  # noqa: F811
    return sandbox_env


def _expect_clean_failure(result, kind: str, before: dict, sandbox) -> None:
    assert result.code == KINDS[kind], result.err
    assert result.out == ""
    assert result.err.strip(), "a failure must say why"
    assert len(result.err.strip().splitlines()) <= 3, result.err
    if kind == "timeout":
        assert TIMEOUT_HINT in result.err
    if kind == "error":
        assert "injected fault" in result.err  # LiveKit's own words reach the user
    assert sandbox.snapshot() == before
    assert sandbox.api_secret not in result.err


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("method", TRUNK_REQUESTS)
def test_trunk_registration_fault_at_each_request(env, cli_run, tmp_path, method, kind):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document(env.url))
    before = env.snapshot()
    env.faults.fail(method, kind, seconds=30)
    result = cli_run("register", path)
    _expect_clean_failure(result, kind, before, env)
    assert method in env.log.methods
    # The same file registers fine once LiveKit behaves: the failure left nothing in the way.
    assert cli_run("register", path).code == 0
    assert env.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("method", NUMBER_REQUESTS)
def test_livekit_number_fault_at_each_request(env, cli_run, tmp_path, method, kind):  # noqa: F811
    path = write(tmp_path / "lk.json", livekit_number_document(env.url))
    before = env.snapshot()
    env.faults.fail(method, kind, seconds=30)
    result = cli_run("register", path)
    _expect_clean_failure(result, kind, before, env)
    assert method in env.log.methods


def _partial(result, before: dict, sandbox, number: str) -> set[str]:
    """Exit 1, and the message names exactly the objects left behind and how to remove them."""
    assert result.code == 1, result.err
    left = object_ids(sandbox.snapshot()) - object_ids(before)
    assert left, "the injected delete fault should have left something behind"
    assert set(ID_RE.findall(result.err)) == left
    assert f"phonewizard unregister {number}" in result.err
    return left


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_failed_trunk_delete_during_rollback_is_reported_and_unregister_cleans_up(
        env, cli_run, tmp_path, kind):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document(env.url))
    before = env.snapshot()
    env.faults.fail("CreateSIPDispatchRule", "error")
    env.faults.fail("DeleteSIPTrunk", kind, seconds=30)  # one of the two trunk deletes fails
    left = _partial(cli_run("register", path), before, env, TRUNK_NUMBER)
    assert len(left) == 1  # the other trunk's delete went through
    result = cli_run("unregister", TRUNK_NUMBER)
    assert result.code == 0, result.err
    assert left <= set(ID_RE.findall(result.out))
    assert env.snapshot() == before


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(KINDS))
def test_failed_rule_delete_during_rollback_is_reported_and_unregister_cleans_up(
        env, cli_run, tmp_path, kind):  # noqa: F811
    path = write(tmp_path / "lk.json", livekit_number_document(env.url))
    before = env.snapshot()
    env.faults.fail("UpdatePhoneNumber", "error")  # attaching the number fails → delete the rule
    env.faults.fail("DeleteSIPDispatchRule", kind, seconds=30)
    left = _partial(cli_run("register", path), before, env, LK_NUMBER)
    assert all(i.startswith("SDR_") for i in left)
    assert cli_run("unregister", LK_NUMBER).code == 0
    assert env.snapshot() == before


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["5xx", "timeout"])
def test_a_later_register_reuses_what_a_failed_rollback_left(env, cli_run, tmp_path, kind):  # noqa: F811
    path = write(tmp_path / "c.json", trunk_document(env.url))
    before = env.snapshot()
    env.faults.fail("CreateSIPDispatchRule", "error")
    env.faults.fail("DeleteSIPTrunk", kind, times=2, seconds=30)  # both trunk deletes fail
    left = _partial(cli_run("register", path), before, env, TRUNK_NUMBER)
    assert len(left) == 2
    assert cli_run("register", path).code == 0
    after = env.snapshot()
    assert env.counts() == {"inbound": 1, "outbound": 1, "rules": 1}  # one set, no duplicates
    assert left <= object_ids(after)  # the leftovers were updated in place, not duplicated
    assert cli_run("unregister", TRUNK_NUMBER).code == 0
    assert env.snapshot() == before


# ---- a request LiveKit applies after the client gave up (issue 12, point 7) ---------------------
# The sandbox's "timeout" fault reads the request, hangs, and then applies it. The test releases
# the hang only after `register` has given up and rolled back, so the object appears afterwards,
# exactly the case `register` must warn about and a later run must clean up.

LATE_HINT = "if LiveKit still applies it"
LATE_CASES = [  # (document, request that hangs, objects it leaves once applied late)
    ("trunk", "CreateSIPInboundTrunk", 1),
    ("trunk", "CreateSIPOutboundTrunk", 1),
    ("trunk", "CreateSIPDispatchRule", 1),
    ("livekit", "CreateSIPDispatchRule", 1),
    ("livekit", "UpdatePhoneNumber", 0),  # its rule was deleted by the rollback: LiveKit says 404
]
HANG = 20.0  # seconds: only a hang takes this long


def _wait_until(condition) -> None:
    import time

    deadline = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < deadline, "the sandbox never reached the hang"
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("cleanup", ["unregister", "register"])
@pytest.mark.parametrize(("document", "method", "left"), LATE_CASES)
def test_a_request_applied_after_the_client_gave_up_is_reported_and_cleaned_up(
        env, cli_run, tmp_path, document, method, left, cleanup):  # noqa: F811
    number = TRUNK_NUMBER if document == "trunk" else LK_NUMBER
    make = trunk_document if document == "trunk" else livekit_number_document
    path = write(tmp_path / "c.json", make(env.url))
    before = env.snapshot()
    env.faults.fail(method, "timeout", seconds=3600)

    result = cli_run("register", path)
    assert result.code == 4, result.err
    assert TIMEOUT_HINT in result.err and LATE_HINT in result.err, result.err
    assert f"phonewizard unregister {number}" in result.err
    assert object_ids(env.snapshot()) == object_ids(before)  # everything it could see was undone

    _wait_until(lambda: env.faults.hanging == 1)
    env.faults.release_hangs()
    assert env.log.wait_idle(HANG)
    late = object_ids(env.snapshot()) - object_ids(before)
    assert len(late) == left  # created after `register` had given up

    if cleanup == "register":
        assert cli_run("register", path).code == 0
        assert late <= object_ids(env.snapshot())  # reused, not duplicated
        expected = {"inbound": 1, "outbound": 1, "rules": 1} if document == "trunk" else {
            "inbound": 0, "outbound": 0, "rules": 1}
        assert env.counts() == expected
    result = cli_run("unregister", number)
    assert result.code == 0, result.err
    assert late <= set(ID_RE.findall(result.out))
    assert env.snapshot() == before
