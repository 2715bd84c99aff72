"""The carrier stand-ins as servers facing misbehaving clients, like the LiveKit sandbox (issue 14,
point 3): the request-head deadline, a capped body (413 in the carrier's own error body), half a
body (408), a client cut off, garbage, JSON nested 100,000 deep (Telnyx) and values of the wrong
type, unknown paths and methods. None of it may print a traceback or log above DEBUG; only a bug
in a stand-in does. Socket timeouts here only detect a hang; nothing asserts how fast an answer is.
"""

from __future__ import annotations

import base64
import json

import pytest

from phonewizard.sandbox.carriers import TelnyxStandIn, TwilioStandIn
from tests.sandbox.raw_http import debug_lines, exchange, leave_mid_request, no_trouble, status_and_body
from tests.sandbox.raw_http import records, request_head  # noqa: F401 - records is a fixture

TRUNKS = "/v1/Trunks"
CONNECTIONS = "/v2/fqdn_connections"


@pytest.fixture(params=["twilio", "telnyx"])
def kind(request):
    return request.param


@pytest.fixture
def make(request):
    started = []

    def start(carrier: str, **limits):
        server = (TwilioStandIn if carrier == "twilio" else TelnyxStandIn)(**limits).start_in_thread()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop_thread()


def auth_header(server) -> str:
    if isinstance(server, TwilioStandIn):
        raw = f"{server.account_sid}:{server.auth_token}".encode()
        return "Basic " + base64.b64encode(raw).decode()
    return f"Bearer {server.api_key}"


def create_path(server) -> str:
    return TRUNKS if isinstance(server, TwilioStandIn) else CONNECTIONS


def head(server, *, length: int | None = 0, auth: bool = True, path: str | None = None, method: str = "POST",
         chunked: bool = False) -> bytes:
    ctype = "application/x-www-form-urlencoded" if isinstance(server, TwilioStandIn) else "application/json"
    request_line = f"{method} {path or create_path(server)} HTTP/1.1"
    authorization = auth_header(server) if auth else None
    return request_head(request_line, "stand-in", ctype, authorization, length=length, chunked=chunked)


def carrier_error(body: bytes, server) -> tuple[str, str]:
    """(code, message) from the carrier's own error body: proof it is not aiohttp's page."""
    data = json.loads(body)
    if isinstance(server, TwilioStandIn):
        assert set(data) >= {"code", "message", "more_info", "status"}
        return str(data["code"]), data["message"]
    error = data["errors"][0]
    return error["code"], error["detail"]


def created(server) -> int:
    counts = server.counts()
    return counts["trunks"] if isinstance(server, TwilioStandIn) else counts["connections"]


# ---- heads and bodies -----------------------------------------------------------------------------

@pytest.mark.parametrize("sent", [b"", b"POST /v1/Trunks HTTP/1.1\r\nHost: x\r\n"])
def test_a_connection_without_a_complete_request_head_is_closed(make, kind, records, capfd, sent):
    server = make(kind, header_timeout=0.3)
    assert exchange(server, sent) == b""
    assert any("no complete request head" in line for line in debug_lines(records))
    no_trouble(records, capfd)


@pytest.mark.parametrize("auth", [True, False])
def test_a_declared_body_over_the_limit_is_413_unread_and_before_auth(make, kind, records, capfd, auth):
    server = make(kind, max_body_bytes=1000, body_timeout=60.0)
    answer = exchange(server, head(server, length=1001, auth=auth))  # the head only: never waited for the body
    status, body = status_and_body(answer)
    assert status == 413 and b"Connection: close" in answer
    assert "too large" in carrier_error(body, server)[1]
    assert server.log.methods == [] and server.log.rejected == 1
    no_trouble(records, capfd)


def test_an_undeclared_body_over_the_limit_is_413(make, kind, records, capfd):
    server = make(kind, max_body_bytes=1000)
    chunk = b"x" * 800
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    status, body = status_and_body(exchange(server, head(server, chunked=True), then=chunks))
    assert status == 413 and "too large" in carrier_error(body, server)[1]
    assert created(server) == 0
    no_trouble(records, capfd)


def test_half_a_body_is_408(make, kind, records, capfd):
    server = make(kind, body_timeout=0.3)
    status, body = status_and_body(exchange(server, head(server, length=100) + b"FriendlyName=a"))
    assert status == 408 and "did not arrive" in carrier_error(body, server)[1]
    assert any("half a body" in line for line in debug_lines(records))
    assert created(server) == 0
    no_trouble(records, capfd)


def test_a_client_cut_off_mid_body_is_one_debug_line(make, kind, records, capfd):
    server = make(kind)
    leave_mid_request(server, head(server, length=100) + b"FriendlyName=a", how="reset")
    assert any("went away" in line for line in debug_lines(records))
    assert created(server) == 0
    no_trouble(records, capfd)


def test_a_client_leaving_during_injected_latency_is_one_debug_line(make, kind, records, capfd):
    server = make(kind)
    server.faults.latency = 0.3
    leave_mid_request(server, head(server, method="GET", length=None), how="close")
    assert any("injected latency" in line for line in debug_lines(records))
    no_trouble(records, capfd)


