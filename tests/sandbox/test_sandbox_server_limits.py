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
import logging
import socket
import struct
import time

import aiohttp
import pytest
from livekit import api

from phonewizard.sandbox import SandboxServer
from phonewizard.sandbox.http_guard import LOGGER_NAME

HANG = 20.0  # seconds: no answer by then means the server hung (not a speed requirement)
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


@pytest.fixture
def records(caplog):
    """Every log record, from every logger, at DEBUG and above."""
    caplog.set_level(logging.DEBUG)
    return caplog


def _no_trouble(records, capfd) -> None:
    loud = [r for r in records.records if r.levelno >= logging.WARNING]
    assert not loud, [f"{r.name}: {r.getMessage()}" for r in loud]
    assert not [r for r in records.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in capfd.readouterr().err


def _debug_lines(records) -> list[str]:
    return [r.getMessage() for r in records.records if r.name == LOGGER_NAME and r.levelno == logging.DEBUG]


def token(srv: SandboxServer) -> str:
    return (api.AccessToken(srv.api_key, srv.api_secret).with_grants(api.VideoGrants())
            .with_sip_grants(api.SIPGrants(admin=True)).to_jwt())


def head(srv: SandboxServer, *, length: int | None = 0, auth: bool = True, path: str = LIST_PATH,
         ctype: str = "application/protobuf", chunked: bool = False) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: sandbox", f"Content-Type: {ctype}"]
    if auth:
        lines.append(f"Authorization: Bearer {token(srv)}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def exchange(srv: SandboxServer, data: bytes, *, then: bytes = b"") -> bytes:
    """Send `data` (and `then` after it), read until the server closes or HANG passes."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=HANG) as sock:
        sock.sendall(data)
        if then:
            sock.sendall(then)
        answer = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                return answer
            if not chunk:
                return answer
            answer += chunk
            if b"\r\n\r\n" in answer and _complete(answer):
                return answer


def _complete(answer: bytes) -> bool:
    header, _, body = answer.partition(b"\r\n\r\n")
    for line in header.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def status_and_body(answer: bytes) -> tuple[int, bytes]:
    header, _, body = answer.partition(b"\r\n\r\n")
    return int(header.split(b" ")[1]), body


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
    _no_trouble(records, capfd)


@pytest.mark.parametrize("server", [{"max_body_bytes": 1000}], indirect=True)
@pytest.mark.parametrize(("ctype", "msg"), [("application/protobuf", "failed to read request body"),
                                            ("application/json", "the json request could not be decoded")])
def test_an_undeclared_body_over_the_limit_is_malformed(server, records, capfd, ctype, msg):
    chunk = b"x" * 800
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    answer = exchange(server, head(server, chunked=True, ctype=ctype), then=chunks)
    status, body = status_and_body(answer)
    assert (status, json.loads(body)) == (400, {"code": "malformed", "msg": msg})
    _no_trouble(records, capfd)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_too_deeply_is_malformed_not_a_crash(sandbox, records, capfd, depth):
    body = b'{"trunk": {"name": ' + b"[" * depth + b"]" * depth + b"}}"
    answer = exchange(sandbox, head(sandbox, length=len(body), ctype="application/json",
                                    path="/twirp/livekit.SIP/CreateSIPInboundTrunk") + body)
    status, raw = status_and_body(answer)
    assert (status, json.loads(raw)) == (400, {"code": "malformed", "msg": "the json request could not be decoded"})
    assert sandbox.counts()["inbound"] == 0
    _no_trouble(records, capfd)


# ---- clients that stop half-way -------------------------------------------------------------------

@pytest.mark.parametrize("server", [{"header_timeout": 0.3}], indirect=True)
@pytest.mark.parametrize("sent", [b"", b"POST /twirp/livekit.SIP/ListSIPInboundTrunk HTTP/1.1\r\nHost: x\r\n"])
def test_a_connection_without_a_complete_request_head_is_closed(server, records, capfd, sent):
    assert exchange(server, sent) == b""  # closed by the server, no answer
    assert any("no complete request head" in line for line in _debug_lines(records))
    _no_trouble(records, capfd)


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
    _no_trouble(records, capfd)


@pytest.mark.parametrize("server", [{"body_timeout": 0.3}], indirect=True)
def test_half_a_body_gets_deadline_exceeded(server, records, capfd):
    answer = exchange(server, head(server, length=100) + b"\x0a\x05ab")
    status, body = status_and_body(answer)
    assert (status, json.loads(body)) == (408, {"code": "deadline_exceeded",
                                                "msg": "failed to read request: deadline exceeded"})
    assert any("half a body" in line for line in _debug_lines(records))
    _no_trouble(records, capfd)


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
    sock.close()


def test_a_client_cut_off_mid_body_is_one_debug_line(sandbox, records, capfd):
    sock = socket.create_connection(("127.0.0.1", sandbox.port), timeout=HANG)
    sock.sendall(head(sandbox, length=100) + b"\x0a\x05ab")
    _wait_until(lambda: sandbox.log.in_flight == 1)
    _reset(sock)
    assert sandbox.log.wait_idle(HANG)
    assert any("went away" in line for line in _debug_lines(records))
    _no_trouble(records, capfd)


@pytest.mark.parametrize("how", ["reset", "close"])
def test_a_client_leaving_during_injected_latency_is_one_debug_line(sandbox, records, capfd, how):
    sandbox.faults.latency = 0.5
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", sandbox.port), timeout=HANG)
        sock.sendall(head(sandbox))
        _wait_until(lambda: sandbox.log.in_flight == 1)
        _reset(sock) if how == "reset" else sock.close()
        assert sandbox.log.wait_idle(HANG)
    assert len([line for line in _debug_lines(records) if "injected latency" in line]) == 5
    _no_trouble(records, capfd)


def test_garbage_instead_of_http_is_not_a_traceback(sandbox, records, capfd):
    answer = exchange(sandbox, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello TLS\r\n\r\n")
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400"))
    exchange(sandbox, b"GET / HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")
    _no_trouble(records, capfd)


def _wait_until(condition, timeout: float = HANG) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)
