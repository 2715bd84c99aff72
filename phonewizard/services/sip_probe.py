"""Is a SIP server reachable? Resolve its host, then over UDP, TCP and TLS send one SIP OPTIONS.

OPTIONS asks a SIP server what it supports and sets up nothing (RFC 3261 §11): any SIP answer,
200 or an error, proves the server is there on that transport. No INVITE is ever sent, so no phone
rings and nothing is billed. Every step has its own bounded timeout. UDP gets no connection: no
reply within the timeout is reported as such, because firewalls drop UDP silently, while an ICMP
"port unreachable" is reported as closed. TLS verifies the certificate for the host name (the
system's trust store; `tls_context` replaces it, for tests with their own CA).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from phonewizard import __version__

MAX_RESPONSE = 16 * 1024


@dataclass(frozen=True)
class ProbeStep:
    step: str  # "dns", "udp", "tcp", "tls"
    ok: bool
    detail: str  # one sentence for the user
    seconds: float
    port: int | None = None
    sip_status: int | None = None  # the answer to OPTIONS
    sip_reason: str = ""
    addresses: tuple[str, ...] = ()  # dns: what the host resolved to

    def to_json(self) -> dict:
        data = {"step": self.step, "ok": self.ok, "detail": self.detail, "seconds": round(self.seconds, 3)}
        if self.port is not None:
            data["port"] = self.port
        if self.step == "dns":
            data["addresses"] = list(self.addresses)
        else:
            data["sip_status_code"] = self.sip_status
        return data


def options_request(host: str, transport: str, local: tuple[str, int]) -> tuple[bytes, str]:
    """An OPTIONS request (RFC 3261 §11.1: Via, Max-Forwards, To, From with tag, Call-ID, CSeq,
    Contact, Accept) and its Call-ID."""
    call_id = f"{secrets.token_hex(8)}@phonewizard.invalid"
    scheme = "sips" if transport == "tls" else "sip"
    local_host = f"[{local[0]}]" if ":" in local[0] else local[0]
    lines = [
        f"OPTIONS {scheme}:{host} SIP/2.0",
        f"Via: SIP/2.0/{transport.upper()} {local_host}:{local[1]};branch=z9hG4bK{secrets.token_hex(8)};rport",
        "Max-Forwards: 70",
        f"To: <{scheme}:{host}>",
        f"From: <{scheme}:probe@phonewizard.invalid>;tag={secrets.token_hex(4)}",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        f"Contact: <{scheme}:probe@{local_host}:{local[1]};transport={transport}>",
        "Accept: application/sdp",
        f"User-Agent: phonewizard/{__version__} (probe; sends OPTIONS only)",
        "Content-Length: 0",
        "", "",
    ]
    return "\r\n".join(lines).encode(), call_id


def parse_status(data: bytes) -> tuple[int, str] | None:
    """`SIP/2.0 200 OK` → (200, "OK"); None when `data` does not start like a SIP response."""
    first = data.split(b"\r\n", 1)[0].decode("utf-8", "replace").split(" ", 2)
    if len(first) < 2 or first[0] != "SIP/2.0" or not first[1].isdigit() or len(first[1]) != 3:
        return None
    return int(first[1]), first[2] if len(first) > 2 else ""


async def probe(host: str, attempts: Sequence[tuple[str, int]], *, timeout: float = 3.0,
                tls_context: ssl.SSLContext | None = None,
                emit: Callable[[ProbeStep], None] | None = None) -> list[ProbeStep]:
    """DNS, then each (transport, port) of `attempts` in order; every step within `timeout`."""
    steps: list[ProbeStep] = []

    def add(step: ProbeStep) -> None:
        steps.append(step)
        if emit is not None:
            emit(step)

    started = time.monotonic()
    try:
        infos = await _bounded(asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM), timeout)
    except (OSError, asyncio.TimeoutError) as exc:
        why = "no answer from DNS" if isinstance(exc, asyncio.TimeoutError) else (exc.strerror or str(exc))
        add(ProbeStep("dns", False, f"{host} does not resolve ({why})", time.monotonic() - started))
        return steps
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    add(ProbeStep("dns", True, f"{host} resolves to {', '.join(addresses)}", time.monotonic() - started,
                  addresses=addresses))
    for transport, port in attempts:
        began = time.monotonic()
        try:
            if transport == "udp":
                answer = await _udp(host, addresses[0], port, timeout)
            else:
                context = (tls_context or ssl.create_default_context()) if transport == "tls" else None
                answer = await _stream(host, addresses[0], port, transport, timeout, context)
        except _Failed as exc:
            add(ProbeStep(transport, False, str(exc), time.monotonic() - began, port))
            continue
        code, reason = answer
        add(ProbeStep(transport, True, f"answered OPTIONS with {code} {reason}".rstrip(), time.monotonic() - began,
                      port, code, reason))
    return steps


async def _bounded(awaitable, timeout: float):
    """`awaitable` within `timeout` seconds (asyncio.timeout: unlike 3.11's wait_for it never
    swallows a cancellation, so Ctrl-C stops a probe at once)."""
    async with asyncio.timeout(timeout):
        return await awaitable


class _Failed(Exception):
    """A step that did not get a SIP answer; the message says why, for the user."""


async def _stream(host: str, address: str, port: int, transport: str, timeout: float,
                  context: ssl.SSLContext | None) -> tuple[int, str]:
    what = transport.upper()
    try:
        reader, writer = await _bounded(asyncio.open_connection(address, port), timeout)
    except asyncio.TimeoutError:
        raise _Failed(f"no TCP connection to port {port} within {timeout:g} s (filtered or down)") from None
    except ConnectionRefusedError:
        raise _Failed(f"port {port} refused the {what} connection (nothing listening)") from None
    except OSError as exc:
        raise _Failed(f"no {what} connection to port {port}: {exc.strerror or exc}") from None
    if context is not None:
        try:
            await _bounded(writer.start_tls(context, server_hostname=host), timeout)
        except asyncio.TimeoutError:
            writer.close()
            raise _Failed(f"port {port} accepted TCP but completed no TLS handshake within {timeout:g} s") from None
        except ssl.SSLCertVerificationError as exc:
            writer.close()
            raise _Failed(f"TLS certificate of {host} not accepted: {exc.verify_message or exc.reason}") from None
        except (ssl.SSLError, ConnectionError) as exc:
            writer.close()
            why = getattr(exc, "reason", None) or type(exc).__name__
            raise _Failed(f"TLS handshake on port {port} failed ({why}): it does not speak TLS") from None
    try:
        local = writer.get_extra_info("sockname")[:2]
        request, _ = options_request(host, transport, local)
        writer.write(request)
        await _bounded(writer.drain(), timeout)
        data = await _bounded(reader.readuntil(b"\r\n\r\n"), timeout)
    except asyncio.TimeoutError:
        raise _Failed(f"connected over {what}, but no answer to OPTIONS within {timeout:g} s") from None
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ssl.SSLError) as exc:
        raise _Failed(f"connected over {what}, but the connection ended without a SIP answer ({type(exc).__name__})") from None
    finally:
        writer.close()
    return _sip_status(data, port, what)


async def _udp(host: str, address: str, port: int, timeout: float) -> tuple[int, str]:
    loop = asyncio.get_running_loop()
    answered: asyncio.Future = loop.create_future()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        transport, _ = await loop.create_datagram_endpoint(lambda: _Datagram(answered), remote_addr=(address, port),
                                                           family=family)
    except OSError as exc:
        raise _Failed(f"cannot send UDP to port {port}: {exc.strerror or exc}") from None
    try:
        request, _ = options_request(host, "udp", transport.get_extra_info("sockname")[:2])
        transport.sendto(request)
        data = await _bounded(answered, timeout)
    except asyncio.TimeoutError:
        raise _Failed(f"no UDP answer from port {port} within {timeout:g} s (UDP is often filtered; "
                      "this does not prove the port is closed)") from None
    except ConnectionRefusedError:
        raise _Failed(f"UDP port {port} is closed (the host answered “port unreachable”)") from None
    finally:
        transport.close()
    return _sip_status(data, port, "UDP")


def _sip_status(data: bytes, port: int, what: str) -> tuple[int, str]:
    """The status of the SIP answer `data`; an answer that is not SIP fails the step."""
    status = parse_status(data)
    if status is None:
        raise _Failed(f"port {port} answered over {what}, but not in SIP")
    return status


class _Datagram(asyncio.DatagramProtocol):
    def __init__(self, answered: asyncio.Future) -> None:
        self.answered = answered

    def datagram_received(self, data: bytes, addr) -> None:
        if not self.answered.done():
            self.answered.set_result(data[:MAX_RESPONSE])

    def error_received(self, exc: Exception) -> None:
        if not self.answered.done():
            self.answered.set_exception(exc)
