"""Where the wizard's draft comes from and goes to: new, saved profile, environment, keyring, files.

The draft is the config-file shape (DESIGN.md "Contracts"), edited by the pages as a plain dict and
validated by `check_config` on every edit. Secrets enter it only from the keyring or the
environment and leave it only through the keyring, never into a file.

The start-up read happens once and in two parts because the keyring may block for seconds (an
unlock prompt): `prepare_draft` (profile file + LIVEKIT_* variables; fast, on the GUI thread) and
`keyring_secrets` (the keyring entries, on the worker thread): the LiveKit API secret, the SIP
password and, when the draft asks phonewizard to set up Twilio or Telnyx, the carrier credential.

This module is imported before the wizard's first page paints: pydantic, keyring and the rest are
imported inside the functions (benchmarks/RESULTS.md, start-up).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, MutableMapping

from phonewizard.app.environment import ENV_FIELDS, environment_livekit

if TYPE_CHECKING:
    from phonewizard.domain.report import Report
    from phonewizard.services.secret_store import SecretStore

CONFIG_FORMAT = "phonewizard/1"  # domain/config_document.CONFIG_FORMAT, without importing pydantic
SECRET_FIELDS = (("livekit", "api_secret"), ("registration", "auth_password"))
CARRIER_SECRET = "carrier_secret"  # the wizard's "Set up Twilio / Telnyx for me" credential (top level)
CARRIER_SECRET_IGNORED = (f"{CARRIER_SECRET}: carrier credentials are never read from a file; it was ignored "
                          "(type it on the Inbound calls page, or export TWILIO_AUTH_TOKEN / TELNYX_API_KEY for "
                          "the command line)")


def new_draft() -> dict[str, Any]:
    """An empty draft: required fields present but empty, so their errors name the field."""
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


def is_sandbox_export(draft: Mapping[str, Any]) -> bool:
    """A configuration the wizard exported in sandbox mode (`"livekit": {…, "sandbox": true}`)."""
    livekit = draft.get("livekit")
    return isinstance(livekit, Mapping) and livekit.get("sandbox") is True


def has_livekit_project(draft: Mapping[str, Any]) -> bool:
    livekit = draft.get("livekit")
    return isinstance(livekit, Mapping) and bool(str(livekit.get("url") or "").strip())


def read_draft(path: str | Path) -> tuple[dict[str, Any], list[str]]:
    """A configuration file as a draft, read once, without the keyring, plus the file's notices
    (e.g. a plaintext password). ConfigFileError when the file cannot be used at all; field
    problems stay in the draft for the pages to show."""
    from phonewizard.services.config_files import read_document, secret_notices

    raw = read_document(path)
    notices = secret_notices(raw)
    if CARRIER_SECRET in raw:  # refused in files (the model says so to the CLI); never taken in
        raw = {k: v for k, v in raw.items() if k != CARRIER_SECRET}
        notices.append(CARRIER_SECRET_IGNORED)
    return draft_from_document(raw), notices


@dataclass
class PreparedDraft:
    draft: dict[str, Any]
    notices: list[str]
    from_profile: bool  # the saved profile was read: its secrets may be in the keyring
    configured: bool  # a LiveKit project is named (profile or variables): no sandbox needed


def prepare_draft(profile_path: Path, environ: Mapping[str, str]) -> PreparedDraft:
    """The start-up draft: the saved profile if there is one (a broken one becomes a notice, the
    wizard must still open), LiveKit's own variables on top (they override, as on the CLI)."""
    from phonewizard.services.config_files import ConfigFileError

    draft, notices, from_profile = new_draft(), [], False
    if profile_path.exists():
        try:
            draft, notices = read_draft(profile_path)
            from_profile = True
        except ConfigFileError as exc:
            notices = [f"The saved profile was not loaded: {exc}"]
    from_env = environment_livekit(environ)
    livekit = draft.get("livekit")
    if not isinstance(livekit, dict):  # a hand-written profile's "livekit": "…"
        livekit = draft["livekit"] = {}
    notices.extend(environment_notices(livekit if from_profile else {}, from_env))
    livekit.update(from_env)
    return PreparedDraft(draft, notices, from_profile, bool(from_env) or has_livekit_project(draft))


