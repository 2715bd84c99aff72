"""Remove phonewizard's Twilio set-up for one number (`unregister NUMBER --carrier`).

Found in one round of reads: the account's trunks, its credential lists and the number. Then:

* phonewizard's own trunks for the number (named "phonewizard +NUMBER → AGENT"): the number is
  detached first, then the trunk is deleted (its origination URLs go with it);
* a trunk of yours that the set-up reused (the number is on it, its name is not ours): the trunk
  and the number's place on it stay; phonewizard's origination URLs on it ("phonewizard LiveKit…")
  are removed only when no other number is on that trunk (they route that number too), and the
  credential lists phonewizard attached for this number are detached;
* phonewizard's credential lists for the number ("phonewizard +NUMBER USERNAME"), last.
"""

from __future__ import annotations

import asyncio
from typing import Any

from phonewizard.domain.carrier_plan import MARKER
from phonewizard.services.carriers.teardown import Teardown, number_prefix
from phonewizard.services.carriers.twilio_client import TWILIO, TwilioCredentials, call


async def remove_twilio_setup(client: Any, credentials: TwilioCredentials, phone_number: str,
                              timeout: float) -> Teardown:
    def run(awaitable: Any) -> Any:
        return call(awaitable, credentials, timeout)

    trunks_api = client.trunking.v1.trunks
    account = client.api.v2010.accounts(credentials.account_sid)
    trunks, numbers, lists = await asyncio.gather(
        run(trunks_api.list_async()),
        run(account.incoming_phone_numbers.list_async(phone_number=phone_number)),
        run(account.sip.credential_lists.list_async()))
    prefix = number_prefix(phone_number)
    ours = [t for t in trunks if (t.friendly_name or "").startswith(prefix)]
    our_lists = [c for c in lists if (c.friendly_name or "").startswith(prefix)]
    number = numbers[0] if numbers else None
    names = {t.sid: t.friendly_name for t in trunks}
    teardown = Teardown()

    host = number.trunk_sid if number is not None else None
    if host and host not in {t.sid for t in ours}:
        await _leave_reused_trunk(run, trunks_api(host), host, names.get(host) or host, phone_number, our_lists,
                                  teardown)
    for trunk in ours:
        context = trunks_api(trunk.sid)
        if number is not None and number.trunk_sid == trunk.sid:
            await teardown.remove(f"{phone_number} from trunk {trunk.sid}",
                                  lambda c=context: run(c.phone_numbers(number.sid).delete_async()))
        await teardown.remove(f"trunk {trunk.sid} “{trunk.friendly_name}”", lambda c=context: run(c.delete_async()))
    for item in our_lists:
        await teardown.remove(f"credential list {item.sid} “{item.friendly_name}”",
                              lambda sid=item.sid: run(account.sip.credential_lists(sid).delete_async()))
    return teardown.finish(TWILIO, phone_number)


async def _leave_reused_trunk(run: Any, context: Any, sid: str, name: str, phone_number: str,
                              our_lists: list[Any], teardown: Teardown) -> None:
    """The user's own trunk: keep it and the number on it; take off what phonewizard added."""
    urls, attached, on_trunk = await asyncio.gather(
        run(context.origination_urls.list_async()), run(context.credentials_lists.list_async()),
        run(context.phone_numbers.list_async()))
    mine = {c.sid for c in our_lists}
    for item in attached:
        if item.sid in mine:
            await teardown.remove(f"credential list {item.sid} from trunk {sid}",
                                  lambda cl=item.sid: run(context.credentials_lists(cl).delete_async()))
    ours = [u for u in urls if (u.friendly_name or "").startswith(MARKER)]
    others = [n.phone_number for n in on_trunk if n.phone_number != phone_number]
    if ours and others:
        teardown.left.append(f"the origination URLs phonewizard put on your trunk “{name}” (they also route "
                             f"{', '.join(others)})")
    else:
        for url in ours:
            await teardown.remove(f"origination URL {url.sid} ({url.sip_url})",
                                  lambda ou=url.sid: run(context.origination_urls(ou).delete_async()))
    teardown.left.append(f"your trunk “{name}” (not made by phonewizard), with {phone_number} still on it")
