"""Pytest fixtures for the local LiveKit SIP sandbox (registered from tests/conftest.py).

``sandbox``: a fresh ``SandboxServer`` on a free port in its own loop thread, stopped afterwards.
``sandbox_env``: the same server exported as LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET.
``responder``: the sandbox's SIP OPTIONS responder on a free port, stopped afterwards.
``stopped_after(server)``: the body of a fixture for any of our servers started in a thread.
"""

from __future__ import annotations

import aiohttp
import pytest

from phonewizard.sandbox import SandboxServer
from phonewizard.sandbox.sip_options import OptionsResponder


def stopped_after(server):
    """Yield `server` (already started in its thread) and stop it when the test ends, however it
    ends: a fixture's body is `yield from stopped_after(Server(...).start_in_thread())`."""
    try:
        yield server
    finally:
        server.stop_thread()


@pytest.fixture
def sandbox():
    yield from stopped_after(SandboxServer().start_in_thread())


@pytest.fixture
def responder():
    yield from stopped_after(OptionsResponder().start_in_thread())


@pytest.fixture
def sandbox_env(monkeypatch, sandbox):
    monkeypatch.setenv("LIVEKIT_URL", sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    return sandbox


@pytest.fixture
def sandbox_raw(sandbox):
    """``await raw(method, request, response_class)``: any livekit.SIP request, sent by livekit-api's
    own ``TwirpClient`` with a sip.admin token. For request forms the SDK helpers cannot build."""
    from livekit import api
    from livekit.api.twirp_client import TwirpClient

    async def raw(method, request, response_class, *, service="SIP"):
        token = (
            api.AccessToken(sandbox.api_key, sandbox.api_secret)
            .with_grants(api.VideoGrants())
            .with_sip_grants(api.SIPGrants(admin=True))
            .to_jwt()
        )
        async with aiohttp.ClientSession() as session:
            client = TwirpClient(session, sandbox.url, "livekit")
            return await client.request(service, method, request, {"Authorization": f"Bearer {token}"}, response_class)

    return raw
