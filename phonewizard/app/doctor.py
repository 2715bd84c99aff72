"""The call-routing doctor's use cases (docs/doctor.md): where a call to a number would go on the
project, and the checks that run before Register.

- `read_routing(connection)` reads the project once (services/project_reader.read_project: one
  List per object kind, sent together) into a `RoutingSnapshot`, which then answers any number of
  questions without another request: `.diagnose(call)` → `Verdict`, `.plan_findings(plan)`,
  `.project_findings()`.
- `diagnose_call(connection, call)`: both steps for one call (`phonewizard doctor`, the wizard's
  "Diagnose a call…" dialog).
- `check_registration(connection, plan)` → `RegistrationChecks`: `check_plan` against the
  project's current lists (the wizard's review page, before Register). It never raises a LiveKit
  failure, because the checks never block a registration: a project that cannot be read gives the
  checks that need no project, and says why. `offline_checks(plan, url)` are those (validate,
  `register --dry-run`, the review page until the read returns).
- `ProjectAsRead`: `app.register` hands it to the registrar, which shows it the lists its conflict
  check reads; `Registered.checks` are computed from them, so `register` reads the project once.

Bad input is `InvalidInput`, each problem named with the front end's own field names
(`check_call(call, {"to": "--to"})`); LiveKit failures are the usual app/errors.py types.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Mapping

from phonewizard.app.errors import InvalidInput

if TYPE_CHECKING:  # livekit-protocol and the routing port: loaded when a doctor use case runs
    from phonewizard.domain.livekit_objects import ProjectObjects
    from phonewizard.domain.plan import RegistrationPlan
    from phonewizard.domain.result import RegistrationResult
    from phonewizard.domain.routing import Finding, InboundCall, RoutingProject, Verdict
    from phonewizard.domain.routing.carriers import RecognisedCarrier
    from phonewizard.services.livekit_client import Connection

logger = logging.getLogger(__name__)

# progress(message): a plain-words line for a status label ("Reading the project's trunks…").
Progress = Callable[[str], None]

READING = "Reading the project's inbound trunks, dispatch rules and numbers…"
ROUTING = "Routing the call as LiveKit would…"


def check_call(call: InboundCall, names: Mapping[str, str] | None = None) -> InboundCall:
    """`call` when it can be diagnosed, else InvalidInput with one problem per field, each field
    named as the front end names it (`names`: "to", "from", "source_ip", "pin", "from_host" → the
    option or label; unnamed fields keep the domain's name)."""
    problems = call.problems()
    if problems:
        names = names or {}
        raise InvalidInput([f"{names.get(p.field, p.field)}: {p.message}" for p in problems])
    return call


@dataclass(frozen=True)
class RoutingSnapshot:
    """One read of a project, indexed for routing. `recognised`: carriers recognised for trunks
    phonewizard did not make (domain/routing/carriers.py)."""

    url: str
    objects: ProjectObjects = field(repr=False)
    routing: RoutingProject = field(repr=False)
    recognised: Mapping[str, RecognisedCarrier] = field(default_factory=dict)

    @property
    def phone_numbers(self) -> dict[str, tuple[str, ...]]:
        """The project's LiveKit Phone Numbers → the rules each is attached to (released ones
        receive no calls)."""
        return {n.phone_number: n.dispatch_rule_ids for n in self.objects.numbers if not n.released}

    @property
    def carriers(self) -> dict[str, str]:
        return {tid: r.provider for tid, r in self.recognised.items()}

    def diagnose(self, call: InboundCall) -> Verdict:
        """The verdict for one call (InvalidInput when the call is not usable). When a trunk the
        call concerns was not made by phonewizard and its carrier was recognised, the verdict's
        assumptions say which carrier and why."""
        check_call(call)
        verdict = self.routing.diagnose(call)
        concerned = {c.object_id for c in verdict.considered if c.kind == "trunk"} | {verdict.trunk_id}
        notes = tuple(f"Trunk {r.trunk_id} was not made by phonewizard; its carrier is taken to be "
                      f"{r.label} ({r.reason})."
                      for tid, r in self.recognised.items() if tid in concerned)
        return replace(verdict, assumptions=verdict.assumptions + notes) if notes else verdict

    def plan_findings(self, plan: RegistrationPlan) -> list[Finding]:
        """`check_plan` for a registration against this project as it would be after Register."""
        from phonewizard.domain.routing import check_plan

        return check_plan(plan, self.objects.inbound, self.objects.rules, self.url,
                          phone_numbers=self.phone_numbers)

    def project_findings(self) -> list[Finding]:
        """`check_project` over every object of the project."""
        from phonewizard.domain.routing import check_project

        return check_project(self.objects.inbound, self.objects.rules, self.url,
                             outbound_trunks=self.objects.outbound, carriers=self.carriers,
                             phone_numbers=self.phone_numbers)


def snapshot_of(objects: ProjectObjects, url: str) -> RoutingSnapshot:
    """A snapshot from objects already read (the registrations page holds one read)."""
    from phonewizard.domain.routing import RoutingProject
    from phonewizard.domain.routing.carriers import recognised_carriers

    recognised = recognised_carriers(objects.inbound, objects.outbound)
    numbers = {n.phone_number: n.dispatch_rule_ids for n in objects.numbers if not n.released}
    routing = RoutingProject(objects.inbound, objects.rules, url, phone_numbers=numbers,
                             carriers={tid: r.provider for tid, r in recognised.items()})
    return RoutingSnapshot(url, objects, routing, recognised)


async def read_routing(connection: Connection, progress: Progress | None = None) -> RoutingSnapshot:
    """Read the project once (the LiveKit failures of app/errors.py when it cannot be read)."""
    from phonewizard.services.project_reader import read_project

    if progress is not None:
        progress(READING)
    return snapshot_of(await read_project(connection), connection.url)


async def diagnose_call(connection: Connection, call: InboundCall, progress: Progress | None = None) -> Verdict:
    """Where `call` would go on the project behind `connection`. InvalidInput before any request
    when the call is not usable."""
    check_call(call)
    snapshot = await read_routing(connection, progress)
    if progress is not None:
        progress(ROUTING)
    return snapshot.diagnose(call)


@dataclass(frozen=True)
class RegistrationChecks:
    """The doctor's findings for one registration before it is sent; they never block it.
    `against_project`: the project's current trunks and rules were read and taken into account;
    otherwise `problem` says why not (None when no project was asked)."""

    findings: tuple[Finding, ...]
    against_project: bool
    problem: str | None = None
    project_size: tuple[int, int] = (0, 0)  # the project's (inbound trunks, dispatch rules) read

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "warning"]


