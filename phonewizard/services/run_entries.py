"""What a registrar run records about itself: one `Entry` per change (the undo journal kept in
memory, and what services/run_journal.py writes to disk), and the `Tracking` a caller passes to
give the run an ID and an observer (registrar_run.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from phonewizard.services.registrar_run import Run


@dataclass
class Entry:
    """One change to undo. kind: inbound|outbound|dispatch|number; action: created|updated|
    deleted|attached. `previous` is the object as it was (updated/deleted) or the number's
    previous rule ID (attached); a trunk may hold its SIP password, so it is not in the repr.
    state: done | failed (LiveKit said no: nothing changed) | unknown (no clear answer)."""

    step: str | None
    kind: str
    action: str
    object_id: str  # "" for a creation until LiveKit answers with the new ID
    previous: Any = field(default=None, repr=False)
    state: str = "done"
    answered: bool = False  # False while the request is in flight (the journal says "pending")
    password_changed: bool = False  # an update that replaced the trunk's SIP password


@dataclass(frozen=True)
class Tracking:
    """A run's identity and its observer: `observe(run, event)` is called with "checked" (the
    conflict check is done; `run.plan` and `run.inventory` say what comes), "sent" (a change is
    about to go out; `run.sent` ends with it), "answered" and "rolling_back". `run` is the
    registration's Run, or an unregister's registrar_removal.Removal (with `.sent` and
    `.planned()`). An observer that raises stops the run before that change is sent, or after
    it is answered: the journal is part of the run's safety."""

    run_id: str
    observe: Callable[[Run | Any, str], None] | None = None
