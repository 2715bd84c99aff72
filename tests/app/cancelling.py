"""Cancelling the app layer's call checks (app/calls.TestCall, app/inbound.InboundCheck) the way
the GUI's Cancel does: the task is cancelled once the check reports a chosen stage."""

from __future__ import annotations

import asyncio

import pytest


def cancel_at(check, stage: str) -> None:
    """Run `check` and cancel it when its progress reaches `stage`; the cancellation must come
    back out of it (what it did meanwhile is in `check.result`)."""
    async def go():
        reached = asyncio.Event()
        check.progress = lambda e: reached.set() if e.stage == stage else None
        task = asyncio.ensure_future(check.run())
        await reached.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    asyncio.run(asyncio.wait_for(go(), 20))
