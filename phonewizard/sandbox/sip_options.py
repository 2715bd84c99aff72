"""A SIP OPTIONS responder on local ports: what `phonewizard probe` talks to in tests and offline.

It answers OPTIONS with `200 OK` (the headers RFC 3261 §8.2.6 says a response copies: Via, From,
To with a tag, Call-ID, CSeq; plus Allow and Accept, as a SIP server's answer to OPTIONS carries,
§11.2) over UDP, over TCP, and over TLS when given a certificate. Any other method gets
`405 Method Not Allowed` and is recorded in `methods`, so a test can prove the probe never sends an
INVITE. It runs in a loop (`start`/`stop`) or on its own thread (`start_in_thread`/`stop_thread`).
"""

from __future__ import annotations

import asyncio
import secrets
import ssl
import threading

from .loop_thread import start_loop_thread, stop_loop_thread

ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS"
MAX_MESSAGE = 64 * 1024


def answer(request: bytes) -> bytes | None:
    """The response to one SIP request, or None when `request` is not one."""
    head = request.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] != "SIP/2.0":
        return None
    copied = [line for line in lines[1:] if line.split(":", 1)[0].strip().lower() in ("via", "from", "call-id", "cseq")]
    to = next((line for line in lines[1:] if line.split(":", 1)[0].strip().lower() == "to"), "To: <sip:sandbox>")
    if ";tag=" not in to:
        to += ";tag=" + secrets.token_hex(4)
    status = "200 OK" if parts[0] == "OPTIONS" else "405 Method Not Allowed"
    response = [f"SIP/2.0 {status}", *copied, to, f"Allow: {ALLOW}", "Accept: application/sdp",
                "Server: phonewizard-sandbox", "Content-Length: 0", "", ""]
    return "\r\n".join(response).encode()


class OptionsResponder:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, tls: ssl.SSLContext | None = None,
                 tls_port: int = 0) -> None:
        self.host, self.port, self.tls_port = host, port, tls_port
        self._tls = tls
        self.methods: list[tuple[str, str]] = []  # (transport, method) of every request received
        self._lock = threading.Lock()
        self._closers: list = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def respond(self, transport: str, request: bytes) -> bytes | None:
        response = answer(request)
        if response is not None:
            with self._lock:
                self.methods.append((transport, request.split(b" ", 1)[0].decode("ascii", "replace")))
        return response

    async def start(self) -> None:
        """Listen on TCP `port` (0: any free one), then UDP on the same number, and TLS."""
        tcp = await asyncio.start_server(lambda r, w: self._stream(r, w, "tcp"), self.host, self.port)
        self.port = tcp.sockets[0].getsockname()[1]
        self._closers.append(tcp)
        loop = asyncio.get_running_loop()
        udp, _ = await loop.create_datagram_endpoint(lambda: _Datagram(self), local_addr=(self.host, self.port))
        self._closers.append(udp)
        if self._tls is not None:
            tls = await asyncio.start_server(lambda r, w: self._stream(r, w, "tls"), self.host, self.tls_port,
                                             ssl=self._tls)
            self.tls_port = tls.sockets[0].getsockname()[1]
            self._closers.append(tls)

    async def stop(self) -> None:
        for closer in self._closers:
            closer.close()
        self._closers.clear()

    async def _stream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, transport: str) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith((b"content-length:", b"l:"))), 0)
                body = await reader.readexactly(min(length, MAX_MESSAGE)) if length else b""
                response = self.respond(transport, head + body)
                if response is None:
                    break
                writer.write(response)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError, ssl.SSLError):
            pass
        finally:
            writer.close()

    def start_in_thread(self) -> OptionsResponder:
        self._thread, self._loop = start_loop_thread(self.start, self.stop, "sip-options-responder")
        return self

    def stop_thread(self) -> None:
        if self._thread is not None and self._loop is not None:
            stop_loop_thread(self._thread, self._loop)
            self._thread = self._loop = None


class _Datagram(asyncio.DatagramProtocol):
    def __init__(self, owner: OptionsResponder) -> None:
        self.owner = owner
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        response = self.owner.respond("udp", data[:MAX_MESSAGE])
        if response is not None and self.transport is not None:
            self.transport.sendto(response, addr)
