"""Raw HTTP/1.1 over a socket, for the tests of our servers (the LiveKit sandbox, the carrier
stand-ins) facing misbehaving clients: send bytes, read the answer, cut a connection off, and
check that nothing a client did printed a traceback or logged above DEBUG.

Socket timeouts here only detect a hang (HANG); nothing asserts how fast an answer comes.
``records`` is a fixture: a test module imports it by name.
"""

from __future__ import annotations

import logging
import socket
import struct
import time

import pytest

from phonewizard.sandbox.http_guard import LOGGER_NAME

HANG = 20.0  # seconds: no answer by then means the server hung (not a speed requirement)


@pytest.fixture
def records(caplog):
    """Every log record, from every logger, at DEBUG and above."""
    caplog.set_level(logging.DEBUG)
    return caplog


def no_trouble(records, capfd) -> None:
    """Nothing logged above DEBUG, no traceback logged or printed."""
    loud = [r for r in records.records if r.levelno >= logging.WARNING]
    assert not loud, [f"{r.name}: {r.getMessage()}" for r in loud]
    assert not [r for r in records.records if r.exc_info], "a traceback was logged"
    assert "Traceback" not in capfd.readouterr().err


def debug_lines(records) -> list[str]:
    """The HTTP guard's DEBUG lines (one for each client that misbehaved)."""
    return [r.getMessage() for r in records.records if r.name == LOGGER_NAME and r.levelno == logging.DEBUG]


def request_head(request_line: str, host: str, ctype: str, authorization: str | None, *,
                 length: int | None, chunked: bool) -> bytes:
    """A request's head: the body's length declared (`length`), sent in chunks (`chunked`) or left
    unsaid (`length=None`); no Authorization header when `authorization` is None."""
    lines = [request_line, f"Host: {host}", f"Content-Type: {ctype}"]
    if authorization is not None:
        lines.append(f"Authorization: {authorization}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def exchange(srv, data: bytes, *, then: bytes = b"") -> bytes:
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


def leave_mid_request(server, data: bytes, *, how: str = "reset") -> None:
    """Send `data` (a request the server will not finish at once), wait until the server is working
    on it, then leave: with RST (`how="reset"`) or FIN (`"close"`). Returns once the server has let
    the connection go."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=HANG)
    sock.sendall(data)
    wait_until(lambda: server.log.in_flight == 1)
    reset(sock) if how == "reset" else sock.close()
    assert server.log.wait_idle(HANG)


def reset(sock: socket.socket) -> None:
    """Close with RST, not FIN: a client that vanished rather than hung up."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def wait_until(condition, timeout: float = HANG) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)
