"""Removing what phonewizard set up at a carrier for one number (`unregister --carrier`): the outcome
type and the discipline both carriers follow.

Objects are recognised by the names phonewizard gives them (domain/carrier_plan.py: every name
starts with "phonewizard" and, where it belongs to one number, "phonewizard +NUMBER "), never by
guessing. What phonewizard reused rather than made (your own trunk or connection) stays; the
outcome says so. Deletions are independent where they can be: every one is attempted, a missing
object counts as removed, and what could not be removed is raised as `CarrierCleanupIncomplete`
with the list, so running the command again finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from phonewizard.domain.carrier_plan import MARKER
from phonewizard.services.carriers.errors import CarrierCleanupIncomplete, CarrierError, CarrierRefused


def number_prefix(phone_number: str) -> str:
    """The start of every per-number name phonewizard gives at a carrier ("phonewizard +1415… ")."""
    return f"{MARKER} {phone_number} "


@dataclass
class Teardown:
    """What was removed and what was deliberately left, in words for the user."""

    removed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    cause: BaseException | None = None

    async def remove(self, label: str, action: Callable[[], Awaitable[Any]]) -> bool:
        """Run one deletion; "already gone" is success. False (and the label kept) when it failed."""
        try:
            await action()
        except CarrierRefused as exc:
            if exc.status != 404:
                self._failed(label, exc)
                return False
        except CarrierError as exc:
            self._failed(label, exc)
            return False
        self.removed.append(label)
        return True

    def _failed(self, label: str, exc: BaseException) -> None:
        self.failed.append(label)
        if self.cause is None:
            self.cause = exc

    def finish(self, carrier: str, phone_number: str) -> "Teardown":
        if self.failed:
            raise CarrierCleanupIncomplete(carrier, phone_number, self.removed, self.failed, self.cause)
        return self
