"""livekit_client: the Connection, error mapping (against the sandbox and a dead port), timeouts,
and the PhoneNumberService JSON client."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

import pytest
from livekit.api import TwirpError

from phonewizard.services.livekit_client import (
    Connection, LiveKitAuthFailed, LiveKitRefused, LiveKitUnreachable, map_error,
)
from phonewizard.services.phone_number_service import PhoneNumberClient, parse_phone_number
from phonewizard.services.registrar import Registrar

from tests.services.registrar_helpers import LK_PHONE, connect, registrar, run

SECRET = "s3cr3t-value-that-must-never-show-0123456789"


def test_connection_repr_hides_the_secret():
    conn = Connection("wss://x.livekit.cloud", "APIkey", SECRET)
    assert SECRET not in repr(conn) and "APIkey" in repr(conn)


@pytest.mark.parametrize("url", ["", "x.livekit.cloud", "ftp://x", "wss://"])
def test_unusable_url_is_refused_in_plain_words(url):
    with pytest.raises(LiveKitUnreachable, match="wss://your-project.livekit.cloud"):
        Connection(url, "k", SECRET)


def test_missing_key_or_secret():
    with pytest.raises(LiveKitAuthFailed):
        Connection("wss://x.livekit.cloud", "k", "")


@pytest.mark.parametrize("code,status,expected", [
    ("unauthenticated", 401, LiveKitAuthFailed),
    ("unknown", 401, LiveKitAuthFailed),
    ("permission_denied", 403, LiveKitAuthFailed),
    ("invalid_argument", 400, LiveKitRefused),
    ("internal", 500, LiveKitRefused),
    ("bad_route", 404, LiveKitUnreachable),
])
def test_twirp_errors_map_to_three_kinds(code, status, expected):
    conn = Connection("http://127.0.0.1:7880", "k", SECRET)
    mapped = map_error(TwirpError(code, "msg", status=status), conn)
    assert isinstance(mapped, expected)
    if expected is LiveKitRefused:
        assert mapped.code == code and mapped.message == "msg"


@pytest.mark.parametrize("make", [
    lambda text: OSError(104, text),
    lambda text: ConnectionResetError(text),
    lambda text: aiohttp.ClientOSError(111, text),
    lambda text: aiohttp.ServerDisconnectedError(text),
    lambda text: aiohttp.ClientPayloadError(text),
], ids=["OSError", "ConnectionResetError", "ClientOSError", "ServerDisconnectedError", "ClientPayloadError"])
def test_the_api_secret_inside_an_os_or_aiohttp_error_is_masked(make):
    """An error text that happens to carry the secret (a proxy echoing a header, a library that
    prints its arguments) must not carry it into the user's message; the rest of the text stays."""
    conn = Connection("http://127.0.0.1:7880", "k", SECRET)
    mapped = map_error(make(f"proxy said: bad header secret={SECRET}; again {SECRET}"), conn)
    assert isinstance(mapped, LiveKitUnreachable)
    text = str(mapped)
    assert SECRET not in text and SECRET[:12] not in text
    assert "Could not reach LiveKit at http://127.0.0.1:7880" in text
    assert "proxy said: bad header secret=••••••; again ••••••" in text


def test_non_livekit_errors_pass_through():
    conn = Connection("http://127.0.0.1:7880", "k", SECRET)
    assert map_error(KeyError("x"), conn) is None


def test_wrong_secret_is_auth_failed_without_leaking_it(sandbox):
    reg = Registrar(Connection(sandbox.url, sandbox.api_key, SECRET))
    with pytest.raises(LiveKitAuthFailed) as info:
        run(reg.test_connection())
    assert SECRET not in str(info.value) and sandbox.api_key in str(info.value)


def test_nobody_listening_is_unreachable():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    reg = Registrar(Connection(f"http://127.0.0.1:{port}", "k", SECRET))
    with pytest.raises(LiveKitUnreachable, match="Could not reach LiveKit"):
        run(reg.test_connection())


def test_a_server_that_never_answers_times_out(sandbox):
    # livekit-api disables aiohttp's timeout; the Connection's timeout must still apply. The
    # server hangs for an hour; the outer bound only detects a hang (then TimeoutError, not
    # LiveKitUnreachable, would fail the test).
    sandbox.faults.fail("ListSIPInboundTrunk", "timeout", seconds=3600)
    with pytest.raises(LiveKitUnreachable, match="did not answer within 0.5 seconds"):
        run(asyncio.wait_for(registrar(sandbox, timeout=0.5).test_connection(), 60))
    assert sandbox.faults.hanging == 1  # the client stopped waiting; the server still hangs
    sandbox.faults.release_hangs()


def test_api_can_be_opened_on_successive_event_loops(sandbox):
    reg = registrar(sandbox)
    for _ in range(2):  # a LiveKitAPI built outside the loop would fail the second time
        assert run(reg.test_connection())["inbound_trunks"] == 0


def test_phone_number_client_get_attach_and_not_found(sandbox):
    async def go():
        async with PhoneNumberClient(connect(sandbox)) as numbers:
            info = await numbers.get(LK_PHONE)
            missing = await numbers.get("+14155550142")
            with pytest.raises(LiveKitRefused) as refused:
                await numbers.attach(LK_PHONE, "SDR_doesnotexist")
            return info, missing, refused.value
    info, missing, refused = run(go())
    assert info.phone_number == LK_PHONE and info.dispatch_rule_ids == ()
    assert missing is None
    assert refused.code == "not_found"


def test_phone_number_parsing_accepts_both_json_spellings():
    camel = parse_phone_number({"id": "PN_1", "e164Format": "+1", "sipDispatchRuleIds": ["SDR_a"]})
    snake = parse_phone_number({"id": "PN_1", "e164_format": "+1", "sip_dispatch_rule_id": "SDR_a"})
    assert camel.dispatch_rule_ids == snake.dispatch_rule_ids == ("SDR_a",)


def test_phone_number_service_missing_on_the_server_is_explained(sandbox):
    # A path the server does not route (like a self-hosted server without the service).
    async def go():
        client = PhoneNumberClient(connect(sandbox))
        try:
            return await client._call("RenamePhoneNumber", {})
        finally:
            await client.aclose()
    with pytest.raises(LiveKitRefused, match="only on LiveKit Cloud"):
        asyncio.run(go())
