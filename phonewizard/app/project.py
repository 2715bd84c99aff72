"""Which LiveKit project a command talks to, and with which API secret.

Order, per field (DESIGN.md): LiveKit's own variables `LIVEKIT_URL`, `LIVEKIT_API_KEY`,
`LIVEKIT_API_SECRET` override a file's or the saved profile's `livekit` section; the API secret
otherwise comes from the file (plaintext, with a warning) or from the system keyring under
`livekit_secret_key(url, api_key)`. The connection is always built from a validated profile.
The environment is passed in (a Mapping), never read here, so both front ends and tests say
exactly which variables count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Mapping

from phonewizard.app.errors import InvalidInput, SecretStoreUnavailable
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.report import check_profile
from phonewizard.services.config_files import read_document
from phonewizard.services.secret_store import SecretStore, livekit_secret_key

if TYPE_CHECKING:  # livekit_client loads livekit.api and aiohttp (~0.2 s): only what connects pays
    from phonewizard.services.livekit_client import Connection

ENV_URL = "LIVEKIT_URL"
ENV_KEY = "LIVEKIT_API_KEY"
ENV_SECRET = "LIVEKIT_API_SECRET"

SecretSource = Literal["env", "file", "keyring", "typed"]
SECRET_MISSING = "enter the API secret that belongs to this key (LiveKit Cloud → Settings → API keys)"


@dataclass(frozen=True)
class ApiSecret:
    """The API secret and where it came from (the secret policy saves only typed or file ones)."""

    value: str = field(repr=False)
    source: SecretSource


def env_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """The `livekit` profile fields set by environment variables (empty ones are ignored)."""
    # Plain spaces only: a value ending in a newline or U+2028 is then named by the text rule
    # (domain/text_rules.py) instead of being trimmed silently.
    values = {"url": environ.get(ENV_URL, "").strip(" "), "api_key": environ.get(ENV_KEY, "").strip(" ")}
    return {name: value for name, value in values.items() if value}


def override_note(file_profile: Any, environ: Mapping[str, str]) -> str | None:
    """Say so when a variable changes what the file's profile says (silent when they agree)."""
    saved = file_profile if isinstance(file_profile, dict) else {}
    names = {"url": ENV_URL, "api_key": ENV_KEY}
    used = [names[f] for f, value in env_overrides(environ).items()
            if str(saved.get(f, "")).rstrip("/") != value.rstrip("/")]
    if not used:
        return None
    return f"using {' and '.join(used)} from the environment instead of the file's livekit profile"


def api_secret_for(profile: LiveKitProfile, store: SecretStore, environ: Mapping[str, str]) -> ApiSecret:
    """The secret for `profile`: the variable, else the profile's own (a file), else the keyring.
    InvalidInput naming `livekit.api_secret` and every way to provide it when there is none."""
    from_env = environ.get(ENV_SECRET, "").strip()
    if from_env:
        return ApiSecret(from_env, "env")
    if profile.api_secret is not None and profile.api_secret.get_secret_value():
        return ApiSecret(profile.api_secret.get_secret_value(), "file")
    problem = ""
    try:
        stored = store.get(livekit_secret_key(profile.url, profile.api_key))
    except SecretStoreUnavailable as exc:
        stored, problem = None, f" (the keyring could not be read: {exc})"
    if stored:
        return ApiSecret(stored, "keyring")
    raise InvalidInput.field(
        "livekit.api_secret",
        f"no API secret for key “{profile.api_key}” at {profile.url}: export {ENV_SECRET}, or save "
        f"it in the system keyring with the wizard (Save profile){problem}",
    )


def connection_for(profile: LiveKitProfile, secret: ApiSecret) -> Connection:
    """The services Connection for a validated profile."""
    from phonewizard.services.livekit_client import Connection

    return Connection(profile.url, profile.api_key, secret.value)


def typed_connection(livekit: Mapping[str, Any]) -> Connection:
    """The connection for a `livekit` section as typed in the wizard (secret included), validated
    by the same model as files; InvalidInput naming each field to fix."""
    secret = str(livekit.get("api_secret") or "")
    profile, problems = check_profile({k: v for k, v in livekit.items() if k != "api_secret"})
    if profile is None:
        raise InvalidInput(problems)
    if not secret:
        raise InvalidInput.field("livekit.api_secret", SECRET_MISSING)
    return connection_for(profile, ApiSecret(secret, "typed"))


def saved_profile(path: Path, environ: Mapping[str, str], *, allow_insecure: bool = False) -> LiveKitProfile:
    """The project for commands without a file (`list`, `unregister`, `show`, …): the variables
    over the profile the wizard saved at `path`. InvalidInput says exactly what is missing."""
    base: dict[str, Any] = {}
    if path.exists():
        saved = read_document(path).get("livekit")  # ConfigFileError: the caller reports it
        if isinstance(saved, dict):
            base = dict(saved)
    merged = {**base, **env_overrides(environ)}
    if allow_insecure:
        merged["allow_insecure_transport"] = True
    missing = [name for name, f in ((ENV_URL, "url"), (ENV_KEY, "api_key")) if not merged.get(f)]
    if len(missing) == 2:
        raise InvalidInput.field(
            "livekit.url",
            f"no LiveKit project configured: export {ENV_URL}, {ENV_KEY} and {ENV_SECRET}, or save a "
            f"profile with the wizard (it is read from {path})",
        )
    if missing:
        # One half of a project: say which half is there, where it came from, and what to add.
        overrides = env_overrides(environ)
        have_field, lack_field, lack_var = (("url", "api_key", ENV_KEY) if missing == [ENV_KEY]
                                            else ("api_key", "url", ENV_URL))
        origin = ({"url": ENV_URL, "api_key": ENV_KEY}[have_field] if have_field in overrides
                  else f"the saved profile {path}")
        raise InvalidInput.field(
            f"livekit.{lack_field}",
            f"the LiveKit {have_field.replace('_', ' ')} comes from {origin}, but there is no "
            f"{lack_field.replace('_', ' ')}: export {lack_var} as well",
        )
    profile, problems = check_profile(merged)
    if profile is None:
        raise InvalidInput(problems)
    return profile
