"""Secrets (the LiveKit API secret, SIP auth passwords) in the operating system's keyring.

One `SecretStore` over the `keyring` package, service name "phonewizard". It refuses backends that
are not a secure system keyring — `keyring.backends.fail`, `keyring.backends.null`, anything from
`keyrings.alt` (its "PlaintextKeyring" is base64 in a file), also when hidden inside a
`ChainerBackend` — and turns every keyring failure (locked, no D-Bus, prompt dismissed…) into
`SecretStoreUnavailable` with a message that says what to do. There is deliberately no plaintext
fallback: the caller decides whether to continue without saving (DESIGN.md, "Secrets").
No message, exception or repr produced here ever contains a secret value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar
from urllib.parse import urlsplit, urlunsplit

from phonewizard.services.secret_index import forget_entry, remember_entry

if TYPE_CHECKING:
    import keyring.backend

SERVICE_NAME = "phonewizard"

# What happened and what to do instead, per action: the message must fit what was attempted and
# name only ways that exist. (The wizard has no "save in keyring" switch: without a keyring it
# registers and says so.) Each way keeps secrets off the command line.
_OUTCOME = {
    "read": ("read from", "nothing was read from it",
             "or give the secret another way: LIVEKIT_API_SECRET for the API secret, "
             "PHONEWIZARD_SIP_PASSWORD or --sip-password-stdin for a SIP password, or type it in the wizard"),
    "save": ("saved to", "secrets were NOT saved",
             "or export the configuration without secrets and give them another way each time "
             "(LIVEKIT_API_SECRET, PHONEWIZARD_SIP_PASSWORD, or typed in the wizard); on the command line "
             "--no-save-secrets stops register from trying to save them"),
    "delete": ("deleted from", "nothing was deleted from it",
               "then run the command again: the entries stay in the keyring until then"),
}
_T = TypeVar("_T")


def _keyring() -> Any:
    """The keyring package, imported on first use: importing it loads its backends (SecretStorage,
    jeepney, cryptography…), which the wizard's first page does not need (benchmarks/RESULTS.md)."""
    import keyring
    import keyring.backend
    import keyring.errors

    return keyring


class SecretStoreUnavailable(Exception):
    """The system keyring cannot be used; the message says why and what to do instead."""


def livekit_secret_key(url: str, api_key: str) -> str:
    """Keyring entry name of a LiveKit project's API secret.

    The URL is normalised the way livekit-api treats it (ws→http, wss→https, host lower-case,
    trailing `/` dropped) so the wizard's `wss://…` and a file's `https://…` find the same secret.
    """
    return f"livekit-api-secret:{_normalise_url(url)}:{api_key.strip()}"


def sip_password_key(phone_number: str, username: str) -> str:
    """Keyring entry name of the SIP digest password for one number and username."""
    return f"sip-auth-password:{phone_number.strip()}:{username.strip()}"


def twilio_secret_key(account_sid: str, api_key: str | None = None) -> str:
    """Keyring entry of a Twilio Auth Token (per Account SID) or API key secret (per key)."""
    if api_key:
        return f"twilio-api-secret:{account_sid.strip()}:{api_key.strip()}"
    return f"twilio-auth-token:{account_sid.strip()}"


def telnyx_key_key(account: str = "default") -> str:
    """Keyring entry of a Telnyx API key (one account per machine unless labelled)."""
    return f"telnyx-api-key:{account.strip() or 'default'}"


def project_url(url: str) -> str:
    """A LiveKit project's URL as every name derived from it uses it (keyring entries, locks,
    run journals): ws→http, wss→https, host lower-case, no trailing `/`."""
    return _normalise_url(url)


