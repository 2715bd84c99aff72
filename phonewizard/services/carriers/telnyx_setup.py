"""Set up Telnyx for one number: an FQDN connection to LiveKit, all or nothing.

`check()` only reads, concurrently: the number, the connection (given in provider_config, else
phonewizard's by name), the outbound voice profile (given, else ours by name), and the connection's
FQDNs. It raises CarrierConflict, before LiveKit is touched, when the number is assigned to another
connection (unless move_number). `apply()` then, through the journal: the outbound voice profile,
the connection (transport, +E.164 number formats, SRTP with TLS, credentials for outbound calls),
LiveKit's host(s) as its FQDNs, the number assigned to it. The credentials of a connection that
already existed are sent last (Telnyx never returns a password, so a changed one could not be put
back): nothing that could fail and need undoing comes after them.

The connection's `user_name`/`password` follow LiveKit's Telnyx guide (reference/providers.md §2.3);
the SDK's typed parameters lack them, so they travel as `extra_body` (docs/carrier-setup.md).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from phonewizard.domain.carrier_plan import TelnyxPlan
from phonewizard.services.carriers.errors import CarrierConflict, CarrierRefused
from phonewizard.services.carriers.journal import Journal, Undo, delete_for_sweep
from phonewizard.services.carriers.telnyx_client import TELNYX, call, collect


@dataclass
class TelnyxFound:
    number_id: str = ""
    number_connection_id: str | None = None
    connection: Any = None
    connection_is_ours: bool = False
    profile_id: str | None = None
    fqdns: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)  # IDs that existed before the run (for the sweep)


@dataclass
class TelnyxOutcome:
    connection_id: str
    outbound_voice_profile_id: str | None
    fqdn_ids: list[str]
    phone_number_id: str
    warnings: list[str] = field(default_factory=list)


class TelnyxSetup:
    def __init__(self, client: Any, api_key: str, plan: TelnyxPlan, timeout: float) -> None:
        self.client, self.api_key, self.plan, self.timeout = client, api_key, plan, timeout

    def _call(self, awaitable: Any) -> Any:
        return call(awaitable, self.api_key, self.timeout)

    def _list(self, paginator: Any) -> Any:
        return collect(paginator, self.api_key, self.timeout)

    # ---- the check -----------------------------------------------------------------------
    async def check(self) -> TelnyxFound:
        p, c = self.plan, self.client
        numbers, connection, profile = await asyncio.gather(
            self._list(c.phone_numbers.list(filter={"phone_number": p.phone_number})),
            self._find_connection(), self._find_profile())
        found = TelnyxFound(connection=connection, profile_id=profile)
        found.connection_is_ours = connection is not None and connection.connection_name == p.connection_name
        if connection is not None and not found.connection_is_ours:
            found.notes.append(f"reuses your connection {connection.id} “{connection.connection_name}”")
        number = next((n for n in numbers if n.phone_number == p.phone_number), None)
        if number is None:
            raise CarrierRefused(TELNYX, f"{p.phone_number} is not a phone number of this Telnyx account: buy or "
                                         "port it there first, or check the API key's account.", code="number_not_owned",
                                 status=404)
        found.number_id, found.number_connection_id = number.id, number.connection_id or None
        mine = connection.id if connection is not None else None
        if found.number_connection_id and found.number_connection_id != mine:
            where = f"{found.number_connection_id}" + (f" “{number.connection_name}”" if getattr(number, "connection_name", None) else "")
            if not p.move_number:
                raise CarrierConflict(TELNYX, [f"{p.phone_number} is assigned to connection {where}; set "
                                               "provider_config.carrier_setup.move_number to move it, or change it in "
                                               "the Telnyx Portal (Numbers → Manage Numbers)"], ["number_elsewhere"])
            found.notes.append(f"moves {p.phone_number} from connection {where}")
        if connection is not None:
            found.fqdns = await self._list(c.fqdns.list(filter={"connection_id": connection.id}))
        found.known = {x.id for x in found.fqdns} | {x for x in (mine, profile) if x}
        return found

    async def sweep(self, found: TelnyxFound) -> list[str]:
        """After a creation got no answer: delete what carries our names and was not there before."""
        p, c = self.plan, self.client
        conns = await self._list(c.fqdn_connections.list(filter={"connection_name": {"contains": p.connection_name}}))
        doomed = [(c.fqdn_connections, x.id, f"{x.id} (Telnyx FQDN connection)") for x in conns
                  if x.connection_name == p.connection_name and x.id not in found.known]
        if p.outbound_profile_name:
            profiles = await self._list(c.outbound_voice_profiles.list(filter={"name": {"contains": p.outbound_profile_name}}))
            doomed += [(c.outbound_voice_profiles, x.id, f"{x.id} (Telnyx outbound voice profile)") for x in profiles
                       if x.name == p.outbound_profile_name and x.id not in found.known]
        if found.connection is not None:
            fqdns = await self._list(c.fqdns.list(filter={"connection_id": found.connection.id}))
            doomed += [(c.fqdns, x.id, f"{x.id} (Telnyx FQDN)") for x in fqdns if x.id not in found.known]
        return await delete_for_sweep((label, partial(self._delete, resource, item_id))
                                      for resource, item_id, label in doomed)

    async def _find_connection(self) -> Any:
        p, conns = self.plan, self.client.fqdn_connections
        if p.connection_id:
            return (await self._call(conns.retrieve(p.connection_id))).data
        found = await self._list(conns.list(filter={"connection_name": {"contains": p.connection_name}}))
        return next((x for x in found if x.connection_name == p.connection_name), None)

    async def _find_profile(self) -> str | None:
        p, profiles = self.plan, self.client.outbound_voice_profiles
        if not p.outbound_profile_name:
            return None
        if p.outbound_voice_profile_id:
            return (await self._call(profiles.retrieve(p.outbound_voice_profile_id))).data.id
        found = await self._list(profiles.list(filter={"name": {"contains": p.outbound_profile_name}}))
        return next((x.id for x in found if x.name == p.outbound_profile_name), None)

    # ---- the changes ---------------------------------------------------------------------
    async def apply(self, found: TelnyxFound, journal: Journal) -> TelnyxOutcome:
        p = self.plan
        journal.sweep = lambda: self.sweep(found)
        profile = found.profile_id
        if p.outbound_profile_name:
            profile = await journal.in_step("carrier_outbound_profile", self._profile(found, journal))
        connection = await journal.in_step("carrier_connection", self._connection(found, profile, journal))
        fqdns = await journal.in_step("carrier_fqdns", self._fqdns(found, connection, journal))
        await journal.in_step("carrier_number", self._number(found, connection, journal))
        if found.connection is not None and p.username:
            await self._call(self.client.fqdn_connections.update(
                connection, extra_body={"user_name": p.username, "password": p.password}))
        outcome = TelnyxOutcome(connection, profile, fqdns, found.number_id)
        outcome.warnings = await self._leftovers(found)
        return outcome

    async def _profile(self, found: TelnyxFound, journal: Journal) -> str:
        if found.profile_id:
            return found.profile_id
        profiles = self.client.outbound_voice_profiles
        made = await journal.change(self._call(profiles.create(name=self.plan.outbound_profile_name, tags=["phonewizard"])),
                                    undo_after=lambda r: Undo(f"{r.data.id} (Telnyx outbound voice profile)",
                                                              partial(self._delete, profiles, r.data.id), deletes=True))
        return made.data.id

    def _settings(self, profile: str | None) -> dict[str, Any]:
        p = self.plan
        settings: dict[str, Any] = {
            "transport_protocol": p.transport,
            "inbound": {"ani_number_format": "+E.164", "dnis_number_format": "+e164"},
        }
        if p.encrypted_media:
            settings["encrypted_media"] = p.encrypted_media
        if profile or p.username:
            outbound: dict[str, Any] = {}
            if profile:
                outbound["outbound_voice_profile_id"] = profile
            if p.username:
                outbound["ip_authentication_method"] = "credential-authentication"
            settings["outbound"] = outbound
        return settings

    async def _connection(self, found: TelnyxFound, profile: str | None, journal: Journal) -> str:
        p, conns = self.plan, self.client.fqdn_connections
        settings = self._settings(profile)
        if found.connection is None:
            secret = {"user_name": p.username, "password": p.password} if p.username else None
            made = await journal.change(
                self._call(conns.create(connection_name=p.connection_name, tags=["phonewizard"], extra_body=secret,
                                        **settings)),
                undo_after=lambda r: Undo(f"{r.data.id} (Telnyx FQDN connection)",
                                          partial(self._delete, conns, r.data.id), deletes=True))
            return made.data.id
        current = found.connection
        previous = {"transport_protocol": current.transport_protocol,
                    "inbound": _dump(current.inbound, settings["inbound"]),
                    "outbound": _dump(current.outbound, settings.get("outbound", {}))}
        if current.encrypted_media is not None or p.encrypted_media:
            previous["encrypted_media"] = current.encrypted_media
        await journal.change(self._call(conns.update(current.id, **settings)), undo_first=Undo(
            f"{current.id} (Telnyx connection, changed and not restored)",
            partial(self._restore, conns, current.id, previous)))
        return current.id

    async def _fqdns(self, found: TelnyxFound, connection: str, journal: Journal) -> list[str]:
        have = {(f.fqdn, f.port): f.id for f in found.fqdns}
        ids, fqdns = [], self.client.fqdns
        for route in self.plan.routes:
            if (route.host, route.port) in have:
                ids.append(have[(route.host, route.port)])
                continue
            made = await journal.change(
                self._call(fqdns.create(connection_id=connection, fqdn=route.host, port=route.port, dns_record_type="a")),
                undo_after=lambda r: Undo(f"{r.data.id} (Telnyx FQDN {r.data.fqdn})",
                                          partial(self._delete, fqdns, r.data.id), deletes=True))
            ids.append(made.data.id)
        return ids

    async def _number(self, found: TelnyxFound, connection: str, journal: Journal) -> None:
        if found.number_connection_id == connection:
            return
        numbers, previous = self.client.phone_numbers, found.number_connection_id or ""
        await journal.change(self._call(numbers.update(found.number_id, connection_id=connection)), undo_first=Undo(
            f"{self.plan.phone_number} (assigned to the new connection, not put back)",
            partial(self._restore_number, numbers, found.number_id, previous)))

    async def _leftovers(self, found: TelnyxFound) -> list[str]:
        """FQDNs on phonewizard's own connection that the plan no longer names: removed last."""
        if not found.connection_is_ours:
            return []
        wanted = {(r.host, r.port) for r in self.plan.routes}
        warnings = []
        for item in found.fqdns:
            if (item.fqdn, item.port) not in wanted:
                try:
                    await self._delete(self.client.fqdns, item.id)
                except Exception as exc:  # the set-up stands; say what is left
                    warnings.append(f"the old FQDN {item.fqdn} ({item.id}) could not be removed: {exc}")
        return warnings

    # ---- undo actions --------------------------------------------------------------------
    def _delete(self, resource: Any, item_id: str) -> Any:
        return self._call(resource.delete(item_id))

    def _restore(self, conns: Any, item_id: str, previous: dict[str, Any]) -> Any:
        return self._call(conns.update(item_id, **{k: v for k, v in previous.items() if v is not None}))

    def _restore_number(self, numbers: Any, item_id: str, connection_id: str) -> Any:
        return self._call(numbers.update(item_id, connection_id=connection_id))


def _dump(model: Any, keys: dict[str, Any]) -> dict[str, Any]:
    """The current values of the sub-settings we are about to change (for restoring them); a
    setting that was unset is restored as null, so what this run set is cleared again."""
    data = {} if model is None else (model.model_dump() if hasattr(model, "model_dump") else dict(model))
    return {k: data.get(k) for k in keys}
