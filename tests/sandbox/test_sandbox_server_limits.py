"""The sandbox as a server facing misbehaving clients (issue 12, point 6).

A bounded request log that only authenticated requests enter; 413 for a declared body over the
limit, before authentication and without reading it; 400 ``malformed`` for bodies that exceed the
limit without saying so and for JSON nested 100,000 deep; a header deadline, a body deadline, and
no traceback (nor any log record above DEBUG) for anything a client does. Socket timeouts here only
detect a hang; nothing asserts how fast an answer comes.
"""

from __future__ import annotations

import asyncio
import json
import socket

import aiohttp
import pytest
from livekit import api

from phonewizard.sandbox import SandboxServer
from tests.sandbox.raw_http import HANG, debug_lines, exchange, leave_mid_request, no_trouble, status_and_body
from tests.sandbox.raw_http import records, request_head  # noqa: F401 - records is a fixture

LIST_PATH = "/twirp/livekit.SIP/ListSIPInboundTrunk"


@pytest.fixture
def server(request):
    """A sandbox with the limits a test asks for (indirect parametrisation via `marks`)."""
    options = getattr(request, "param", {})
    srv = SandboxServer(**options).start_in_thread()
    try:
        yield srv
    finally:
        srv.stop_thread()


def token(srv: SandboxServer) -> str:
    return (api.AccessToken(srv.api_key, srv.api_secret).with_grants(api.VideoGrants())
            .with_sip_grants(api.SIPGrants(admin=True)).to_jwt())


def head(srv: SandboxServer, *, length: int | None = 0, auth: bool = True, path: str = LIST_PATH,
         ctype: str = "application/protobuf", chunked: bool = False) -> bytes:
    authorization = f"Bearer {token(srv)}" if auth else None
    return request_head(f"POST {path} HTTP/1.1", "sandbox", ctype, authorization, length=length, chunked=chunked)


def list_calls(srv: SandboxServer, n: int, *, auth: str = "good") -> None:
    async def main():
        headers = {"Content-Type": "application/protobuf"}
        if auth == "good":
            headers["Authorization"] = f"Bearer {token(srv)}"
        elif auth == "bad":
            headers["Authorization"] = "Bearer not-a-jwt"
        async with aiohttp.ClientSession() as session:
            for _ in range(n):
                async with session.post(srv.url + LIST_PATH, headers=headers) as resp:
                    await resp.read()

    asyncio.run(main())


# ---- the request log ------------------------------------------------------------------------------

@pytest.mark.parametrize("server", [{"log_capacity": 5}], indirect=True)
def test_the_request_log_is_a_ring(server):
    list_calls(server, 8)
    assert server.log.methods == ["ListSIPInboundTrunk"] * 5
    assert server.log.dropped == 3 and len(server.log.requests) == 5


@pytest.mark.parametrize("auth", ["none", "bad"])
def test_requests_without_a_valid_token_are_counted_not_logged_and_use_no_faults(sandbox, auth):
    sandbox.faults.fail("ListSIPInboundTrunk", "error")
    sandbox.faults.latency = 0.5
    list_calls(sandbox, 300, auth=auth)
    assert sandbox.log.methods == [] and sandbox.log.rejected == 300
    assert sandbox.faults.pending() == 1  # a stranger cannot use up a test's faults


# ---- bodies -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("server", [{"max_body_bytes": 1000, "body_timeout": 60.0}], indirect=True)
@pytest.mark.parametrize("auth", [True, False])
def test_a_declared_body_over_the_limit_is_413_before_auth_and_never_read(server, records, capfd, auth):
    # Only the head is sent: an answer proves the server did not wait for (or read) the body.
    answer = exchange(server, head(server, length=1001, auth=auth))
    assert status_and_body(answer) == (413, b"request body too large")
    assert b"Content-Type: text/plain" in answer and b"Connection: close" in answer
    assert server.log.methods == [] and server.log.rejected == 1
    no_trouble(records, capfd)