def _normalise_url(url: str) -> str:
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.rstrip("/")
    scheme = {"ws": "http", "wss": "https"}.get(parts.scheme.lower(), parts.scheme.lower())
    return urlunsplit((scheme, parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


def _class_path(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _insecure_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why this backend must not hold secrets, or None when it is acceptable."""
    module = type(backend).__module__
    if module.startswith("keyrings.alt"):
        return "keyrings.alt stores secrets in a file, not in a system keyring"
    if module.startswith("keyring.backends.fail"):
        return "no keyring backend is available"
    if module.startswith("keyring.backends.null"):
        return "the null backend discards secrets"
    # Imported here, like keyring itself (see _keyring): not needed before a secret is touched.
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        if not members:
            return "the chained backend has no keyring to chain"
        for member in members:
            reason = _insecure_reason(member)
            if reason:
                return f"{_class_path(member)} inside the chain: {reason}"
    return None


class SecretStore:
    """get/set/delete secrets under the service "phonewizard".

    With no `backend`, the current `keyring.get_keyring()` is looked up on every call, so a
    keyring set up later (or the tests' in-memory one) is honoured.
    """

    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, service: str = SERVICE_NAME
    ) -> None:
        self._backend = backend
        self._service = service

    def __repr__(self) -> str:
        return f"SecretStore(service={self._service!r}, backend={self.backend_name()!r})"

    def _current(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else _keyring().get_keyring()

    def backend_name(self) -> str:
        """Dotted class path of the backend in use, e.g. `keyring.backends.SecretService.Keyring`."""
        return _class_path(self._current())

    def _checked(self, action: str = "save") -> keyring.backend.KeyringBackend:
        backend = self._current()
        reason = _insecure_reason(backend)
        if reason:
            _verb, outcome, way = _OUTCOME[action]
            raise SecretStoreUnavailable(
                f"No secure system keyring found (backend: {_class_path(backend)}; {reason}); "
                f"{outcome}. Start gnome-keyring or KWallet (Linux), or use the macOS Keychain / "
                f"Windows Credential Manager, {way}."
            )
        return backend

    def available(self) -> bool:
        """True when the backend is a secure system keyring (does not unlock or touch it)."""
        try:
            self._checked("read")
        except SecretStoreUnavailable:
            return False
        return True

    def get(self, key: str) -> str | None:
        backend = self._checked("read")
        return self._guard("read", backend, lambda: backend.get_password(self._service, key))

    def set(self, key: str, value: str) -> None:
        if not value:
            raise ValueError("refusing to store an empty secret; use delete() instead")
        backend = self._checked("save")
        self._guard(
            "save", backend, lambda: backend.set_password(self._service, key, value), secret=value
        )
        if self._service == SERVICE_NAME:
            remember_entry(key)

    def delete(self, key: str) -> bool:
        """Remove the entry; True when there was one. An absent entry is not an error."""
        backend = self._checked("delete")
        errors = _keyring().errors

        def remove() -> bool:
            try:
                backend.delete_password(self._service, key)
            except errors.PasswordDeleteError:
                # Absent entry. Backends raise this for "not found"; nothing to delete.
                return False
            return True

        removed = self._guard("delete", backend, remove)
        if self._service == SERVICE_NAME:
            forget_entry(key)
        return removed

    def _guard(
        self,
        action: str,
        backend: keyring.backend.KeyringBackend,
        call: Callable[[], _T],
        secret: str | None = None,
    ) -> _T:
        """Run one keyring call; any failure becomes SecretStoreUnavailable with advice."""
        name = _class_path(backend)
        errors = _keyring().errors
        try:
            return call()
        except errors.KeyringLocked:
            detail = "the keyring is locked"
            advice = "Unlock it (log in to your desktop session or open your keyring manager)"
        except errors.InitError as exc:
            detail = f"the keyring could not be opened ({_scrub(exc, secret)})"
            advice = "Start gnome-keyring or KWallet and make sure it is unlocked"
        except errors.KeyringError as exc:
            detail = f"{type(exc).__name__}: {_scrub(exc, secret)}"
            advice = "Check that your system keyring is running and unlocked"
        except Exception as exc:  # noqa: BLE001 — D-Bus/OS errors from a backend; never a traceback
            detail = f"{type(exc).__name__}: {_scrub(exc, secret)}"
            advice = "Check that your system keyring is running and unlocked"
        verb, outcome, way = _OUTCOME[action]
        raise SecretStoreUnavailable(
            f"The secret could not be {verb} the system keyring (backend: {name}; {detail}); "
            f"{outcome}. {advice}, {way}."
        ) from None


def _scrub(exc: BaseException, secret: str | None) -> str:
    """The exception text without the secret (a backend could echo what it was given)."""
    text = str(exc) or type(exc).__name__
    if secret:
        text = text.replace(secret, "***")
    return text
