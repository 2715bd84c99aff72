"""The one secret policy (app/secrets.py) through `app.register`, against the sandbox with the real
client: nothing is saved unless LiveKit accepted the registration, and only typed or file secrets."""

from __future__ import annotations

import asyncio
import threading

import pytest

from phonewizard.app.errors import LiveKitRefused, RegistrationConflict
from phonewizard.app.project import ApiSecret
from phonewizard.app.register import RegistrationRequest, register
from phonewizard.app.secrets import SecretStore, secrets_to_save
from phonewizard.domain.report import check_config
from phonewizard.services.secret_store import livekit_secret_key, sip_password_key

PASSWORD = "Sip-Passw0rd-Never-Shown-42"
NUMBER = "+13125550142"


def config_for(sandbox, agent="sales", **registration):
    draft = {
        "agent_name": agent,
        "livekit": {"url": sandbox.url, "api_key": sandbox.api_key, "api_secret": sandbox.api_secret,
                    "sip_uri": "sip:abc123.sip.livekit.cloud"},
        "registration": {"phone_number": NUMBER, "provider": "telnyx", "enable_outbound": True,
                         "outbound_address": "sip.telnyx.com", "auth_username": "acme-sales",
                         "auth_password": PASSWORD, **registration},
    }
    report = check_config(draft)
    assert report.ok, report.errors
    return report.config


def request_for(sandbox, *, source="typed", agent="sales", **registration):
    config = config_for(sandbox, agent, **registration)
    secret = ApiSecret(sandbox.api_secret, source)
    return RegistrationRequest(config, secret, save=secrets_to_save(config, secret, source))


def saved_keys(memory_keyring) -> set[str]:
    return {key for (_service, key) in memory_keyring.entries}


def test_success_saves_the_typed_secrets_after_livekit_accepted(sandbox, memory_keyring):
    registered = asyncio.run(register(request_for(sandbox), SecretStore()))
    assert registered.result.outbound_trunk_id
    assert registered.secrets.problem is None and len(registered.secrets.saved) == 2
    store = SecretStore()
    assert store.get(livekit_secret_key(sandbox.url, sandbox.api_key)) == sandbox.api_secret
    assert store.get(sip_password_key(NUMBER, "acme-sales")) == PASSWORD


def test_a_refused_registration_saves_nothing(sandbox, memory_keyring):
    sandbox.faults.fail("CreateSIPDispatchRule", "error", code="invalid_argument", msg="no")
    with pytest.raises(LiveKitRefused):
        asyncio.run(register(request_for(sandbox), SecretStore()))
    assert memory_keyring.entries == {}
    assert sandbox.snapshot()["outbound"] == {} and sandbox.snapshot()["inbound"] == {}


def test_a_conflict_saves_nothing(sandbox, memory_keyring):
    asyncio.run(register(request_for(sandbox, source="env"), SecretStore()))
    assert memory_keyring.entries == {}
    with pytest.raises(RegistrationConflict):
        asyncio.run(register(request_for(sandbox, agent="night"), SecretStore()))
    assert memory_keyring.entries == {}  # even though the second run's secrets were "typed"


def test_a_cancelled_registration_saves_nothing(sandbox, memory_keyring):
    sandbox.faults.latency = 0.3

    async def cancel_midway():
        rule_started = asyncio.Event()

        def progress(step: str, state: str) -> None:
            if (step, state) == ("dispatch_rule", "started"):
                rule_started.set()

        task = asyncio.ensure_future(register(request_for(sandbox), SecretStore(), progress))
        await asyncio.wait_for(rule_started.wait(), 10)
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_midway())
    assert memory_keyring.entries == {}
    snapshot = sandbox.snapshot()
    assert snapshot["inbound"] == snapshot["outbound"] == snapshot["rules"] == {}


def test_a_cancel_during_the_keyring_save_keeps_the_registration_and_the_save(sandbox, memory_keyring):
    """Once LiveKit accepted, a late cancel means nothing: the save completes, the result returns."""
    entered, release = threading.Event(), threading.Event()
    original = SecretStore.set

    def slow_set(self, key, value):
        entered.set()
        release.wait(10)
        original(self, key, value)

    async def cancel_while_saving():
        task = asyncio.ensure_future(register(request_for(sandbox), SecretStore()))
        while not entered.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        release.set()
        return await task

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SecretStore, "set", slow_set)
        registered = asyncio.run(cancel_while_saving())
    assert registered.result.dispatch_rule_id and len(registered.secrets.saved) == 2
    assert len(memory_keyring.entries) == 2


@pytest.mark.parametrize("source", ["env", "keyring"])
def test_secrets_from_the_environment_or_the_keyring_are_not_saved_again(sandbox, memory_keyring, source):
    registered = asyncio.run(register(request_for(sandbox, source=source), SecretStore()))
    assert registered.secrets.saved == [] and memory_keyring.entries == {}


def test_no_keyring_is_a_sentence_not_a_failure(sandbox):
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())
    registered = asyncio.run(register(request_for(sandbox), SecretStore()))
    assert registered.result.dispatch_rule_id
    assert registered.secrets.saved == [] and "No secure system keyring" in registered.secrets.problem
