"""The wizard's pending adoption: which objects made outside phonewizard Register may take over.

The registrations page arms it (`arm(number, ids)`) when the user chooses Adopt on a number; the
review page asks it before registering (`applies_to(config)`): for that number, `confirm` reads the
project again on the worker, works out with the registrar's own conflict check what registering
will change in each of those objects (app/adopt.py), and asks the user with a dialog that names
each object and field (`ask_adoption`, a module function so tests can answer it). Only the IDs
confirmed there go to the registration (`RegistrationRequest.adopt`). Nothing is armed for a new
registration or an edit of phonewizard's own, and a number changed on the pages since Adopt no
longer matches, so its objects are left alone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from phonewizard.app.adopt import Adoption
    from phonewizard.domain.config_document import PhoneWizardConfig
    from phonewizard.ui.async_worker import Job
    from phonewizard.ui.wizard import PhoneWizard

logger = logging.getLogger(__name__)


def ask_adoption(parent: QWidget, adoption: Adoption) -> bool:
    """The confirmation (ui/pages/registration_dialogs.py): True to take the objects over."""
    from phonewizard.ui.pages.registration_dialogs import AdoptionDialog

    return AdoptionDialog(adoption, parent).exec() == AdoptionDialog.DialogCode.Accepted


class AdoptionGate(QObject):
    """See the module docstring. Owned by the wizard (`wizard.adoption`)."""

    def __init__(self, wizard: PhoneWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.phone_number: str | None = None  # as the inventory keys it (+ and digits)
        self.ids: frozenset[str] = frozenset()
        self._job: Job | None = None

    def arm(self, phone_number: str, ids: frozenset[str]) -> None:
        self.phone_number, self.ids = phone_number, ids

    def clear(self) -> None:
        self.phone_number, self.ids = None, frozenset()

    @property
    def armed(self) -> bool:
        return self.phone_number is not None and bool(self.ids)

    def applies_to(self, config: PhoneWizardConfig) -> bool:
        from phonewizard.domain.livekit_numbers import normalize_number

        return self.armed and normalize_number(config.registration.phone_number) == self.phone_number

    @property
    def busy(self) -> bool:
        return self._job is not None

    def confirm(self, parent: QWidget, config: PhoneWizardConfig, *, take_over: bool,
                confirmed: Callable[[frozenset[str]], None], declined: Callable[[], None],
                failed: Callable[[BaseException], None]) -> None:
        """Read the project (worker), then ask; exactly one of the three callbacks follows:
        `confirmed(ids)`, `declined()`, or `failed(exc)` (the read failed, or something besides the
        adopted objects is in the way: a RegistrationConflict)."""
        from phonewizard.app.adopt import adoption_for
        from phonewizard.app.inventory import read_inventory
        from phonewizard.domain.plan import plan

        connection = self._wizard.connection()  # InvalidInput / LiveKitError: the caller shows it
        the_plan, ids = plan(config), self.ids

        async def preview() -> Adoption:
            project = await read_inventory(connection)
            return adoption_for(the_plan, project, take_over=take_over, only=ids)

        job = self._job = self._wizard.worker.submit(preview)

        def answered(adoption: Adoption) -> None:
            self._job = None
            if not adoption.objects:  # they are gone meanwhile: nothing left to take over
                confirmed(frozenset())
            elif ask_adoption(parent, adoption):
                confirmed(adoption.ids)
            else:
                declined()

        def broke(exc: BaseException) -> None:
            self._job = None
            failed(exc)

        def stopped() -> None:  # only at shutdown
            self._job = None
            declined()

        job.finished.connect(answered)
        job.failed.connect(broke)
        job.cancelled.connect(stopped)