@pytest.mark.parametrize("server", [{"max_body_bytes": 1000}], indirect=True)
@pytest.mark.parametrize(("ctype", "msg"), [("application/protobuf", "failed to read request body"),
                                            ("application/json", "the json request could not be decoded")])
def test_an_undeclared_body_over_the_limit_is_malformed(server, records, capfd, ctype, msg):
    chunk = b"x" * 800
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    answer = exchange(server, head(server, chunked=True, ctype=ctype), then=chunks)
    status, body = status_and_body(answer)
    assert (status, json.loads(body)) == (400, {"code": "malformed", "msg": msg})
    no_trouble(records, capfd)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_too_deeply_is_malformed_not_a_crash(sandbox, records, capfd, depth):
    body = b'{"trunk": {"name": ' + b"[" * depth + b"]" * depth + b"}}"
    answer = exchange(sandbox, head(sandbox, length=len(body), ctype="application/json",
                                    path="/twirp/livekit.SIP/CreateSIPInboundTrunk") + body)
    status, raw = status_and_body(answer)
    assert (status, json.loads(raw)) == (400, {"code": "malformed", "msg": "the json request could not be decoded"})
    assert sandbox.counts()["inbound"] == 0
    no_trouble(records, capfd)


# ---- clients that stop half-way -------------------------------------------------------------------

@pytest.mark.parametrize("server", [{"header_timeout": 0.3}], indirect=True)
@pytest.mark.parametrize("sent", [b"", b"POST /twirp/livekit.SIP/ListSIPInboundTrunk HTTP/1.1\r\nHost: x\r\n"])
def test_a_connection_without_a_complete_request_head_is_closed(server, records, capfd, sent):
    assert exchange(server, sent) == b""  # closed by the server, no answer
    assert any("no complete request head" in line for line in debug_lines(records))
    no_trouble(records, capfd)


@pytest.mark.parametrize("server", [{"idle_timeout": 0.3}], indirect=True)
def test_half_a_head_on_a_kept_alive_connection_is_closed_too(server, records, capfd):
    first = head(server)
    answer = exchange(server, first, then=b"")  # one complete request: answered, connection kept
    assert status_and_body(answer)[0] == 200
    with socket.create_connection(("127.0.0.1", server.port), timeout=HANG) as sock:
        sock.sendall(first)
        reply = sock.recv(65536)
        assert reply.startswith(b"HTTP/1.1 200")
        sock.sendall(b"POST /twirp/livekit.SIP/ListSIPInboundTrunk HTTP/1.1\r\nHo")
        assert sock.recv(65536) == b""  # the second, half-sent head is not waited for
    no_trouble(records, capfd)


@pytest.mark.parametrize("server", [{"body_timeout": 0.3}], indirect=True)
def test_half_a_body_gets_deadline_exceeded(server, records, capfd):
    answer = exchange(server, head(server, length=100) + b"\x0a\x05ab")
    status, body = status_and_body(answer)
    assert (status, json.loads(body)) == (408, {"code": "deadline_exceeded",
                                                "msg": "failed to read request: deadline exceeded"})
    assert any("half a body" in line for line in debug_lines(records))
    no_trouble(records, capfd)


def test_a_client_cut_off_mid_body_is_one_debug_line(sandbox, records, capfd):
    leave_mid_request(sandbox, head(sandbox, length=100) + b"\x0a\x05ab", how="reset")
    assert any("went away" in line for line in debug_lines(records))
    no_trouble(records, capfd)


@pytest.mark.parametrize("how", ["reset", "close"])
def test_a_client_leaving_during_injected_latency_is_one_debug_line(sandbox, records, capfd, how):
    sandbox.faults.latency = 0.5
    for _ in range(5):
        leave_mid_request(sandbox, head(sandbox), how=how)
    assert len([line for line in debug_lines(records) if "injected latency" in line]) == 5
    no_trouble(records, capfd)


def test_garbage_instead_of_http_is_not_a_traceback(sandbox, records, capfd):
    answer = exchange(sandbox, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello TLS\r\n\r\n")
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400"))
    exchange(sandbox, b"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")
    no_trouble(records, capfd)