def test_garbage_instead_of_http_is_not_a_traceback(make, kind, records, capfd):
    server = make(kind)
    answer = exchange(server, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello TLS\r\n\r\n")
    assert answer == b"" or answer.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400"))
    exchange(server, b"GET /v1/Trunks HTTP/1.1\r\nBad Header Without Colon\r\n\r\n")
    no_trouble(records, capfd)


# ---- routing ----------------------------------------------------------------------------------------

def test_unknown_paths_and_methods_get_the_carriers_error_body(make, kind, records, capfd):
    server = make(kind)
    status, body = status_and_body(exchange(server, head(server, path="/v9/Nothing", method="GET", length=None)))
    assert status == 404 and "was not found" in carrier_error(body, server)[1]
    status, body = status_and_body(exchange(server, head(server, method="PUT")))
    assert status == 405 and "not allowed" in carrier_error(body, server)[1]
    assert server.log.methods == []
    no_trouble(records, capfd)


def test_a_bug_in_a_stand_in_is_a_traceback_and_the_carriers_500(make, kind, records, capfd):
    server = make(kind)
    list_path = TRUNKS if kind == "twilio" else CONNECTIONS
    route = next(r for r in server._router.routes if r.method == "GET" and r.pattern == list_path)

    def broken(*_args):
        raise RuntimeError("a stand-in bug")

    object.__setattr__(route, "handler", broken)
    status, body = status_and_body(exchange(server, head(server, method="GET", length=None, path=list_path)))
    assert status == 500 and carrier_error(body, server)[0] in ("20500", "10007")
    assert [r for r in records.records if r.exc_info], "a stand-in bug keeps its traceback"
    capfd.readouterr()


# ---- what the body holds ----------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [20, 1_000, 100_000])
def test_telnyx_json_nested_too_deeply_is_refused_not_a_crash(make, records, capfd, depth):
    server = make("telnyx")
    body = b'{"connection_name": "x", "tags": ' + b"[" * depth + b"]" * depth + b"}"
    status, raw = status_and_body(exchange(server, head(server, length=len(body)) + body))
    assert status == 400 and carrier_error(raw, server) == ("10015", "The request body is not valid JSON.")
    assert created(server) == 0
    no_trouble(records, capfd)


@pytest.mark.parametrize(("body", "pointer"), [
    ({"connection_name": "x", "inbound": ["ani_number_format"]}, "/inbound"),
    ({"connection_name": "x", "outbound": {"outbound_voice_profile_id": ["1"]}}, "/outbound/outbound_voice_profile_id"),
    ({"connection_name": "x", "tags": [{"a": 1}]}, "/tags"),
    ({"connection_name": "x", "active": "yes"}, "/active"),
])
def test_telnyx_values_of_the_wrong_type_are_422(make, records, capfd, body, pointer):
    server = make("telnyx")
    data = json.dumps(body).encode()
    status, raw = status_and_body(exchange(server, head(server, length=len(data)) + data))
    assert status == 422
    assert json.loads(raw)["errors"][0]["source"]["pointer"] == pointer
    assert created(server) == 0
    no_trouble(records, capfd)


def test_telnyx_number_assigned_to_a_list_is_422(make, records, capfd):
    server = make("telnyx")
    number = server.number("+14155550123")["id"]
    data = json.dumps({"connection_id": ["1"]}).encode()
    status, raw = status_and_body(exchange(server, head(server, method="PATCH", path=f"/v2/phone_numbers/{number}",
                                                        length=len(data)) + data))
    assert status == 422 and server.number("+14155550123")["connection_id"] is None
    no_trouble(records, capfd)


@pytest.mark.parametrize("body", [
    b"FriendlyName=x&" + b"&".join(b"F%d=1" % i for i in range(200)),  # more fields than any request has
    b"FriendlyName=\xff\xfe",  # not UTF-8
])
def test_twilio_forms_that_are_not_twilio_requests_are_400(make, records, capfd, body):
    server = make("twilio")
    status, raw = status_and_body(exchange(server, head(server, length=len(body)) + body))
    assert status == 400 and carrier_error(raw, server)[0] == "20001"
    assert created(server) == 0
    no_trouble(records, capfd)


def test_twilio_priority_with_ten_thousand_digits_is_400_not_a_crash(make, records, capfd):
    server = make("twilio")
    trunk = server.add_trunk("Office")
    body = b"FriendlyName=x&SipUrl=sip:a.example.com&Weight=1&Enabled=true&Priority=" + b"9" * 10_000
    path = f"{TRUNKS}/{trunk}/OriginationUrls"
    status, raw = status_and_body(exchange(server, head(server, path=path, length=len(body)) + body))
    assert status == 400 and "Priority must be an integer" in carrier_error(raw, server)[1]
    assert server.counts()["origination_urls"] == 0
    no_trouble(records, capfd)


def test_a_wrong_password_is_counted_not_logged_and_uses_no_fault(make, kind):
    server = make(kind)
    server.faults.fail("ListTrunks" if kind == "twilio" else "ListFqdnConnections", "error")
    request = head(server, method="GET", length=None, auth=False)
    wrong = request.replace(b"Host: stand-in", b"Host: stand-in\r\nAuthorization: Basic eDp5" if kind == "twilio"
                            else b"Host: stand-in\r\nAuthorization: Bearer KEYwrong")
    for data in (request, wrong):
        status, _ = status_and_body(exchange(server, data))
        assert status == 401
    assert server.log.methods == [] and server.log.rejected == 2 and server.faults.pending() == 1
