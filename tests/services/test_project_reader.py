"""read_project: one List per object kind, sent together, with the real clients over HTTP against
the sandbox; a server without PhoneNumberService has no LiveKit numbers; failures are mapped."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

from phonewizard.services.livekit_client import (
    Connection,
    LiveKitAuthFailed,
    LiveKitError,
    LiveKitRefused,
    LiveKitUnreachable,
)
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.project_reader import read_project

from tests.services.registrar_helpers import connect, make_plan, registrar, run

LISTS = ["ListPhoneNumbers", "ListSIPDispatchRule", "ListSIPInboundTrunk", "ListSIPOutboundTrunk"]


def test_one_list_per_kind_and_the_count_says_so(sandbox):
    run(registrar(sandbox).apply(make_plan()))
    sandbox.log.clear()
    objects = run(read_project(connect(sandbox)))
    assert sorted(sandbox.log.methods) == LISTS
    assert objects.requests == 4
    assert (len(objects.inbound), len(objects.outbound), len(objects.rules)) == (1, 1, 1)
    assert {n.phone_number for n in objects.numbers} == {"+14155550100", "+14155550123"}
    assert objects.numbers_readable
    assert "Sup3r" not in repr(objects)  # the trunk's SIP password never shows


def test_the_four_lists_go_out_together(sandbox):
    sandbox.faults.latency = 0.4  # long enough that all four are in flight even on a busy machine
    run(read_project(connect(sandbox)))
    assert sandbox.log.sequential_rounds() == 1
    assert sandbox.log.max_concurrency == 4


@pytest.mark.parametrize("code", ["bad_route", "unimplemented"])
def test_a_server_without_phone_numbers_has_none_and_says_so(sandbox, code):
    sandbox.faults.fail("ListPhoneNumbers", "error", code=code, msg='no handler for path "/twirp/livekit.PhoneNumberService/ListPhoneNumbers"')
    objects = run(read_project(connect(sandbox)))
    assert objects.numbers == () and not objects.numbers_readable and objects.requests == 4


def test_other_phone_number_failures_are_not_hidden(sandbox):
    sandbox.faults.fail("ListPhoneNumbers", "5xx")
    with pytest.raises(LiveKitError):
        run(read_project(connect(sandbox)))


def test_a_failing_list_fails_the_read_with_a_mapped_error(sandbox):
    sandbox.faults.fail("ListSIPDispatchRule", "error", code="internal", msg="store unavailable")
    with pytest.raises(LiveKitRefused, match="store unavailable"):
        run(read_project(connect(sandbox)))


def test_a_wrong_secret_is_an_authentication_failure(sandbox):
    with pytest.raises(LiveKitAuthFailed):
        run(read_project(Connection(sandbox.url, sandbox.api_key, "not-the-secret-" * 3)))


def test_silence_is_unreachable(sandbox):
    sandbox.faults.fail("ListPhoneNumbers", "timeout", seconds=3)
    with pytest.raises(LiveKitUnreachable, match="did not answer"):
        run(read_project(connect(sandbox, timeout=0.5)))


class StandIn:
    """livekit-server's answers where the sandbox cannot give them: its Go mux answers a path no
    service registered (PhoneNumberService on a self-hosted server, pkg/service/server.go) with a
    plain-text 404, and LiveKit Cloud pages ListPhoneNumbers with next_page_token."""

    def __init__(self, pages: list[dict] | None) -> None:
        self.pages, self.bodies = pages, []

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(json.loads(await request.read() or b"{}"))
        if self.pages is None:
            return web.Response(status=404, text="404 page not found\n", content_type="text/plain")
        return web.json_response(self.pages[len(self.bodies) - 1])

    async def list_numbers(self) -> tuple[list, int]:
        app = web.Application()
        app.router.add_post("/twirp/livekit.PhoneNumberService/ListPhoneNumbers", self.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        try:
            async with PhoneNumberClient(Connection(f"http://127.0.0.1:{port}", "key", "s" * 32, timeout=5)) as client:
                return await client.list(), client.requests
        finally:
            await runner.cleanup()


def test_a_plain_404_means_no_phone_number_service():
    with pytest.raises(LiveKitRefused) as err:
        asyncio.run(StandIn(None).list_numbers())
    assert err.value.code == "unimplemented"


def test_pages_are_followed_until_the_last():
    page = lambda n, token: {"items": [{"id": f"PN_{n}", "e164Format": f"+1415555010{n}", "status": "PHONE_NUMBER_STATUS_ACTIVE",
                                         "sipDispatchRuleIds": [f"SDR_{n}"]}], **({"nextPageToken": {"token": token}} if token else {})}
    stand_in = StandIn([page(1, "t2"), page(2, "t3"), page(3, "")])
    found, requests = asyncio.run(stand_in.list_numbers())
    assert [n.phone_number for n in found] == ["+14155550101", "+14155550102", "+14155550103"]
    assert found[0].dispatch_rule_ids == ("SDR_1",) and requests == 3
    assert stand_in.bodies == [{}, {"page_token": {"token": "t2"}}, {"page_token": {"token": "t3"}}]
