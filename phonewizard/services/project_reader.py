"""Reading a whole LiveKit project for the inventory: one List per object kind, all at once.

`read_project(conn)` sends ListSIPInboundTrunk, ListSIPOutboundTrunk, ListSIPDispatchRule and
PhoneNumberService ListPhoneNumbers concurrently — one round trip, four requests — under
phonewizard's timeout and error mapping (livekit_client.py). A server without the
PhoneNumberService (self-hosted LiveKit answers bad_route, unimplemented or a plain 404) has no
LiveKit numbers: the read succeeds with `numbers_readable=False`. Every other failure is the
usual `LiveKitUnreachable` / `LiveKitAuthFailed` / `LiveKitRefused`, and no partial result is
returned. `ProjectObjects.requests` counts the requests made (the benchmark checks it).
"""

from __future__ import annotations

import asyncio

from phonewizard.domain.livekit_objects import PhoneNumberInfo, ProjectObjects
from phonewizard.services.livekit_client import Connection, LiveKitRefused, guard, open_api, within
from phonewizard.services.phone_number_service import PhoneNumberClient
from phonewizard.services.registrar_run import list_all

SIP_LISTS = 3  # list_all: inbound trunks, outbound trunks, dispatch rules


async def read_project(conn: Connection) -> ProjectObjects:
    """Everything the project holds (module docstring). Build no LiveKitAPI outside: this
    coroutine opens and closes its own clients on the running loop."""
    return await guard(conn, _read(conn))


async def _read(conn: Connection) -> ProjectObjects:
    async with open_api(conn, sip_admin=True) as api, PhoneNumberClient(conn) as numbers:
        (inbound, outbound, rules), (found, readable) = await asyncio.gather(
            list_all(api, conn), _numbers(conn, numbers))
        return ProjectObjects(tuple(inbound), tuple(outbound), tuple(rules), tuple(found), readable,
                              requests=SIP_LISTS + numbers.requests)


async def _numbers(conn: Connection, client: PhoneNumberClient) -> tuple[list[PhoneNumberInfo], bool]:
    try:
        return await within(conn, client.list()), True
    except LiveKitRefused as exc:
        if exc.code == "unimplemented":  # PhoneNumberClient's word for "no such service here"
            return [], False
        raise
