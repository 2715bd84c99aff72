"""Round trips of a registration, read from the sandbox's request log (server-side start/end of
every request): what runs together, what waits, and the helpers that keep local work off the
critical path (one pre-signed token, computing while a request is in flight)."""

from __future__ import annotations

import asyncio

import jwt
import pytest
from livekit.protocol.sip import ListSIPInboundTrunkRequest

from phonewizard.services.livekit_client import Connection, open_api, sip_admin_token
from phonewizard.services.registrar import (
    LiveKitAuthFailed,
    Registrar,
    RegistrationConflict,
)
from phonewizard.services.registrar_run import while_waiting
from phonewizard.sandbox import RequestLog
from tests.services.registrar_helpers import (
    connect,
    foreign_inbound_trunk,
    make_plan,
    registrar,
    run,
)


def test_request_log_times_each_request(sandbox):
    sandbox.faults.latency = 0.02
    run(registrar(sandbox).apply(make_plan()))
    requests = sandbox.log.requests
    assert [r.method for r in requests] == sandbox.log.methods
    for r in requests:
        assert r.ended is not None and r.ended - r.started >= 0.02
    sandbox.log.clear()
    assert sandbox.log.requests == [] and sandbox.log.sequential_rounds() == 0


def test_sequential_rounds_counts_chains_not_requests():
    log = RequestLog()
    a, b = log.enter("A"), log.enter("B")  # together
    log.leave(a), log.leave(b)
    c = log.enter("C")  # after both
    log.leave(c)
    assert log.sequential_rounds() == 2
    d = log.enter("D")
    e = log.enter("E")
    log.leave(d)
    f = log.enter("F")  # after D, while E still runs: the chain is A → C → D → F
    log.leave(e), log.leave(f)
    assert log.sequential_rounds() == 4
    log.enter("G")  # unfinished: not counted
    assert log.sequential_rounds() == 4


def test_full_registration_is_three_sequential_rounds_in_dependency_order(sandbox):
    sandbox.faults.latency = 0.05
    run(registrar(sandbox).apply(make_plan()))
    by_method = {r.method: r for r in sandbox.log.requests}
    lists = [by_method[m] for m in ("ListSIPInboundTrunk", "ListSIPOutboundTrunk", "ListSIPDispatchRule")]
    trunks = [by_method["CreateSIPInboundTrunk"], by_method["CreateSIPOutboundTrunk"]]
    rule = by_method["CreateSIPDispatchRule"]
    # Round 1: the conflict check's lists overlap; nothing is created before all have answered.
    assert max(r.started for r in lists) < min(r.ended for r in lists)
    assert min(t.started for t in trunks) >= max(r.ended for r in lists)
    # Round 2: both trunks together; round 3: the rule, which names the new inbound trunk.
    assert max(t.started for t in trunks) < min(t.ended for t in trunks)
    assert rule.started >= by_method["CreateSIPInboundTrunk"].ended
    assert sandbox.log.sequential_rounds() == 3 and len(sandbox.log.requests) == 6


def test_the_rule_does_not_wait_for_a_slow_outbound_trunk(sandbox):
    # The rule depends on the inbound trunk only: a slow outbound create must not delay it.
    sandbox.faults.fail("CreateSIPOutboundTrunk", "timeout", seconds=0.6)
    result = run(registrar(sandbox).apply(make_plan()))
    by_method = {r.method: r for r in sandbox.log.requests}
    outbound, rule = by_method["CreateSIPOutboundTrunk"], by_method["CreateSIPDispatchRule"]
    assert rule.ended < outbound.ended
    assert result.outbound_trunk_id and result.dispatch_rule_id
    assert sandbox.counts() == {"inbound": 1, "outbound": 1, "rules": 1}


def test_a_conflict_costs_one_round_and_creates_nothing(sandbox):
    foreign_inbound_trunk(sandbox)
    sandbox.faults.latency = 0.05  # so that requests sent together overlap at the server
    sandbox.log.clear()
    with pytest.raises(RegistrationConflict):
        run(registrar(sandbox).apply(make_plan()))
    assert sandbox.log.sequential_rounds() == 1
    assert all(m.startswith("List") for m in sandbox.log.methods)


def test_sip_admin_token_carries_the_grants_livekit_api_signs_per_request(sandbox):
    conn = connect(sandbox)

    def claims(token: str) -> dict:
        return jwt.decode(token, conn.api_secret, algorithms=["HS256"])
    ours = claims(sip_admin_token(conn))
    # What livekit-api itself puts in the header of every SIP admin call.
    async def library_header() -> str:
        async with open_api(conn) as api:
            return api.sip._admin_headers()["authorization"]
    per_request = claims(run(library_header()).removeprefix("Bearer "))
    timing = ("nbf", "exp")
    assert {k: v for k, v in ours.items() if k not in timing} == \
        {k: v for k, v in per_request.items() if k not in timing}
    assert ours["sip"]["admin"] is True
    assert not {"roomAdmin", "roomCreate", "roomList"} & set(ours["video"])  # no room admin grant
    assert ours["exp"] - ours["nbf"] == per_request["exp"] - per_request["nbf"]

    async def list_twice() -> int:
        async with open_api(conn, sip_admin=True) as api:
            await api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())
            return len((await api.sip.list_inbound_trunk(ListSIPInboundTrunkRequest())).items)
    assert run(list_twice()) == 0


def test_sip_admin_token_with_a_wrong_secret_is_refused(sandbox):
    wrong = Connection(sandbox.url, sandbox.api_key, "x" * 43, timeout=5)
    with pytest.raises(LiveKitAuthFailed):
        run(Registrar(wrong).test_connection())
    # It did reach the server, which refused the token before logging the request.
    assert sandbox.log.rejected >= 1 and sandbox.log.methods == []


def test_while_waiting_computes_during_the_wait():
    order: list[str] = []

    async def go():
        answer = asyncio.get_running_loop().create_future()  # the "network" answers when told
        work = asyncio.ensure_future(answer)
        work.add_done_callback(lambda _: order.append("answered"))
        asyncio.get_running_loop().call_later(0.05, lambda: order.append("settled"))

        def compute() -> int:
            order.append("computed")
            answer.set_result("answer")  # the answer arrives only after the computation
            return 42
        return await while_waiting(work, compute, settle=0.01)
    assert run(go()) == ("answer", 42)
    assert order[:2] == ["computed", "answered"]  # it ran while the work was still pending


def test_while_waiting_does_not_wait_for_settle_when_the_work_is_quicker():
    async def go():
        # A settle of an hour: only a while_waiting that waited for it would run into the
        # hang detector's bound (which is no speed requirement).
        return await asyncio.wait_for(while_waiting(asyncio.sleep(0, result=1), lambda: 2, settle=3600), 60)
    assert run(go()) == (1, 2)


def test_while_waiting_cancels_the_work_when_cancelled_or_when_compute_fails():
    async def cancelled() -> bool:
        work = asyncio.ensure_future(asyncio.sleep(5))
        waiter = asyncio.ensure_future(while_waiting(work, lambda: None, settle=0.01))
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return work.cancelled()  # already stopped when the cancellation reached the caller
    assert run(cancelled())

    async def failing() -> bool:
        work = asyncio.ensure_future(asyncio.sleep(5))
        with pytest.raises(ZeroDivisionError):
            await while_waiting(work, lambda: 1 / 0, settle=0.01)
        return work.cancelled()
    assert run(failing())