_ENV_NAMES = {field: variable for variable, field in ENV_FIELDS.items()}
_WORDS = {"url": "URL", "api_key": "API key", "api_secret": "API secret"}


def environment_notices(profile: Mapping[str, Any], from_env: Mapping[str, str]) -> list[str]:
    """What page 1 must say about LiveKit's variables, as precisely as the CLI does
    (app/project.py): a variable that sets only part of a project names what is missing and
    where to give it; one that replaces a different value of the saved profile says so."""
    if not from_env:
        return []
    notices = []
    for name in ("url", "api_key"):
        if name in from_env:
            old = str(profile.get(name) or "")
            if old and old.rstrip("/") != from_env[name].rstrip("/"):
                notices.append(f"Using {_ENV_NAMES[name]} from the environment instead of the saved profile's "
                               f"{_WORDS[name]} ({old}).")
    lacking = [f for f in ("url", "api_key") if f not in from_env and not str(profile.get(f) or "").strip()]
    if lacking:
        have = " and ".join(_ENV_NAMES[f] for f in ("url", "api_key", "api_secret") if f in from_env)
        verb = "are" if " and " in have else "is"
        missing = " and ".join(_ENV_NAMES[f] for f in lacking)
        words = " and ".join(f"the {_WORDS[f]}" for f in lacking)
        notices.append(f"{have} {verb} set in the environment, but {missing} {'are' if len(lacking) > 1 else 'is'} "
                       f"not: enter {words} on page 1, or export {missing} as well.")
    return notices


@dataclass
class KeyringSecrets:
    """The secrets the keyring holds for a draft's project and SIP account (None: not there)."""

    api_secret: str | None = field(default=None, repr=False)
    sip_password: str | None = field(default=None, repr=False)
    notices: list[str] = field(default_factory=list)
    # "lk-cli" when the keyring had no API secret and the LiveKit CLI's project with the same URL
    # and key had one (it stays there: app/lk_projects.py).
    api_secret_source: str = "keyring"
    # The carrier credential of "Set up Twilio / Telnyx for me", when the draft asks for it.
    carrier_secret: str | None = field(default=None, repr=False)
    # What they belong to, so a fill can be skipped when the user changed it meanwhile.
    project: tuple[str, str] = ("", "")
    account: tuple[str, str] = ("", "")
    carrier_account: tuple[str, str, str] | None = None


def keyring_secrets(draft: Mapping[str, Any], store: SecretStore,
                    environ: Mapping[str, str] | None = None) -> KeyringSecrets:
    """Look up the draft's API secret and SIP password, each once (blocking: run it on a worker).
    With `environ`, an API secret the keyring lacks is looked up in the LiveKit CLI's projects."""
    from phonewizard.app.carrier_typed import carrier_keyring_key, draft_carrier_account
    from phonewizard.services.config_files import password_key_for
    from phonewizard.services.secret_store import SecretStoreUnavailable, livekit_secret_key

    livekit = draft.get("livekit") if isinstance(draft.get("livekit"), Mapping) else {}
    registration = draft.get("registration") if isinstance(draft.get("registration"), Mapping) else {}
    url, key = str(livekit.get("url") or ""), str(livekit.get("api_key") or "")
    found = KeyringSecrets(
        project=(url, key),
        account=(str(registration.get("phone_number") or ""), str(registration.get("auth_username") or "")),
    )
    password_key = password_key_for(dict(registration))
    found.carrier_account = draft_carrier_account(draft)
    carrier_key = carrier_keyring_key(found.carrier_account) if found.carrier_account else None
    try:
        if url and key:
            found.api_secret = store.get(livekit_secret_key(url, key))
        if password_key:
            found.sip_password = store.get(password_key)
        if carrier_key:
            found.carrier_secret = store.get(carrier_key)
    except SecretStoreUnavailable as exc:
        found.notices.append(str(exc))
    if not found.api_secret and url and key and environ is not None:
        from phonewizard.app.lk_projects import lk_secret_for

        found.api_secret = lk_secret_for(url, key, environ)
        found.api_secret_source = "lk-cli"
    return found


