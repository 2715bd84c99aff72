"""Reading and writing the phonewizard config file (DESIGN.md, "Contracts").

Format: UTF-8 JSON `{"format": "phonewizard/1", "agent_name", "livekit": {"url", "api_key",
"sip_uri"}, "registration": {<seed request body>}}`. Writes are atomic (temp file in the same
folder → fsync → mode 0600 → `os.replace`) and never contain a secret: the LiveKit API secret
and the SIP auth password are dropped. Reads refuse anything that is not such a document with a
`ConfigFileError` that says what is wrong and where; a hand-written plaintext secret is accepted
with a notice. Field-level validation is `check_config`'s job, so the GUI, CLI and files agree.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from phonewizard import APP_NAME
from phonewizard.domain.config_document import CONFIG_FORMAT, PhoneWizardConfig, config_to_document
from phonewizard.domain.phone_numbers import parse_e164
from phonewizard.domain.report import Problem, Report, check_config
from phonewizard.services.private_files import write_private_text
from phonewizard.services.secret_store import SecretStore, SecretStoreUnavailable, sip_password_key
from phonewizard.services.user_files import UserFileError, nested_deeper_than, read_regular_file

MAX_FILE_BYTES = 1024 * 1024  # a real config is a few KiB; anything bigger is not one
# Deepest nesting a config may have: the document (1) → registration (2) → metadata (3) holding
# up to 16 levels of its own (registration._MAX_JSON_DEPTH) is 18; deeper is not a config.
MAX_DEPTH = 32
_FORMAT_RE = re.compile(r"^phonewizard/(\d+)$")
_PASSWORD_ELSEWHERE = (
    "not in this file and not in the system keyring; `register` needs it: add "
    '"auth_password" to the file for one run (it is then saved in the keyring) '
    "or save it with the wizard"
)


class ConfigFileError(Exception):
    """The file cannot be used at all (missing, not JSON, wrong format…); message says why."""


@dataclass
class LoadedConfig:
    """A parsed file: the validation report, the raw JSON object, and file-level notices
    (e.g. "this file holds a plaintext password") to show as warnings."""

    report: Report
    raw: dict[str, Any]
    notices: list[str] = field(default_factory=list)


def default_config_dir() -> Path:
    """Linux `~/.config/phonewizard`, macOS `~/Library/Application Support/phonewizard`,
    Windows `%LOCALAPPDATA%\\phonewizard`."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    """The default profile the wizard saves and `list`/`unregister` read."""
    return default_config_dir() / "config.json"


def save_config(path: str | os.PathLike[str], config: PhoneWizardConfig) -> Path:
    """Write `config` to `path` atomically with mode 0600; returns the path written."""
    text = json.dumps(config_to_document(config), indent=2, ensure_ascii=False) + "\n"
    return write_private_text(Path(path), text)


def load_config(
    path: str | os.PathLike[str],
    secrets: SecretStore | None = None,
    livekit_overrides: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Parse and validate a config file. File-level problems raise `ConfigFileError`; field
    problems are in `report.errors` (the caller decides; `report.ok` says whether to go on).

    Saved files never hold the SIP password. When the file has a username and no password,
    the password is looked up in `secrets` (the keyring); if it is not there either, the file
    still validates (`secrets_elsewhere`), `report.config` carries `auth_password=None`, and a
    warning says where the password must come from — `register` then refuses, `validate` does not.

    `livekit_overrides` (e.g. from LIVEKIT_URL/LIVEKIT_API_KEY) replace fields of the file's
    `livekit` profile before validation, so they are checked by the same rules; `raw` stays
    what the file says.
    """
    raw = read_document(path)
    notices = secret_notices(raw)
    work = copy.deepcopy(raw)
    if livekit_overrides:
        profile = work.get("livekit")
        work["livekit"] = {**(profile if isinstance(profile, dict) else {}), **livekit_overrides}
    registration = work.get("registration")
    missing_password = False
    if (
        isinstance(registration, dict)
        and isinstance(registration.get("auth_username"), str)
        and registration["auth_username"].strip()
        and not registration.get("auth_password")
    ):
        password = _password_from_keyring(registration, secrets, notices)
        missing_password = password is None
        if password:
            registration["auth_password"] = password
    report = check_config(work, secrets_elsewhere=True)
    if missing_password and report.config is not None:
        report.warnings.append(Problem("registration.auth_password", _PASSWORD_ELSEWHERE))
    return LoadedConfig(report=report, raw=raw, notices=notices)


