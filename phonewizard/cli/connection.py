"""Where the CLI gets the LiveKit connection and the secrets from.

Order, per field: LiveKit's own variables `LIVEKIT_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`
override the file's `livekit` profile (DESIGN.md); the API secret otherwise comes from the file
(plaintext, with a warning) or from the system keyring under `livekit_secret_key(url, api_key)`.
`list`/`unregister` have no file: they use the variables or the default profile the wizard saves.
Secrets read here are remembered so the top-level handler can scrub them from any message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from phonewizard.cli.errors import EXIT_INVALID, CliError, remember_secret
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.report import check_profile
from phonewizard.services.config_files import default_config_path, read_document
from phonewizard.services.secret_store import SecretStore, SecretStoreUnavailable, livekit_secret_key

if TYPE_CHECKING:  # livekit_client loads livekit.api and aiohttp (~0.2 s): only commands that connect pay
    from phonewizard.services.livekit_client import Connection

ENV_URL = "LIVEKIT_URL"
ENV_KEY = "LIVEKIT_API_KEY"
ENV_SECRET = "LIVEKIT_API_SECRET"


def env_overrides() -> dict[str, str]:
    """The `livekit` profile fields set by environment variables (empty ones are ignored)."""
    values = {"url": os.environ.get(ENV_URL, "").strip(), "api_key": os.environ.get(ENV_KEY, "").strip()}
    return {name: value for name, value in values.items() if value}


def override_note(file_profile: Any) -> str | None:
    """Say so when a variable changes what the file's profile says (silent when they agree)."""
    saved = file_profile if isinstance(file_profile, dict) else {}
    overrides = env_overrides()
    names = {"url": ENV_URL, "api_key": ENV_KEY}
    used = [names[f] for f, value in overrides.items() if str(saved.get(f, "")).rstrip("/") != value.rstrip("/")]
    if not used:
        return None
    return f"using {' and '.join(used)} from the environment instead of the file's livekit profile"


@dataclass
class SecretToSave:
    key: str
    value: str = field(repr=False)


def api_secret_for(profile: LiveKitProfile, store: SecretStore) -> tuple[str, str]:
    """(secret, source) with source "env", "file" or "keyring"; CliError (exit 2) if none."""
    from_env = os.environ.get(ENV_SECRET, "")
    if from_env.strip():
        return remember_secret(from_env.strip()), "env"
    if profile.api_secret is not None and profile.api_secret.get_secret_value():
        return remember_secret(profile.api_secret.get_secret_value()), "file"
    problem = ""
    try:
        stored = store.get(livekit_secret_key(profile.url, profile.api_key))
    except SecretStoreUnavailable as exc:
        stored, problem = None, f" (the keyring could not be read: {exc})"
    if stored:
        return remember_secret(stored), "keyring"
    raise CliError(
        EXIT_INVALID,
        f"livekit.api_secret: no API secret for key “{profile.api_key}” at {profile.url}: "
        f"export {ENV_SECRET}, or save it in the system keyring with the wizard{problem}",
    )


def connect(profile: LiveKitProfile, secret: str) -> Connection:
    from phonewizard.services.livekit_client import Connection

    return Connection(profile.url, profile.api_key, secret)


def default_profile(allow_insecure: bool = False) -> LiveKitProfile:
    """The profile for `list`/`unregister`: environment variables over the saved default profile.
    `allow_insecure` (--allow-insecure) permits http:// or ws:// to a remote host."""
    path = default_config_path()
    base: dict[str, Any] = {}
    if path.exists():
        saved = read_document(path).get("livekit")  # ConfigFileError → exit 2 at the top
        if isinstance(saved, dict):
            base = dict(saved)
    merged = {**base, **env_overrides()}
    if allow_insecure:
        merged["allow_insecure_transport"] = True
    if not merged.get("url") or not merged.get("api_key"):
        raise CliError(
            EXIT_INVALID,
            f"livekit.url: no LiveKit project configured: export {ENV_URL}, {ENV_KEY} and "
            f"{ENV_SECRET}, or save a profile with the wizard (it is read from {path})",
        )
    profile, problems = check_profile(merged)
    if profile is None:
        raise CliError(EXIT_INVALID, *(str(p) for p in problems))
    return profile
