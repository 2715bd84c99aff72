"""SecretStore: round trip, refusal of insecure backends, wrapping of keyring failures, and one
real SecretService round trip when the suite runs under dbus-run-session + with_keyring.sh."""

import os
import sys
import types
import uuid

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from phonewizard.services.secret_store import (
    SERVICE_NAME,
    SecretStore,
    SecretStoreUnavailable,
    livekit_secret_key,
    sip_password_key,
)

SECRET = "s3cr3t-value-that-must-never-leak-0123456789"


class _Failing(keyring.backend.KeyringBackend):
    """A backend whose every call fails the way a broken D-Bus session does."""

    priority = -1

    def get_password(self, service, username):
        raise keyring.errors.InitError("Failed to create the collection: Prompt dismissed..")

    def set_password(self, service, username, password):
        # Echoes the secret, like a careless backend might: the store must scrub it.
        raise keyring.errors.PasswordSetError(f"cannot store {password}")

    def delete_password(self, service, username):
        raise keyring.errors.InitError("Failed to create the collection: Prompt dismissed..")


class _Locked(keyring.backend.KeyringBackend):
    priority = -1

    def get_password(self, service, username):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service, username):
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def _alt_like_backend():
    """A class whose module name is `keyrings.alt.file`, i.e. what keyrings.alt installs."""
    module = types.ModuleType("keyrings.alt.file")
    sys.modules.setdefault("keyrings.alt.file", module)

    class PlaintextKeyring(keyring.backend.KeyringBackend):
        priority = -1
        stored: dict = {}

        def get_password(self, service, username):
            return self.stored.get((service, username))

        def set_password(self, service, username, password):
            self.stored[(service, username)] = password

        def delete_password(self, service, username):
            self.stored.pop((service, username), None)

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    PlaintextKeyring.__qualname__ = "PlaintextKeyring"
    return PlaintextKeyring()


def test_round_trip_in_memory_keyring(memory_keyring):
    store = SecretStore()
    key = livekit_secret_key("wss://demo.livekit.cloud", "APIabc")
    assert store.available()
    assert store.get(key) is None
    store.set(key, SECRET)
    assert store.get(key) == SECRET
    assert memory_keyring.entries[(SERVICE_NAME, key)] == SECRET
    store.delete(key)
    assert store.get(key) is None
    store.delete(key)  # absent: no error
    assert memory_keyring.entries == {}


def test_keys_are_stable_and_distinct():
    assert livekit_secret_key("wss://Demo.livekit.cloud/", "k") == livekit_secret_key(
        "https://demo.livekit.cloud", "k"
    )
    assert livekit_secret_key("http://127.0.0.1:7880", "a") != livekit_secret_key(
        "http://127.0.0.1:7880", "b"
    )
    assert sip_password_key("+15551234567", "u1") != sip_password_key("+15551234567", "u2")
    assert sip_password_key("+15551234567", "u") != sip_password_key("+15551234568", "u")


def test_empty_secret_is_refused(memory_keyring):
    with pytest.raises(ValueError):
        SecretStore().set("k", "")


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()], ids=["fail", "null"]
)
def test_fail_and_null_backends_are_refused(backend):
    keyring.set_keyring(backend)
    store = SecretStore()
    assert not store.available()
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set("k", SECRET)
    message = str(info.value)
    assert "No secure system keyring found" in message
    assert type(backend).__module__ in message
    assert "NOT saved" in message and "gnome-keyring" in message
    assert SECRET not in message and SECRET not in repr(info.value)
    with pytest.raises(SecretStoreUnavailable):
        store.get("k")
    with pytest.raises(SecretStoreUnavailable):
        store.delete("k")


def test_keyrings_alt_backend_is_refused_and_nothing_is_written():
    backend = _alt_like_backend()
    store = SecretStore(backend)
    assert store.backend_name() == "keyrings.alt.file.PlaintextKeyring"
    assert not store.available()
    with pytest.raises(SecretStoreUnavailable, match="keyrings.alt"):
        store.set("k", SECRET)
    assert backend.stored == {}