def offline_checks(plan: RegistrationPlan, project_url: str = "") -> RegistrationChecks:
    """The checks that need no project: the registration's own objects, and test calls routed
    over them alone (`project_url` says Cloud or self-hosted). Pure and fast: no request."""
    from phonewizard.domain.routing import check_plan

    return RegistrationChecks(tuple(check_plan(plan, (), (), project_url)), against_project=False)


class ProjectAsRead:
    """The registrar's `inspect` hook: keeps the project's lists as the conflict check read them,
    so `register` gets the doctor's findings without a second read; `checks()` computes them
    afterwards (off the path between the read and the creations). A failure here is logged and
    gives None: the doctor never fails a registration."""

    def __init__(self, plan: RegistrationPlan, project_url: str) -> None:
        self.plan, self.project_url = plan, project_url
        self._lists: tuple[list, list] | None = None

    def __call__(self, inbound: list, outbound: list, rules: list) -> None:
        self._lists = (inbound, rules)

    def checks(self, result: RegistrationResult | None = None) -> RegistrationChecks | None:
        """The findings; with the run's `result`, the plan's new objects are named by the IDs
        LiveKit gave them instead of "(new inbound trunk)"."""
        if self._lists is None:
            return None
        from phonewizard.domain.routing import check_plan
        from phonewizard.domain.routing.plan_checks import NEW_RULE_ID, NEW_TRUNK_ID

        inbound, rules = self._lists
        try:
            found = check_plan(self.plan, inbound, rules, self.project_url)
        except Exception:  # noqa: BLE001 - a bug in a check must not turn a success into a failure
            logger.exception("the doctor's checks failed after registering")
            return None
        names = {NEW_TRUNK_ID: result.inbound_trunk_id, NEW_RULE_ID: result.dispatch_rule_id} if result else {}
        named = tuple(_renamed(f, {k: v for k, v in names.items() if v}) for f in found)
        return RegistrationChecks(named, against_project=True, project_size=(len(inbound), len(rules)))


def _renamed(finding: Finding, names: Mapping[str, str]) -> Finding:
    def text(value: str) -> str:
        for old, new in names.items():
            value = value.replace(old, new)
        return value

    return replace(finding, object_ids=tuple(names.get(i, i) for i in finding.object_ids),
                   message=text(finding.message), fix=text(finding.fix))


async def check_registration(connection: Connection, plan: RegistrationPlan,
                             progress: Progress | None = None) -> RegistrationChecks:
    """`check_plan` against the project's current lists; never a LiveKit failure (see module doc).
    Cancellation passes through."""
    from phonewizard.services.errors import LiveKitError

    try:
        snapshot = await read_routing(connection, progress)
    except LiveKitError as exc:
        offline = offline_checks(plan, connection.url)
        return replace(offline, problem=f"the project could not be read, so only this registration's own "
                                        f"objects were checked: {exc}")
    objects = snapshot.objects
    return RegistrationChecks(tuple(snapshot.plan_findings(plan)), against_project=True,
                              project_size=(len(objects.inbound), len(objects.rules)))
