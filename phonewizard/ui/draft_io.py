"""Where the wizard's draft comes from and goes to: new, saved profile, environment, files.

No Qt here on purpose (the logic is tested without widgets); the wizard calls these functions.
The draft is the config-file shape (DESIGN.md); secrets enter it only from the keyring or the
environment and leave it only through `remember_secrets` (keyring), never into a file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping

if TYPE_CHECKING:
    from phonewizard.domain.report import Report
    from phonewizard.services.secret_store import SecretStore

# The domain/services imports are inside the functions: the wizard reads the environment before
# its first page paints, and config_document/config_files load pydantic, secret_store keyring
# (benchmarks/RESULTS.md, start-up).

ENV_FIELDS = {"LIVEKIT_URL": "url", "LIVEKIT_API_KEY": "api_key", "LIVEKIT_API_SECRET": "api_secret"}


def new_draft() -> dict[str, Any]:
    """An empty draft: required fields present but empty, so their errors name the field."""
    from phonewizard.domain.config_document import CONFIG_FORMAT

    return {
        "format": CONFIG_FORMAT,
        "agent_name": "",
        "livekit": {"url": "", "api_key": "", "api_secret": ""},
        "registration": {"phone_number": ""},
    }


def draft_from_document(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A draft from a file's JSON object (kept as written, so its problems show on the pages)."""
    draft = new_draft()
    for key, value in raw.items():
        if key in ("livekit", "registration") and isinstance(value, Mapping):
            draft[key].update(copy.deepcopy(dict(value)))
        else:
            draft[key] = copy.deepcopy(value)
    registration = draft.get("registration")
    if isinstance(registration, dict) and "outbound_enabled" in registration:
        # The seed's alias; the pages edit the canonical name only.
        alias = registration.pop("outbound_enabled")
        registration.setdefault("enable_outbound", alias)
    return draft


def fill_secrets(draft: MutableMapping[str, Any], secrets: SecretStore | None, notices: list[str]) -> None:
    """Look up the LiveKit API secret and the SIP password in the keyring when the draft lacks them."""
    if secrets is None:
        return
    from phonewizard.services.config_files import password_key_for
    from phonewizard.services.secret_store import SecretStoreUnavailable, livekit_secret_key

    livekit = draft.get("livekit")
    registration = draft.get("registration")
    try:
        if isinstance(livekit, dict) and not livekit.get("api_secret"):
            url, key = str(livekit.get("url") or ""), str(livekit.get("api_key") or "")
            if url and key:
                livekit["api_secret"] = secrets.get(livekit_secret_key(url, key)) or ""
        if isinstance(registration, dict) and not registration.get("auth_password"):
            key = password_key_for(registration)
            password = secrets.get(key) if key else None
            if password:
                registration["auth_password"] = password
    except SecretStoreUnavailable as exc:
        notices.append(str(exc))


def environment_livekit(environ: Mapping[str, str]) -> dict[str, str]:
    """The LiveKit fields the LIVEKIT_* variables set (blank ones count as unset)."""
    found = {}
    for variable, field in ENV_FIELDS.items():
        value = environ.get(variable, "").strip(" ")
        if value:
            found[field] = value
    return found


def apply_environment(draft: MutableMapping[str, Any], environ: Mapping[str, str]) -> bool:
    """LiveKit's own variables override the profile (DESIGN.md, CLI). True when any was set."""
    livekit = draft.setdefault("livekit", {})
    found = environment_livekit(environ)
    livekit.update(found)
    return bool(found)


def has_livekit_project(draft: Mapping[str, Any]) -> bool:
    livekit = draft.get("livekit")
    return isinstance(livekit, Mapping) and bool(str(livekit.get("url") or "").strip())


def open_document(path: str | Path, secrets: SecretStore | None) -> tuple[dict[str, Any], list[str]]:
    """Read a config file into a draft. Raises ConfigFileError (message for the user) when the
    file cannot be used at all; field problems stay in the draft for the pages to show."""
    from phonewizard.services.config_files import load_config

    loaded = load_config(path, secrets)
    notices = list(loaded.notices)
    draft = draft_from_document(loaded.raw)
    fill_secrets(draft, secrets, notices)
    return draft, notices


def save_document(path: str | Path, draft: Mapping[str, Any], report: Report) -> Path:
    """Write the draft without secrets. A complete draft goes through `save_config` (canonical
    form); an unfinished one is written as it stands so the wizard can resume it later."""
    from phonewizard.domain.config_document import CONFIG_FORMAT
    from phonewizard.services.config_files import save_config, write_private_text

    if report.ok and report.config is not None:
        return save_config(path, report.config)
    document = copy.deepcopy(dict(draft))
    for section, secret in (("livekit", "api_secret"), ("registration", "auth_password")):
        part = document.get(section)
        if isinstance(part, dict):  # a hand-written file may hold anything here
            part.pop(secret, None)
    document["format"] = CONFIG_FORMAT
    return write_private_text(Path(path), json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def remember_secrets(draft: Mapping[str, Any], secrets: SecretStore) -> None:
    """Store the LiveKit API secret and SIP password in the keyring (on Register / Save profile).
    Raises SecretStoreUnavailable with a message for the user when there is no safe keyring."""
    from phonewizard.services.config_files import password_key_for
    from phonewizard.services.secret_store import livekit_secret_key

    livekit = draft.get("livekit") or {}
    url, key, secret = (str(livekit.get(f) or "") for f in ("url", "api_key", "api_secret"))
    if url and key and secret:
        secrets.set(livekit_secret_key(url, key), secret)
    registration = draft.get("registration") or {}
    password = registration.get("auth_password")
    password_key = password_key_for(dict(registration))
    # Without a number the key would be ambiguous; the password is stored once a number is set.
    if password and password_key and str(registration.get("phone_number") or "").strip():
        secrets.set(password_key, str(password))
