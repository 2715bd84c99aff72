"""Repeat and race: registering twice, and two registrations at the same time.

The registrar's conflict check (list, then create) cannot by itself stop two runs for the same
number that both list before either creates. LiveKit's own inbound-trunk conflict rule (two
trunks for one number without allowed_numbers) then refuses the second create; the loser must
roll back what it made and report a conflict, so the project ends with exactly one set.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.naming import parse_marker
from phonewizard.domain.plan import plan
from phonewizard.services.livekit_client import Connection, LiveKitRefused
from phonewizard.services.registrar import RegisteredNumber, Registrar
from tests.safety.helpers import ID_RE, SIP_PASSWORD, TRUNK_NUMBER, trunk_document, write

ROOT = Path(__file__).resolve().parents[2]
OTHER_NUMBER = "+13125550199"


def _plan(sandbox, number: str = TRUNK_NUMBER, agent: str = "sales-agent"):
    return plan(PhoneWizardConfig.model_validate(trunk_document(sandbox.url, number, agent)))


def _registrar(sandbox) -> Registrar:
    return Registrar(Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=5.0))


def _one_set(sandbox, number: str = TRUNK_NUMBER) -> RegisteredNumber:
    found = asyncio.run(_registrar(sandbox).list_registrations())
    [entry] = [r for r in found if r.phone_number == number]
    assert (len(entry.inbound_trunk_ids), len(entry.outbound_trunk_ids), len(entry.dispatch_rule_ids)) == (1, 1, 1)
    return entry


def test_registering_the_same_configuration_twice_keeps_one_set(sandbox):
    first = asyncio.run(_registrar(sandbox).apply(_plan(sandbox)))
    second = asyncio.run(_registrar(sandbox).apply(_plan(sandbox)))
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    assert (second.inbound_trunk_id, second.outbound_trunk_id, second.dispatch_rule_id) == (
        first.inbound_trunk_id, first.outbound_trunk_id, first.dispatch_rule_id)
    assert second.status == "updated"
    _one_set(sandbox)


def test_two_numbers_registered_at_once_both_succeed(sandbox):
    async def both():
        return await asyncio.gather(_registrar(sandbox).apply(_plan(sandbox, TRUNK_NUMBER)),
                                    _registrar(sandbox).apply(_plan(sandbox, OTHER_NUMBER)))

    a, b = asyncio.run(both())
    assert {a.phone_number, b.phone_number} == {TRUNK_NUMBER, OTHER_NUMBER}
    assert sandbox.counts() == {"inbound": 2, "outbound": 2, "rules": 2}
    _one_set(sandbox, TRUNK_NUMBER)
    _one_set(sandbox, OTHER_NUMBER)


@pytest.mark.parametrize("latency", [0.0, 0.05])
def test_same_number_at_once_gives_one_registration_and_one_conflict(sandbox, latency):
    # With latency both runs finish their conflict check before either creates anything.
    sandbox.faults.latency = latency

    async def both():
        return await asyncio.gather(_registrar(sandbox).apply(_plan(sandbox)),
                                    _registrar(sandbox).apply(_plan(sandbox)),
                                    return_exceptions=True)

    for _ in range(3):
        results = asyncio.run(both())
        failures = [r for r in results if isinstance(r, BaseException)]
        successes = [r for r in results if not isinstance(r, BaseException)]
        if latency and not failures:
            pytest.fail("both runs claimed success for one number")
        # Either the second run saw the first (an update) or it lost the race (a conflict).
        for failure in failures:
            assert isinstance(failure, LiveKitRefused), repr(failure)
            assert TRUNK_NUMBER in str(failure) or "conflict" in str(failure).lower(), str(failure)
        assert successes
        assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
        _one_set(sandbox)
        asyncio.run(_registrar(sandbox).unregister(TRUNK_NUMBER))
        assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}


def _child_env(sandbox, state: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEKIT_")}
    if state is not None:  # a folder of its own for locks and journals: as if on another machine
        env["XDG_STATE_HOME"] = str(state)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # never the real keyring
    env.update(LIVEKIT_URL=sandbox.url, LIVEKIT_API_KEY=sandbox.api_key, LIVEKIT_API_SECRET=sandbox.api_secret)
    return env


def _two_processes(sandbox, paths: list[Path], states: list[Path] | None = None,
                   meanwhile: Callable[[list[subprocess.Popen]], None] | None = None) -> list[subprocess.CompletedProcess]:
    """Run both CLIs at once; the caller sets sandbox latency so their requests overlap.
    `states`: a state folder per process (two machines: no shared lock). `meanwhile(procs)`:
    called once both have started (to release held requests)."""
    procs = [subprocess.Popen([sys.executable, "-m", "phonewizard", "register", str(p), "--no-save-secrets"],
                              cwd=ROOT, env=_child_env(sandbox, states[i] if states else None),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, p in enumerate(paths)]
    if meanwhile is not None:
        try:
            meanwhile(procs)
        except BaseException:
            for proc in procs:
                proc.kill()
                proc.communicate()
            raise
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert "Traceback" not in err, err
        assert sandbox.api_secret not in out + err and SIP_PASSWORD not in out + err
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


@pytest.mark.slow
def test_two_cli_processes_for_different_numbers_both_succeed(sandbox, tmp_path):
    a = write(tmp_path / "a.json", trunk_document(sandbox.url, TRUNK_NUMBER))
    b = write(tmp_path / "b.json", trunk_document(sandbox.url, OTHER_NUMBER))
    sandbox.faults.latency = 0.05
    results = _two_processes(sandbox, [a, b])
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    _one_set(sandbox, TRUNK_NUMBER)
    _one_set(sandbox, OTHER_NUMBER)


@pytest.mark.slow
def test_two_cli_processes_for_the_same_number_never_duplicate(sandbox, tmp_path):
    """Two machines (no shared lock), one configuration, both conflict checks seeing an empty
    project: both create, LiveKit's own trunk conflict rule refuses one inbound trunk, and
    phonewizard's race rule (services/registrar_race.py) must not let that refused run's other
    objects take the number from the run LiveKit accepted. Exactly one exits 0, the other exits 3
    naming the number; never both (duplicates), never neither (nothing registered: it failed
    about 3 times in 15 before the race rule was fixed)."""
    a = write(tmp_path / "a.json", trunk_document(sandbox.url))
    b = write(tmp_path / "b.json", trunk_document(sandbox.url))
    # Both conflict checks are held until both processes are inside them, so neither can see the
    # other's objects there, however the two start-ups are scheduled; the latency then keeps the
    # rest of their requests overlapping.
    sandbox.faults.fail("ListSIPDispatchRule", "timeout", seconds=60, times=2)
    sandbox.faults.latency = 0.2

    def release_both_checks(procs: list[subprocess.Popen]) -> None:
        deadline = time.monotonic() + 60  # a guard against a hang, not a timing assertion
        while sandbox.faults.hanging < 2:
            ended = [p for p in procs if p.poll() is not None]
            assert not ended, [p.communicate() for p in ended]
            assert time.monotonic() < deadline, "the two conflict checks never both arrived"
            time.sleep(0.01)
        sandbox.faults.release_hangs()

    results = _two_processes(sandbox, [a, b], states=[tmp_path / "machine-a", tmp_path / "machine-b"],
                             meanwhile=release_both_checks)
    assert sorted(r.returncode for r in results) == [0, 3], [r.stderr for r in results]
    [loser] = [r for r in results if r.returncode == 3]
    [line] = [x for x in loser.stderr.splitlines() if x.startswith(("LiveKit refused: ", "refused: "))]
    assert TRUNK_NUMBER in line, loser.stderr
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}
    kept = _one_set(sandbox)
    snapshot = sandbox.snapshot()
    runs = {parse_marker(obj["metadata"]).run for part in ("inbound", "outbound", "rules")
            for obj in snapshot[part].values()}
    assert len(runs) == 1 and None not in runs, runs  # the winner's own set, nothing of the loser's
    named = set(ID_RE.findall(line))  # the winner's objects, as the loser names them
    assert named and named <= {*kept.inbound_trunk_ids, *kept.outbound_trunk_ids, *kept.dispatch_rule_ids}, line


@pytest.mark.parametrize("kind", ["timeout", "drop"])
def test_a_create_applied_after_the_client_gave_up_is_announced_and_adopted(sandbox, kind):
    """The hardest no-answer case: LiveKit applies a create after the client stopped waiting and
    after the rollback looked. The error says this can happen and what to do; the late object
    carries phonewizard's marker, so the next `register` adopts it instead of duplicating it."""
    from livekit.protocol.sip import CreateSIPInboundTrunkRequest

    from phonewizard.services.livekit_client import LiveKitUnreachable, open_api

    the_plan = _plan(sandbox)
    conn = Connection(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=0.5)
    sandbox.faults.fail("CreateSIPInboundTrunk", kind, seconds=30)
    with pytest.raises(LiveKitUnreachable) as info:
        asyncio.run(Registrar(conn).apply(the_plan))
    message = str(info.value)
    assert "got no answer" in message and f"phonewizard unregister {TRUNK_NUMBER}" in message
    assert sandbox.counts() == {"inbound": 0, "outbound": 0, "rules": 0}

    async def late_create() -> str:  # what LiveKit does with the request it received
        async with open_api(conn) as api:
            info = await api.sip.create_inbound_trunk(CreateSIPInboundTrunkRequest(trunk=the_plan.inbound.trunk))
            return info.sip_trunk_id

    late = asyncio.run(late_create())
    result = asyncio.run(_registrar(sandbox).apply(_plan(sandbox)))
    assert result.inbound_trunk_id == late
    _one_set(sandbox)


def test_a_definite_refusal_does_not_warn_about_late_changes(sandbox):
    sandbox.faults.fail("CreateSIPInboundTrunk", "error")
    with pytest.raises(LiveKitRefused) as info:
        asyncio.run(_registrar(sandbox).apply(_plan(sandbox)))
    assert "got no answer" not in str(info.value)
