"""Removing what phonewizard keeps about a number or a profile once it is deleted.

Secrets live in the system keyring (secret_store.py) under names derived from the number and
username (SIP password) or the URL and API key (LiveKit API secret). Nothing else removes them, so
`unregister` calls `forget_sip_passwords` and deleting a saved profile calls `delete_profile`.
The keyring cannot be listed, so the caller says which usernames a number had: the `auth_username`
of phonewizard's trunks in LiveKit and of the saved profile (`usernames_in_profile`); the LiveKit
API secrets `register` moved into the keyring are found in the index of entries phonewizard wrote
(secret_index.py, `forget_saved_api_secrets`).
Keyring trouble never hides the main result: it is returned as a sentence for the user.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.services.config_files import ConfigFileError, password_key_for, read_document
from phonewizard.domain.livekit_numbers import normalize_number
from phonewizard.services.secret_index import written_entries
from phonewizard.services.secret_store import (
    SecretStore,
    SecretStoreUnavailable,
    livekit_secret_key,
    sip_password_key,
)


API_SECRET_PREFIX = livekit_secret_key("x", "x").split(":", 1)[0] + ":"


@dataclass
class Forgotten:
    """What was removed (keyring entry names, files) and what could not be (sentences)."""

    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _delete(store: SecretStore, key: str, out: Forgotten) -> None:
    if key in out.removed:
        return
    try:
        removed = store.delete(key)
    except SecretStoreUnavailable as exc:
        out.problems.append(f"{key} may still be in the system keyring: {exc}")
        return
    if removed:
        out.removed.append(key)


def forget_saved_api_secrets(store: SecretStore, out: Forgotten | None = None) -> Forgotten:
    """Delete every LiveKit API secret phonewizard saved in the keyring (the index says which),
    also those `register FILE` saved when no profile existed."""
    out = out if out is not None else Forgotten()
    for key in written_entries():
        if key.startswith(API_SECRET_PREFIX):
            _delete(store, key, out)
    return out


def forget_sip_passwords(phone_number: str, usernames: Iterable[str], store: SecretStore) -> Forgotten:
    """Delete the keyring's SIP password of `phone_number` for each username (absent ones are fine)."""
    out = Forgotten()
    for username in sorted({u.strip() for u in usernames if u and u.strip()}):
        _delete(store, sip_password_key(phone_number, username), out)
    return out


def usernames_in_profile(path: str | os.PathLike[str], phone_number: str) -> set[str]:
    """The auth_username a saved profile holds for this number (empty if none, or unreadable)."""
    try:
        registration = read_document(path).get("registration")
    except ConfigFileError:
        return set()
    if not isinstance(registration, dict) or not isinstance(registration.get("phone_number"), str):
        return set()
    try:
        number = parse_e164(registration["phone_number"])
    except ValueError:
        return set()
    username = registration.get("auth_username")
    if normalize_number(number) != normalize_number(phone_number) or not isinstance(username, str):
        return set()
    return {username} if username.strip() else set()


def delete_profile(path: str | os.PathLike[str], store: SecretStore) -> Forgotten:
    """Delete a saved profile file and the secrets it refers to: the LiveKit API secret for its
    URL and key, and the SIP password for its number and username. A missing file is not an error;
    an unreadable one is still deleted (there is nothing left to look up)."""
    out = Forgotten()
    path = Path(path)
    document: dict = {}
    try:
        document = read_document(path)
    except ConfigFileError:
        pass
    livekit = document.get("livekit")
    if isinstance(livekit, dict) and isinstance(livekit.get("url"), str) and isinstance(livekit.get("api_key"), str):
        _delete(store, livekit_secret_key(livekit["url"], livekit["api_key"]), out)
    registration = document.get("registration")
    key = password_key_for(registration) if isinstance(registration, dict) else None
    if key is not None:
        _delete(store, key, out)
    try:
        path.unlink()
        out.removed.append(str(path))
    except FileNotFoundError:
        pass
    except OSError as exc:
        out.problems.append(f"{path} could not be deleted: {exc.strerror or exc}")
    return out