def password_key_for(registration: dict[str, Any]) -> str | None:
    """Keyring entry of the SIP password for a raw `registration` object (number as +E.164)."""
    username = registration.get("auth_username")
    number = registration.get("phone_number")
    if not (isinstance(username, str) and isinstance(number, str) and username.strip()):
        return None
    try:
        number = parse_e164(number)
    except ValueError:
        pass  # invalid number: check_config reports it; the key is then just not found
    return sip_password_key(number, username)


def _password_from_keyring(
    registration: dict[str, Any], secrets: SecretStore | None, notices: list[str]
) -> str | None:
    key = password_key_for(registration)
    if secrets is None or key is None:
        return None
    try:
        return secrets.get(key)
    except SecretStoreUnavailable as exc:
        notices.append(f"registration.auth_password: {exc}")
        return None


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The JSON object of a phonewizard/1 file, or ConfigFileError (one line naming the file).

    Whatever the path is (a FIFO, a link to /dev/zero, a 100,000-level-deep array) the answer
    comes at once: only a regular file is opened, at most MAX_FILE_BYTES are read, and the depth
    is checked (iteratively) before anything recursive walks the document."""
    path = Path(path)
    try:
        data = read_regular_file(path, MAX_FILE_BYTES, what="a config file")
    except UserFileError as exc:
        raise ConfigFileError(str(exc)) from None
    try:
        # utf-8-sig: Windows editors like to prepend a BOM; it is harmless, so accept it.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigFileError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8"
        ) from None
    try:
        document = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise ConfigFileError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise ConfigFileError(f"{path}: invalid JSON: {exc}") from None
    except RecursionError:
        # json's decoder recurses per nesting level; thousands of `[` must not crash the CLI.
        raise ConfigFileError(_too_deep(path)) from None
    if nested_deeper_than(document, MAX_DEPTH):
        # Below the decoder's limit but deep enough for copy.deepcopy or validation to recurse
        # out of stack later; no real config comes close (metadata may nest 16 levels).
        raise ConfigFileError(_too_deep(path))
    if not isinstance(document, dict):
        raise ConfigFileError(
            f"{path}: expected a JSON object {{\"format\": \"{CONFIG_FORMAT}\", ...}}, "
            f"found {_json_type(document)}"
        )
    _check_format(path, document)
    return document


def _too_deep(path: Path) -> str:
    return f"{path}: the JSON is nested too deeply (more than {MAX_DEPTH} levels) to be a config file"


def _check_format(path: Path, document: dict[str, Any]) -> None:
    fmt = document.get("format")
    if fmt is None:
        raise ConfigFileError(
            f'{path}: format: missing; a phonewizard config starts with "format": "{CONFIG_FORMAT}"'
        )
    if fmt == CONFIG_FORMAT:
        return
    match = _FORMAT_RE.match(fmt) if isinstance(fmt, str) else None
    if match and int(match.group(1)) > int(CONFIG_FORMAT.split("/")[1]):
        raise ConfigFileError(
            f"{path}: format: written by a newer phonewizard ({fmt}); upgrade phonewizard to read it"
        )
    raise ConfigFileError(
        f"{path}: format: unknown format {json.dumps(fmt)}; expected \"{CONFIG_FORMAT}\""
    )


def secret_notices(raw: dict[str, Any]) -> list[str]:
    """Hand-written files may carry secrets; allowed, but the user should move them."""
    notices = []
    registration = raw.get("registration")
    if isinstance(registration, dict) and registration.get("auth_password"):
        notices.append(
            "registration.auth_password: this file holds a plaintext SIP password; it should live "
            "in the system keyring (register once with it, then remove it from the file)"
        )
    livekit = raw.get("livekit")
    if isinstance(livekit, dict) and livekit.get("api_secret"):
        notices.append(
            "livekit.api_secret: this file holds the plaintext LiveKit API secret; keep it in "
            "the system keyring or the LIVEKIT_API_SECRET variable instead"
        )
    return notices


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last duplicate silently; in a hand-written config that hides a mistake.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {json.dumps(key)}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )
