"""Whether a LiveKit URL would send the signed API token unencrypted to another machine.

Kept apart from config_document.py (which builds pydantic models when imported) so the wizard's
first page can show or hide its "allow unencrypted" option without loading pydantic before the
window first paints (benchmarks/RESULTS.md, start-up); config_document's URL check uses it too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def insecure_url_findings(url: str) -> list[tuple[tuple[str, ...], str]]:
    """ws:// or http:// to anything but this machine sends the signed token in clear.

    Raises ValueError (from urlsplit) when `url` is not a URL at all."""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("ws", "http") and (parts.hostname or "").lower() not in LOCAL_HOSTS:
        return [(("url",), (
            "uses an unencrypted connection to a remote server, but the API secret signs every "
            "request: use wss:// or https:// (or set allow_insecure_transport if you really mean it)"
        ))]
    return []
