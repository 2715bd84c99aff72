"""Pytest fixtures for the local LiveKit SIP sandbox (registered from tests/conftest.py).

``sandbox``: a fresh ``SandboxServer`` on a free port in its own loop thread, stopped afterwards.
``sandbox_env``: the same server exported as LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET.
"""

from __future__ import annotations

import pytest

from phonewizard.services.sandbox import SandboxServer


@pytest.fixture
def sandbox():
    server = SandboxServer().start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


@pytest.fixture
def sandbox_env(monkeypatch, sandbox):
    monkeypatch.setenv("LIVEKIT_URL", sandbox.url)
    monkeypatch.setenv("LIVEKIT_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LIVEKIT_API_SECRET", sandbox.api_secret)
    return sandbox
