"""Which LiveKit project a command talks to, and with which API secret.

Order, per field (DESIGN.md): LiveKit's own variables `LIVEKIT_URL`, `LIVEKIT_API_KEY`,
`LIVEKIT_API_SECRET` override a file's or the saved profile's `livekit` section; the API secret
otherwise comes from the file (plaintext, with a warning), from the system keyring under
`livekit_secret_key(url, api_key)`, or from the LiveKit CLI's project with that URL and key.
`--lk-project NAME` and `lk`'s default project come in as app/lk_projects.py describes. A
configuration exported from the wizard's sandbox (`livekit.sandbox`) has no secret anywhere: it
needs `phonewizard sandbox` running, and the message says so. The connection is always built
from a validated profile.
The environment is passed in (a Mapping), never read here, so both front ends and tests say
exactly which variables count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Mapping

from phonewizard.app.errors import InvalidInput, SecretStoreUnavailable
from phonewizard.app.lk_projects import LkProject, lk_default_project, lk_secret_for, project_fields
from phonewizard.domain.config_document import LiveKitProfile
from phonewizard.domain.report import check_profile
from phonewizard.services.config_files import read_document
from phonewizard.services.secret_store import SecretStore, livekit_secret_key

if TYPE_CHECKING:  # livekit_client loads livekit.api and aiohttp (~0.2 s): only what connects pays
    from phonewizard.services.livekit_client import Connection

ENV_URL = "LIVEKIT_URL"
ENV_KEY = "LIVEKIT_API_KEY"
ENV_SECRET = "LIVEKIT_API_SECRET"

# "lk-cli": read from the LiveKit CLI's own file (kept there: never saved by the secret policy);
# "stdin": given to `register --sip-password-stdin` (saved after success, like a typed one).
SecretSource = Literal["env", "file", "keyring", "typed", "lk-cli", "stdin"]
SECRET_MISSING = "enter the API secret that belongs to this key (LiveKit Cloud → Settings → API keys)"
SANDBOX_EXPORT = (
    "this configuration was exported from the wizard's sandbox, whose secret is new on every start: "
    "start `phonewizard sandbox` in another terminal and paste the three export lines it prints "
    "(LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET), or use your own project (--lk-project NAME, "
    "the LIVEKIT_* variables, or change livekit.url and livekit.api_key)"
)


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


def api_secret_for(profile: LiveKitProfile, store: SecretStore, environ: Mapping[str, str], *,
                   lk: LkProject | None = None) -> ApiSecret:
    """The secret for `profile`: `lk`'s when the project was named with --lk-project, else the
    variable, the profile's own (a file), the keyring, the LiveKit CLI's project with the same URL
    and key. InvalidInput naming `livekit.api_secret` and every way to provide it when there is none."""
    if lk is not None:
        return ApiSecret(lk.api_secret, "lk-cli")
    from_env = environ.get(ENV_SECRET, "").strip()
    if from_env:
        return ApiSecret(from_env, "env")
    if profile.api_secret is not None and profile.api_secret.get_secret_value():
        return ApiSecret(profile.api_secret.get_secret_value(), "file")
    if profile.sandbox:
        # The sandbox's secret is new on every start: no keyring holds it; say what works instead.
        raise InvalidInput.field("livekit.api_secret", SANDBOX_EXPORT)
    problem = ""
    try:
        stored = store.get(livekit_secret_key(profile.url, profile.api_key))
    except SecretStoreUnavailable as exc:
        stored, problem = None, f" (the keyring could not be read: {exc})"
    if stored:
        return ApiSecret(stored, "keyring")
    from_lk = lk_secret_for(profile.url, profile.api_key, environ)
    if from_lk:
        return ApiSecret(from_lk, "lk-cli")
    raise InvalidInput.field(
        "livekit.api_secret",
        f"no API secret for key “{profile.api_key}” at {profile.url}: export {ENV_SECRET}, name a "
        "project of the LiveKit CLI with --lk-project, or save the secret in the system keyring "
        f"with the wizard (Save profile){problem}",
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


@dataclass(frozen=True)
class CommandProject:
    """The project a file-less command uses: the validated profile, the LiveKit CLI project it
    came from (its secret is the one to use), and a note for the user about that choice."""

    profile: LiveKitProfile
    lk: LkProject | None = None
    note: str | None = None


def lk_project_note(lk: LkProject, environ: Mapping[str, str], replaced: str | None) -> str:
    """Say which `lk` project is used, and what it replaces (variables that are then ignored)."""
    ignored = [name for name in (ENV_URL, ENV_KEY, ENV_SECRET) if environ.get(name, "").strip()]
    note = f"using the LiveKit CLI's project “{lk.name}” ({lk.url})"
    if replaced:
        note += f" instead of {replaced}"
    if ignored:
        note += f"; {', '.join(ignored)} ignored (--lk-project names the project)"
    return note


def saved_profile(path: Path, environ: Mapping[str, str], *, allow_insecure: bool = False) -> LiveKitProfile:
    """The project for commands without a file (`list`, `unregister`, `show`, …): the variables
    over the profile the wizard saved at `path`, else the LiveKit CLI's default project.
    InvalidInput says exactly what is missing. (`command_project` also says where it came from.)"""
    return command_project(path, environ, allow_insecure=allow_insecure).profile


def command_project(path: Path, environ: Mapping[str, str], *, allow_insecure: bool = False,
                    lk: LkProject | None = None) -> CommandProject:
    """`saved_profile` with its origin: `lk` (the project --lk-project named) wins over everything;
    `lk`'s default project is used only when neither a variable nor the saved profile names one."""
    base: dict[str, Any] = {}
    if path.exists():
        saved = read_document(path).get("livekit")  # ConfigFileError: the caller reports it
        if isinstance(saved, dict):
            base = dict(saved)
    if lk is not None:
        note = lk_project_note(lk, environ, "the saved profile" if base.get("url") else None)
        return CommandProject(_checked_profile(project_fields(lk), allow_insecure, note), lk, note)
    merged = {**base, **env_overrides(environ)}
    if allow_insecure:
        merged["allow_insecure_transport"] = True
    missing = [name for name, f in ((ENV_URL, "url"), (ENV_KEY, "api_key")) if not merged.get(f)]
    if len(missing) == 2 and not environ.get(ENV_SECRET, "").strip():
        default = lk_default_project(environ)
        if default is not None:
            note = (f"using the LiveKit CLI's default project “{default.name}” ({default.url}): no "
                    f"LIVEKIT_* variable and no saved profile name another")
            return CommandProject(_checked_profile(project_fields(default), allow_insecure, note), default, note)
    if len(missing) == 2:
        raise InvalidInput.field(
            "livekit.url",
            f"no LiveKit project configured: export {ENV_URL}, {ENV_KEY} and {ENV_SECRET}, name a "
            f"project of the LiveKit CLI with --lk-project, or save a profile with the wizard (it is "
            f"read from {path})",
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
    return CommandProject(_checked_profile(merged, False))


def _checked_profile(fields: dict[str, Any], allow_insecure: bool, note: str | None = None) -> LiveKitProfile:
    if allow_insecure:
        fields["allow_insecure_transport"] = True
    profile, problems = check_profile(fields)
    if profile is None:
        raise InvalidInput(problems, notices=[note] if note else [])
    return profile
