"""The probe against the sandbox's SIP OPTIONS responder: UDP and TCP answer, a closed port, a port
that does not speak TLS, a host that does not resolve, TLS with a certificate; never an INVITE."""

from __future__ import annotations

import asyncio
import datetime
import json
import socket
import ssl
import threading

import pytest

from phonewizard.app.errors import InvalidInput
from phonewizard.app.probe import probe, probe_target_for
from phonewizard.domain.probe_target import ProbeTarget, probe_target
from phonewizard.sandbox.sip_options import OptionsResponder, answer
from phonewizard.services.sip_probe import options_request, parse_status


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def not_tls():
    """A TCP port that answers anything with plain text, as a SIP port that does not speak TLS."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


def target(attempts) -> ProbeTarget:
    return ProbeTarget("sip:127.0.0.1", "127.0.0.1", tuple(attempts))


def test_udp_and_tcp_answer_options_and_no_invite_is_ever_sent(responder):
    result = asyncio.run(probe(target([("udp", responder.port), ("tcp", responder.port)]), timeout=2))
    assert result.reachable
    assert [(s.step, s.ok, s.sip_status) for s in result.steps] == [
        ("dns", True, None), ("udp", True, 200), ("tcp", True, 200)]
    assert responder.methods == [("udp", "OPTIONS"), ("tcp", "OPTIONS")]
    assert "answers SIP OPTIONS over UDP" in result.explanation


def test_a_closed_port_and_a_port_that_fails_the_tls_handshake(responder, not_tls):
    port = closed_port()
    result = asyncio.run(probe(target([("tcp", port), ("tls", not_tls), ("udp", responder.port)]), timeout=2))
    dns, tcp, tls, udp = result.steps
    assert not tcp.ok and "refused" in tcp.detail
    assert not tls.ok and "TLS handshake" in tls.detail and "does not speak TLS" in tls.detail
    assert udp.ok
    assert result.reachable and "Not over TCP" in result.explanation
    assert any("TLS" in fix for fix in result.what_to_change)


def test_nothing_answering_is_not_reachable():
    result = asyncio.run(probe(target([("tcp", closed_port())]), timeout=1))
    assert not result.reachable and "no SIP server answered" in result.explanation


def test_a_host_that_does_not_resolve_stops_after_dns():
    result = asyncio.run(probe(probe_target("sip:no-such-host.invalid"), timeout=2))
    assert [s.step for s in result.steps] == ["dns"]
    assert not result.reachable and "does not resolve" in result.explanation
    assert "sip.livekit.cloud" in result.what_to_change[0]


def test_tls_with_a_trusted_certificate(tmp_path):
    pytest.importorskip("cryptography", reason="makes the test certificate")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert_file, key_file)
    server = OptionsResponder(tls=server_side).start_in_thread()
    try:
        trusted = ssl.create_default_context(cafile=str(cert_file))
        localhost = ProbeTarget("sips:localhost", "localhost", (("tls", server.tls_port),))
        result = asyncio.run(probe(localhost, timeout=2, tls_context=trusted))
        untrusted = asyncio.run(probe(localhost, timeout=2))  # the system's trust store
    finally:
        server.stop_thread()
    assert result.reachable and result.steps[-1].sip_status == 200
    assert not untrusted.reachable and "certificate" in untrusted.steps[-1].detail
    assert ("tls", "OPTIONS") in server.methods


def test_the_options_request_and_the_responders_answer_are_sip():
    request, call_id = options_request("abc.sip.livekit.cloud", "tcp", ("192.0.2.1", 5555))
    text = request.decode()
    assert text.startswith("OPTIONS sip:abc.sip.livekit.cloud SIP/2.0\r\n") and text.endswith("\r\n\r\n")
    assert "Via: SIP/2.0/TCP 192.0.2.1:5555;branch=z9hG4bK" in text and f"Call-ID: {call_id}" in text
    response = answer(request)
    assert parse_status(response) == (200, "OK")
    assert f"Call-ID: {call_id}" in response.decode() and ";tag=" in response.decode().split("To:")[1]
    assert parse_status(answer(request.replace(b"OPTIONS", b"INVITE", 1))) == (405, "Method Not Allowed")
    assert parse_status(b"HTTP/1.1 200 OK\r\n\r\n") is None


def test_without_a_uri_the_saved_profile_or_the_file_is_used(tmp_path):
    profile = tmp_path / "config.json"
    with pytest.raises(InvalidInput) as caught:
        probe_target_for(None, profile)
    assert caught.value.problems[0].startswith("SIP_URI: no SIP URI given")
    profile.write_text(json.dumps({"format": "phonewizard/1", "livekit": {"sip_uri": "sip:abc.sip.livekit.cloud"}}))
    assert probe_target_for(None, profile).host == "abc.sip.livekit.cloud"
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "phonewizard/1", "livekit": {"sip_uri": "sip:def.sip.livekit.cloud;transport=tcp"}}))
    assert probe_target_for(None, profile, config_path=other).attempts == (("tcp", 5060),)
    assert probe_target_for("sip:ghi.example.net", profile).host == "ghi.example.net"
    with pytest.raises(InvalidInput) as caught:
        probe_target_for("https://x.livekit.cloud", profile)
    assert caught.value.problems[0].startswith("SIP_URI: “https://x.livekit.cloud” ")
