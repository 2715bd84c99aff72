"""Two registrations of one number at the same moment, as real processes: never both succeed.

On one machine the number's lock refuses the second at once (exit 3, naming the first's pid and
run). On two machines (each process with a state folder of its own: no shared lock) both create
their objects; the race rule (services/registrar_race.py) lets exactly one keep them, and the
other removes its own and exits 3 naming the winner. The configurations differ in
`allowed_numbers`, so LiveKit's own trunk conflict rule lets both trunks in (issue 12: 5 of 5
rounds ended with two sets before).
"""

from __future__ import annotations

import re
import sys

import pytest

from tests.safety.helpers import TRUNK_NUMBER, trunk_document, write
from tests.safety.processes import child_env, finish, start, wait_for_request

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and locks")

ONE_SET = {"inbound": 1, "outbound": 1, "rules": 1}


def _two_files(tmp_path, url):
    a = write(tmp_path / "a.json", trunk_document(url, allowed_numbers=["+13125550001"]))
    b = write(tmp_path / "b.json", trunk_document(url, allowed_numbers=["+13125550002"]))
    return a, b


def test_a_second_run_on_this_machine_is_refused_naming_the_first(sandbox, tmp_path):
    a, b = _two_files(tmp_path, sandbox.url)
    # The first run's rule is held long enough for two more processes to start and be refused.
    sandbox.faults.fail("CreateSIPDispatchRule", "timeout", seconds=6)
    first = start("register", a, "--no-save-secrets", env=child_env(sandbox))
    wait_for_request(sandbox, "CreateSIPDispatchRule", first)
    wait_for_request(sandbox, "ListSIPDispatchRule", first, count=2)  # its look-again, sent beside the rule
    sent = len(sandbox.log.methods)
    others = [start("register", b, "--no-save-secrets", env=child_env(sandbox)),
              start("unregister", TRUNK_NUMBER, env=child_env(sandbox))]
    second, unregister = [finish(p) for p in others]
    assert first.poll() is None  # the first still holds the number
    for refused in (second, unregister):
        assert refused.returncode == 3, refused.stderr
        assert re.search(rf"refused: `phonewizard register` \(pid {first.pid}, run \S+, started .+\) is already "
                         rf"working on \{TRUNK_NUMBER} in this LiveKit project", refused.stderr), refused.stderr
        assert "Nothing was sent" in refused.stderr
    assert len(sandbox.log.methods) == sent  # neither sent a single request
    assert finish(first).returncode == 0
    assert sandbox.counts() == ONE_SET


@pytest.mark.parametrize("round_", range(2))
def test_two_machines_at_once_one_keeps_the_number_the_other_gives_way(sandbox, tmp_path, round_):
    a, b = _two_files(tmp_path, sandbox.url)
    # Both conflict checks are held until both processes have listed the (empty) trunks, so
    # both go on to create a full set: the case the lock cannot see.
    sandbox.faults.fail("ListSIPDispatchRule", "timeout", seconds=2, times=2)
    processes = [start("register", path, "--no-save-secrets",
                       env=child_env(sandbox, state=tmp_path / f"machine-{name}"))
                 for name, path in (("a", a), ("b", b))]
    results = [finish(p, timeout=90) for p in processes]
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 3], [r.stderr for r in results]
    [loser] = [r for r in results if r.returncode == 3]
    match = re.search(r"refused: another registration of \+13125550142 \(run (\S+), on this or another "
                      r"machine\) created its objects at the same moment and keeps them \(([^)]*)\)", loser.stderr)
    assert match, loser.stderr
    assert "Nothing was left behind" in loser.stderr
    assert sandbox.counts() == ONE_SET
    snapshot = sandbox.snapshot()
    kept = set(snapshot["inbound"]) | set(snapshot["outbound"]) | set(snapshot["rules"])
    assert set(match.group(2).split(", ")) <= kept  # the winner named is the one that stayed
    assert all(match.group(1) in obj["metadata"] for part in ("inbound", "outbound", "rules")
               for obj in snapshot[part].values())