def save_draft(path: str | Path, draft: Mapping[str, Any], report: Report) -> Path:
    """Write the draft without secrets. A complete draft goes through `save_config` (canonical
    form); an unfinished one is written as it stands so the wizard can resume it later."""
    from phonewizard.services.config_files import save_config
    from phonewizard.services.private_files import write_private_text

    if report.ok and report.config is not None:
        return save_config(path, report.config)
    document = copy.deepcopy(dict(draft))
    document.pop(CARRIER_SECRET, None)
    for section, secret in SECRET_FIELDS:
        part = document.get(section)
        if isinstance(part, dict):  # a hand-written file may hold anything here
            part.pop(secret, None)
    document["format"] = CONFIG_FORMAT
    return write_private_text(Path(path), json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def remember_secrets(draft: Mapping[str, Any], store: SecretStore, *, api_secret: bool = True) -> None:
    """"Save profile": store the draft's API secret and SIP password in the keyring, because the
    user asked for exactly that (Register follows app/secrets.py instead). Blocking; raises
    SecretStoreUnavailable with a message for the user when there is no safe keyring.
    `api_secret=False`: the API secret came from the LiveKit CLI's projects and the user did not
    ask to keep it in the keyring (it is found there again next time)."""
    from phonewizard.services.config_files import password_key_for
    from phonewizard.services.secret_store import livekit_secret_key

    # A hand-written file may hold anything in these sections: only objects carry secrets.
    livekit = draft.get("livekit") if isinstance(draft.get("livekit"), Mapping) else {}
    url, key, secret = (str(livekit.get(f) or "") for f in ("url", "api_key", "api_secret"))
    if url and key and secret and api_secret:
        store.set(livekit_secret_key(url, key), secret)
    registration = draft.get("registration") if isinstance(draft.get("registration"), Mapping) else {}
    password = registration.get("auth_password")
    password_key = password_key_for(dict(registration))
    # Without a number the key would be ambiguous; the password is stored once a number is set.
    if password and password_key and str(registration.get("phone_number") or "").strip():
        store.set(password_key, str(password))


def apply_secrets(draft: MutableMapping[str, Any], found: KeyringSecrets) -> list[str]:
    """Fill the draft's empty secret fields from `found`, unless the user changed the project or
    SIP account they belong to (or typed a secret) meanwhile. Returns the filled dotted paths."""
    livekit, registration = draft.get("livekit"), draft.get("registration")
    filled = []
    if (isinstance(livekit, dict) and found.api_secret and not livekit.get("api_secret")
            and (str(livekit.get("url") or ""), str(livekit.get("api_key") or "")) == found.project):
        livekit["api_secret"] = found.api_secret
        filled.append("livekit.api_secret")
    if (isinstance(registration, dict) and found.sip_password and not registration.get("auth_password")
            and (str(registration.get("phone_number") or ""),
                 str(registration.get("auth_username") or "")) == found.account):
        registration["auth_password"] = found.sip_password
        filled.append("registration.auth_password")
    if found.carrier_secret and not draft.get(CARRIER_SECRET):
        from phonewizard.app.carrier_typed import draft_carrier_account

        if draft_carrier_account(draft) == found.carrier_account:
            draft[CARRIER_SECRET] = found.carrier_secret
            filled.append(CARRIER_SECRET)
    return filled
