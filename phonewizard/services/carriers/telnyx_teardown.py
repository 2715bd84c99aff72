"""Remove phonewizard's Telnyx set-up for one number (`unregister NUMBER --carrier`).

Found in one round of reads: the number, phonewizard's FQDN connections for it (named
"phonewizard +NUMBER → AGENT") and its outbound voice profile ("phonewizard +NUMBER"). Then: the
number is unassigned from phonewizard's connection, each such connection's FQDNs and the
connection are deleted, then the outbound voice profile. A connection of yours that the set-up
reused keeps the number and its settings, and the profile phonewizard made stays when that
connection uses it (its outbound calls would break); the FQDNs carry no name phonewizard could
recognise, so they stay too. The outcome says what stayed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from phonewizard.domain.carrier_plan import MARKER
from phonewizard.services.carriers.teardown import Teardown, number_prefix
from phonewizard.services.carriers.telnyx_client import TELNYX, call, collect


async def remove_telnyx_setup(client: Any, api_key: str, phone_number: str, timeout: float) -> Teardown:
    def run(awaitable: Any) -> Any:
        return call(awaitable, api_key, timeout)

    def every(paginator: Any) -> Any:
        return collect(paginator, api_key, timeout)

    prefix = number_prefix(phone_number)
    profile_name = f"{MARKER} {phone_number}"
    numbers, connections, profiles = await asyncio.gather(
        every(client.phone_numbers.list(filter={"phone_number": phone_number})),
        every(client.fqdn_connections.list(filter={"connection_name": {"contains": prefix.strip()}})),
        every(client.outbound_voice_profiles.list(filter={"name": {"contains": profile_name}})))
    ours = [c for c in connections if (c.connection_name or "").startswith(prefix)]
    our_profiles = [p for p in profiles if p.name == profile_name]
    number = next((n for n in numbers if n.phone_number == phone_number), None)
    teardown = Teardown()

    mine, kept_profile = {c.id for c in ours}, None
    if number is not None and number.connection_id and number.connection_id not in mine:
        name = getattr(number, "connection_name", None) or number.connection_id
        teardown.left.append(f"your connection “{name}” (not made by phonewizard), with {phone_number} still "
                             "assigned to it and its FQDNs as they are")
        theirs = (await run(client.fqdn_connections.retrieve(number.connection_id))).data
        kept_profile = getattr(theirs.outbound, "outbound_voice_profile_id", None) if theirs.outbound else None
    for connection in ours:
        if number is not None and number.connection_id == connection.id:
            await teardown.remove(f"{phone_number} from connection {connection.id}", lambda: run(
                client.phone_numbers.update(number.id, connection_id="")))
        fqdns = await every(client.fqdns.list(filter={"connection_id": connection.id}))
        for item in fqdns:
            await teardown.remove(f"FQDN {item.fqdn} ({item.id})", lambda i=item.id: run(client.fqdns.delete(i)))
        await teardown.remove(f"connection {connection.id} “{connection.connection_name}”",
                              lambda c=connection.id: run(client.fqdn_connections.delete(c)))
    for profile in our_profiles:
        if profile.id == kept_profile:  # removing it would break that connection's outbound calls
            teardown.left.append(f"the outbound voice profile “{profile.name}” (your connection uses it for "
                                 "outbound calls)")
            continue
        await teardown.remove(f"outbound voice profile {profile.id} “{profile.name}”",
                              lambda p=profile.id: run(client.outbound_voice_profiles.delete(p)))
    return teardown.finish(TELNYX, phone_number)
