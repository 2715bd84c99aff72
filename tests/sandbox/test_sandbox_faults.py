"""Fault injection and the request log, observed through the real livekit-api client."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from livekit import api
from livekit.protocol import sip as s

LIST = s.ListSIPInboundTrunkRequest()
HANG = 20.0  # seconds: only a hang takes this long (not a speed requirement)


def wait_until(condition, timeout: float = HANG) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)


def outcomes(sandbox, n: int, *, wait: float | None = None):
    """Call ListSIPInboundTrunk n times in a row; return each result or exception."""

    async def main():
        results = []
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            for _ in range(n):
                try:
                    call = lk.sip.list_inbound_trunk(LIST)
                    results.append(await (asyncio.wait_for(call, wait) if wait else call))
                except (api.TwirpError, aiohttp.ClientError, asyncio.TimeoutError) as e:
                    results.append(e)
        return results

    return asyncio.run(main())


def test_error_fault_defaults_and_custom_code(sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "error")
    sandbox.faults.fail("ListSIPInboundTrunk", "error", code="resource_exhausted", msg="slow down")
    first, second, third = outcomes(sandbox, 3)
    assert (first.code, first.status, first.message) == ("invalid_argument", 400, "injected fault")
    assert (second.code, second.status, second.message) == ("resource_exhausted", 429, "slow down")
    assert isinstance(third, s.ListSIPInboundTrunkResponse)


def test_5xx_fault_is_a_single_attempt_against_localhost(sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "5xx", times=2)
    first, second, third = outcomes(sandbox, 3)
    assert (first.code, first.status) == ("internal", 500) and (second.code, second.status) == ("internal", 500)
    assert isinstance(third, s.ListSIPInboundTrunkResponse)
    assert sandbox.log.methods == ["ListSIPInboundTrunk"] * 3  # no client retries off Cloud


def test_drop_fault_closes_the_connection(sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "drop")
    first, second = outcomes(sandbox, 2)
    assert isinstance(first, aiohttp.ServerDisconnectedError)
    assert isinstance(second, s.ListSIPInboundTrunkResponse)


def test_timeout_fault_hangs_past_the_callers_deadline(sandbox):
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=30)
    first, second = outcomes(sandbox, 2, wait=0.5)
    assert isinstance(first, asyncio.TimeoutError)
    assert isinstance(second, s.ListSIPInboundTrunkResponse)
    assert sandbox.faults.hanging == 1  # the first one still hangs while the second was served
    assert sandbox.faults.release_hangs() == 1
    assert sandbox.log.wait_idle(HANG)


def test_timeout_fault_applies_the_request_after_the_client_gave_up(sandbox):
    """Issue 12 point 7: the body is read, the answer is late, the request is applied anyway."""
    sandbox.faults.fail("CreateSIPInboundTrunk", "timeout", seconds=30)

    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            request = s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+14155550100"]))
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(lk.sip.create_inbound_trunk(request), 0.3)

    asyncio.run(main())  # the client has given up and closed its connection
    wait_until(lambda: sandbox.faults.hanging == 1)
    assert sandbox.counts()["inbound"] == 0  # not yet
    sandbox.faults.release_hangs()
    assert sandbox.log.wait_idle(HANG)
    assert sandbox.counts()["inbound"] == 1  # created after the client stopped waiting


def test_livekit_api_ignores_its_session_timeout(sandbox):
    """livekit-api 1.2.2 passes ``timeout=None`` per request, which disables aiohttp's session
    timeout: callers must bound calls themselves (asyncio.wait_for). Guards that assumption:
    the session's 0.2 s total timeout is long past (the loop runs its timers in order) and the
    call still waits, and then succeeds once the server answers."""
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=30)

    async def main():
        timeout = aiohttp.ClientTimeout(total=0.2)
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret, timeout=timeout) as lk:
            call = asyncio.ensure_future(lk.sip.list_inbound_trunk(LIST))
            await asyncio.sleep(0.6)  # three times the session timeout, on the same loop
            still_waiting = not call.done()
            sandbox.faults.release_hangs()
            return still_waiting, await call

    still_waiting, result = asyncio.run(main())
    assert still_waiting and isinstance(result, s.ListSIPInboundTrunkResponse)


def test_faults_are_consumed_in_order_and_wildcard_matches_any_method(sandbox):
    sandbox.faults.fail("*", "error", code="unavailable", msg="down")
    sandbox.faults.fail("ListSIPInboundTrunk", "error", msg="specific")
    first, second, third = outcomes(sandbox, 3)
    assert first.message == "specific"  # the method's own queue comes first
    assert (second.code, second.status, second.message) == ("unavailable", 503, "down")
    assert isinstance(third, s.ListSIPInboundTrunkResponse)
    assert sandbox.faults.pending() == 0


def test_fault_does_not_touch_state(sandbox):
    sandbox.faults.fail("CreateSIPInboundTrunk", "5xx")

    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            with pytest.raises(api.TwirpError):
                await lk.sip.create_inbound_trunk(s.CreateSIPInboundTrunkRequest(trunk=s.SIPInboundTrunkInfo(numbers=["+1415"])))

    asyncio.run(main())
    assert sandbox.counts()["inbound"] == 0


def test_latency_and_max_concurrency(sandbox):
    sandbox.faults.latency = 0.4

    async def main():
        async with api.LiveKitAPI(sandbox.url, sandbox.api_key, sandbox.api_secret) as lk:
            await asyncio.gather(*(lk.sip.list_inbound_trunk(LIST) for _ in range(4)))

    asyncio.run(main())
    # In parallel, not 4 × 0.4 s: all four were in flight at once and form one round.
    # (How long that takes is a benchmark figure, benchmarks/safety_bench.py, not a test.)
    assert sandbox.log.max_concurrency == 4 and sandbox.log.sequential_rounds() == 1
    assert sandbox.log.methods == ["ListSIPInboundTrunk"] * 4
    sandbox.log.clear()
    sandbox.faults.clear()
    assert sandbox.log.methods == [] and sandbox.faults.latency == 0


def test_stop_does_not_wait_for_a_hanging_request():
    from phonewizard.sandbox import SandboxServer

    server = SandboxServer().start_in_thread()
    server.faults.fail("ListSIPInboundTrunk", "timeout", seconds=3600)
    thread = server._thread  # noqa: SLF001 - the loop thread stop_thread must end

    async def main():
        async with api.LiveKitAPI(server.url, server.api_key, server.api_secret) as lk:
            task = asyncio.create_task(lk.sip.list_inbound_trunk(LIST))
            await asyncio.to_thread(wait_until, lambda: server.faults.hanging == 1)
            await asyncio.to_thread(server.stop_thread)
            with pytest.raises(aiohttp.ClientError):
                await task

    asyncio.run(main())
    # stop_thread gives the thread 10 s; waiting for the hour-long hang would leave it running.
    assert thread is not None and not thread.is_alive()


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("ListSIPInboundTrunk", "explode"), {}),
        (("ListSIPInboundTrunk", "error"), {"times": 0}),
        (("ListSIPInboundTrunk", "error"), {"code": "nope"}),
        (("ListSIPInboundTrunk", "timeout"), {"seconds": -1}),
        (("ListSIPInboundTrunks", "error"), {}),  # typo in the method name
    ],
)
def test_bad_fault_arguments_are_refused(sandbox, args, kwargs):
    with pytest.raises(ValueError):
        sandbox.faults.fail(*args, **kwargs)
    with pytest.raises(ValueError):
        sandbox.faults.latency = -1
