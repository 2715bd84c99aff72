"""Register (or update) one number: the commit step both front ends run.

`register(request, store, progress)` builds the connection from the validated configuration,
applies the plan with the registrar (conflict check, create, roll back on any failure including
cancellation), and only then saves the secrets the policy names (app/secrets.py). The review page
runs it on the GUI's worker thread; `phonewizard register` runs it with asyncio.run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

from phonewizard.app.carrier_setup import CarrierSetup, CarrierSetupResult, carrier_session
from phonewizard.app.documents import PASSWORD_FIELD
from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import SECRET_MISSING, ApiSecret, connection_for
from phonewizard.app.secrets import (
    SavedSecrets,
    SecretStore,
    SecretToSave,
    carrier_secrets_to_save,
    save_secrets,
    secrets_to_save,
)
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.carrier_plan import STEP_LABELS as CARRIER_STEP_LABELS
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.domain.result import RegistrationResult

# progress(step, state): step in STEPS, state "started" | "done" | "failed" | "rolled_back"
Progress = Callable[[str, str], None]

STEP_LABELS: dict[str, str] = {
    "conflict_check": "Check LiveKit for conflicting trunks and rules",
    "inbound_trunk": "Create the inbound trunk",
    "outbound_trunk": "Create the outbound trunk",
    "dispatch_rule": "Create the dispatch rule",
    "attach_number": "Attach the number to the dispatch rule",
    **CARRIER_STEP_LABELS,
}


@dataclass(frozen=True)
class RegistrationRequest:
    config: PhoneWizardConfig  # valid (domain/report.check_config)
    api_secret: ApiSecret
    take_over: bool = False  # move phonewizard's registration of this number from another agent
    save: Sequence[SecretToSave] = field(default=(), repr=False)  # after success (app/secrets.py)
    # Set up the carrier too (app/carrier_setup.py): checked first, applied after LiveKit's objects.
    carrier: CarrierSetup | None = field(default=None, repr=False)

    @property
    def plan(self) -> RegistrationPlan:
        return plan(self.config)


@dataclass
class Registered:
    result: RegistrationResult
    secrets: SavedSecrets
    carrier: CarrierSetupResult | None = None


def steps_for(p: RegistrationPlan) -> list[str]:
    """The steps a run of this plan goes through, in order (the checklist shown before it starts)."""
    steps = ["carrier_check"] if p.carrier is not None else []
    steps.append("conflict_check")
    if p.inbound is not None:
        steps.append("inbound_trunk")
    if p.outbound is not None:
        steps.append("outbound_trunk")
    steps.append("dispatch_rule")
    if p.attach_number:
        steps.append("attach_number")
    if p.carrier is not None:
        steps += [s for s in p.carrier.steps() if s != "carrier_check"]
    return steps


def load_client() -> None:
    """Import the LiveKit client stack (livekit-api, aiohttp, ~0.2 s) now, e.g. on the GUI's worker
    right after start-up, so the first registration does not pay for it."""
    import phonewizard.services.registrar  # noqa: F401


def typed_request(config: PhoneWizardConfig, *, take_over: bool = False, save_secrets: bool = True,
                  carrier_base_urls: Mapping[str, str | None] | None = None) -> RegistrationRequest:
    """The request for a configuration typed in the wizard: its secrets are the user's own, saved
    after success unless `save_secrets` is off (the sandbox's throwaway ones are never kept). With
    "Set up Twilio / Telnyx for me" on, the carrier set-up comes with it (app/carrier_typed.py;
    `carrier_base_urls`: where each carrier's API is, None for the carrier's own)."""
    from phonewizard.app.carrier_typed import typed_carrier_setup

    secret = config.livekit.api_secret.get_secret_value() if config.livekit.api_secret else ""
    if not secret:
        raise InvalidInput.field("livekit.api_secret", SECRET_MISSING)
    api_secret = ApiSecret(secret, "typed")
    carrier = typed_carrier_setup(config, carrier_base_urls or {})
    save = secrets_to_save(config, api_secret, "typed") if save_secrets else []
    if save_secrets and carrier is not None:
        save += carrier_secrets_to_save(carrier.credentials)
    return RegistrationRequest(config, api_secret, take_over=take_over, save=save, carrier=carrier)


def check_sendable(config: PhoneWizardConfig) -> None:
    """InvalidInput when the configuration lacks a secret that registering needs (a stored file
    validates without its SIP password; registering it does not)."""
    reg = config.registration
    if reg.auth_username and reg.auth_password is None:
        raise InvalidInput.field(
            PASSWORD_FIELD,
            f"required with auth_username “{reg.auth_username}”, but it is neither in the file nor "
            'in the system keyring: add "auth_password" to the file for this run (it is then moved '
            "to the keyring) or save it with the wizard",
        )


async def register(
    request: RegistrationRequest, store: SecretStore | None, progress: Progress | None = None
) -> Registered:
    """Apply the registration; on success save the policy's secrets. Raises InvalidInput, the
    LiveKit errors of app/errors.py (nothing left behind unless PartialRollback), or
    CancelledError after a complete rollback."""
    from phonewizard.services.registrar import Registrar  # livekit-api: loaded when a run starts

    check_sendable(request.config)
    connection = connection_for(request.config.livekit, request.api_secret)
    if request.carrier is None:
        result = await Registrar(connection).apply(request.plan, progress=progress, take_over=request.take_over)
        carrier = None
    else:
        result, carrier = await _with_carrier(request, connection, progress)
    if not request.save or store is None:
        return Registered(result, SavedSecrets(), carrier)
    return Registered(result, await _save_regardless_of_cancel(store, request.save), carrier)


async def _with_carrier(request: RegistrationRequest, connection: object, progress: Progress | None
                        ) -> tuple[RegistrationResult, CarrierSetupResult]:
    """Carrier check (nothing changed anywhere if it fails) → LiveKit → the carrier's changes; a
    carrier failure or cancel undoes the carrier's changes, then LiveKit's (the registrar's
    `after`): the user asked for a number that rings, which half a set-up cannot give."""
    from phonewizard.services.registrar import Registrar

    assert request.carrier is not None
    done: list[CarrierSetupResult] = []
    async with carrier_session(request.carrier, progress) as session:
        await session.check()

        async def carrier_side(_: RegistrationResult) -> None:
            done.append(await session.apply())

        result = await Registrar(connection).apply(  # type: ignore[arg-type]
            request.plan, progress=progress, take_over=request.take_over, after=carrier_side)
    return result, done[0]


async def _save_regardless_of_cancel(store: SecretStore, secrets: Sequence[SecretToSave]) -> SavedSecrets:
    """The registration stands once LiveKit accepted it, so a cancel arriving now must neither
    undo it nor abandon the save half-way: wait for the keyring (in a thread: it may block on an
    unlock prompt), then report success."""
    task = asyncio.ensure_future(asyncio.to_thread(save_secrets, store, secrets))
    while True:
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                return task.result()
            current = asyncio.current_task()
            if current is not None:
                current.uncancel()  # the cancel came too late to mean "undo"; finish normally