def test_keyrings_alt_inside_a_chain_is_refused(monkeypatch, memory_keyring):
    from keyring.backends.chainer import ChainerBackend

    alt = _alt_like_backend()
    monkeypatch.setattr(ChainerBackend, "backends", [memory_keyring, alt])
    store = SecretStore(ChainerBackend())
    with pytest.raises(SecretStoreUnavailable, match="inside the chain"):
        store.set("k", SECRET)
    assert alt.stored == {} and memory_keyring.entries == {}


def test_empty_chain_is_refused(monkeypatch):
    from keyring.backends.chainer import ChainerBackend

    monkeypatch.setattr(ChainerBackend, "backends", [])
    assert not SecretStore(ChainerBackend()).available()


def test_chain_of_secure_backends_is_accepted(monkeypatch, memory_keyring):
    from keyring.backends.chainer import ChainerBackend

    monkeypatch.setattr(ChainerBackend, "backends", [memory_keyring])
    store = SecretStore(ChainerBackend())
    store.set("k", SECRET)
    assert store.get("k") == SECRET


def test_locked_keyring_gives_advice():
    store = SecretStore(_Locked())
    assert store.available()  # the backend itself is acceptable; it is merely locked
    # Each message says what did not happen for *that* action, and a way forward that fits it.
    expected = {"read": ("nothing was read", "LIVEKIT_API_SECRET"),
                "save": ("NOT saved", "--no-save-secrets"),
                "delete": ("nothing was deleted", "run the command again")}
    calls = {"read": lambda: store.get("k"), "save": lambda: store.set("k", SECRET),
             "delete": lambda: store.delete("k")}
    for action, call in calls.items():
        with pytest.raises(SecretStoreUnavailable) as info:
            call()
        message = str(info.value)
        assert "locked" in message and "Unlock" in message
        outcome, way = expected[action]
        assert outcome in message and way in message, (action, message)
        others = [o for a, (o, _) in expected.items() if a != action]
        assert not any(o in message for o in others), (action, message)
        assert "untick" not in message  # there is no such check box anywhere
        assert SECRET not in message


def test_failing_backend_is_wrapped_and_secret_scrubbed():
    store = SecretStore(_Failing())
    with pytest.raises(SecretStoreUnavailable) as info:
        store.set("k", SECRET)
    message = str(info.value)
    assert "NOT saved" in message and "PasswordSetError" in message
    assert SECRET not in message and SECRET not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    with pytest.raises(SecretStoreUnavailable, match="could not be opened"):
        store.get("k")


def test_repr_names_backend_not_secrets(memory_keyring):
    store = SecretStore()
    store.set("k", SECRET)
    assert "MemoryKeyring" in repr(store) and SECRET not in repr(store)


@pytest.mark.skipif(
    not (os.environ.get("PHONEWIZARD_REAL_KEYRING") == "1" and os.environ.get("DBUS_SESSION_BUS_ADDRESS")),
    reason="needs a D-Bus session with an unlocked gnome-keyring "
    "(scripts/test.sh runs the suite under dbus-run-session + scripts/with_keyring.sh)",
)
def test_real_secret_service_round_trip():
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    store = SecretStore(SecretServiceKeyring())
    assert store.backend_name() == "keyring.backends.SecretService.Keyring"
    assert store.available()
    key = sip_password_key("+15551234567", f"test-{uuid.uuid4().hex}")
    try:
        assert store.get(key) is None
        store.set(key, SECRET)
        assert store.get(key) == SECRET
        # A second, independent backend instance reads what the first wrote (really persisted).
        assert SecretStore(SecretServiceKeyring()).get(key) == SECRET
    finally:
        store.delete(key)
    assert store.get(key) is None
    store.delete(key)
