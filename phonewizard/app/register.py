"""Register (or update) one number: the commit step both front ends run.

`register(request, store, progress)` builds the connection from the validated configuration,
applies the plan with the registrar (conflict check, create, roll back on any failure including
cancellation), and only then saves the secrets the policy names (app/secrets.py). The review page
runs it on the GUI's worker thread; `phonewizard register` runs it with asyncio.run.

Every run holds the number's lock on this machine (another run of the same number is refused:
`RunInProgress`) and keeps a journal on disk while it works (app/runs.py), so a crash is found
by the next start (app/recovery.py); across machines the registrar's race rule decides
(`LostRace`). A successful registration supersedes the unfinished runs of its number: their
records are dropped and returned in `Registered.resolved`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from phonewizard.app.carrier_setup import CarrierSetup, CarrierSetupResult, carrier_session
from phonewizard.app.doctor import ProjectAsRead, RegistrationChecks
from phonewizard.app.documents import PASSWORD_FIELD
from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import SECRET_MISSING, ApiSecret, SecretSource, connection_for
from phonewizard.app.runs import guarded_run, regardless_of_cancel
from phonewizard.app.secrets import (
    SavedSecrets,
    SecretStore,
    SecretToSave,
    carrier_secrets_to_save,
    save_secrets,
    secrets_to_save,
)
from phonewizard.domain.carrier_plan import STEP_LABELS as CARRIER_STEP_LABELS
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import RegistrationPlan, plan
from phonewizard.domain.result import RegistrationResult

if TYPE_CHECKING:
    from phonewizard.services.livekit_client import Connection

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
    # IDs of objects made outside phonewizard that the user confirmed may be taken over (app/adopt.py)
    adopt: frozenset[str] = frozenset()

    @property
    def plan(self) -> RegistrationPlan:
        return plan(self.config)


@dataclass
class Registered:
    result: RegistrationResult
    secrets: SavedSecrets
    carrier: CarrierSetupResult | None = None
    # Run IDs of earlier unfinished runs of this number that this registration superseded.
    resolved: list[str] = field(default_factory=list)
    # The call-routing doctor's findings for the plan, against the project as the conflict check
    # read it (app/doctor.py; never a reason to fail). None when they could not be computed.
    checks: RegistrationChecks | None = None


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
                  carrier_base_urls: Mapping[str, str | None] | None = None,
                  api_secret_source: SecretSource = "typed") -> RegistrationRequest:
    """The request for a configuration typed in the wizard: its secrets are the user's own, saved
    after success unless `save_secrets` is off (the sandbox's throwaway ones are never kept). With
    "Set up Twilio / Telnyx for me" on, the carrier set-up comes with it (app/carrier_typed.py;
    `carrier_base_urls`: where each carrier's API is, None for the carrier's own).
    `api_secret_source` "lk-cli": the API secret was filled from the LiveKit CLI's projects and the
    user did not ask to keep it in the keyring, so the policy leaves it where it is."""
    from phonewizard.app.carrier_typed import typed_carrier_setup

    secret = config.livekit.api_secret.get_secret_value() if config.livekit.api_secret else ""
    if not secret:
        raise InvalidInput.field("livekit.api_secret", SECRET_MISSING)
    api_secret = ApiSecret(secret, api_secret_source)
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
            "in the system keyring: run the command again with --sip-password-stdin (it asks without "
            "echo, or reads a pipe; the password is then kept in the keyring), or export "
            "PHONEWIZARD_SIP_PASSWORD (not saved), or save it with the wizard",
        )


async def register(
    request: RegistrationRequest, store: SecretStore | None, progress: Progress | None = None
) -> Registered:
    """Apply the registration; on success save the policy's secrets. Raises InvalidInput, the
    LiveKit errors of app/errors.py (nothing left behind unless PartialRollback), or
    CancelledError after a complete rollback."""
    from phonewizard.services.config_files import config_to_document
    from phonewizard.services.registrar import PartialRollback, Registrar  # livekit-api: loaded when a run starts

    config = request.config
    check_sendable(config)
    connection = connection_for(config.livekit, request.api_secret)
    reg = config.registration
    seen = ProjectAsRead(request.plan, connection.url)
    carrier: CarrierSetupResult | None = None
    with guarded_run(config.livekit.url, config.livekit.api_key, reg.phone_number, "register",
                     agent_name=config.agent_name, provider=reg.provider, take_over=request.take_over,
                     config=config_to_document(config)) as run:
        try:
            if request.carrier is None:
                result = await Registrar(connection).apply(request.plan, progress=progress,
                                                           take_over=request.take_over, tracking=run.tracking,
                                                           inspect=seen, adopt=request.adopt)
            else:
                result, carrier = await _with_carrier(request, connection, progress, run.tracking, seen)
        except PartialRollback as exc:
            run.kept(exc.remaining)
            raise
        run.finished()
        resolved = [r.run_id for r in run.resolve_earlier()]
    checks = seen.checks(result)  # after the run: the doctor's work never delays LiveKit's objects
    saved = (SavedSecrets() if not request.save or store is None
             else await _save_regardless_of_cancel(store, request.save))
    return Registered(result, saved, carrier, resolved, checks)


async def _with_carrier(request: RegistrationRequest, connection: Connection, progress: Progress | None,
                        tracking: object, seen: ProjectAsRead) -> tuple[RegistrationResult, CarrierSetupResult]:
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

        result = await Registrar(connection).apply(
            request.plan, progress=progress, take_over=request.take_over, after=carrier_side,
            tracking=tracking, inspect=seen, adopt=request.adopt)  # type: ignore[arg-type]
    return result, done[0]


async def _save_regardless_of_cancel(store: SecretStore, secrets: Sequence[SecretToSave]) -> SavedSecrets:
    """The registration stands once LiveKit accepted it, so a cancel arriving now must neither
    undo it nor abandon the save half-way: wait for the keyring (in a thread: it may block on an
    unlock prompt), then report success."""
    return await regardless_of_cancel(asyncio.to_thread(save_secrets, store, secrets))
