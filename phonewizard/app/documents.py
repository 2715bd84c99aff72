"""Reading a configuration file for a command: parsed, environment applied, validated once.

LIVEKIT_URL / LIVEKIT_API_KEY (or the project `--lk-project` names, app/lk_projects.py) replace
the file's `livekit` fields before validation, so `validate` accepts exactly what `register` would
send. The SIP password comes from `--sip-password-stdin`, then PHONEWIZARD_SIP_PASSWORD, then the
file, then the keyring (looked up only when one is usable: a machine without one, such as CI,
validates files quietly); `ConfigFile.password_source` says which, for the secret policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from phonewizard.app.errors import InvalidInput
from phonewizard.app.lk_projects import LkProject, project_fields
from phonewizard.app.project import SecretSource, env_overrides, lk_project_note, override_note
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.services.config_files import LoadedConfig, load_config
# export_config(path, config) -> Path: the document without secrets, atomic, mode 0600.
from phonewizard.services.config_files import save_config as export_config
from phonewizard.services.secret_store import SecretStore

PASSWORD_FIELD = "registration.auth_password"
SIP_PASSWORD_VAR = "PHONEWIZARD_SIP_PASSWORD"
SIP_PASSWORD_STDIN = "--sip-password-stdin"


@dataclass(frozen=True)
class SuppliedPassword:
    """A SIP password given outside the file: `source` "stdin" (saved after success, as typed) or
    "env" (managed by whoever set the variable: never saved)."""

    value: str = field(repr=False)
    source: SecretSource


@dataclass
class ConfigFile:
    """A valid configuration file: the config, what the file itself said (`loaded.raw`), and a
    note when an environment variable overrides the file's project."""

    path: Path
    loaded: LoadedConfig
    note: str | None = None
    lk: LkProject | None = None  # the LiveKit CLI project --lk-project named (its secret is used)
    supplied: SuppliedPassword | None = field(default=None, repr=False)  # used for the SIP password
    notices: list[str] = field(default_factory=list)  # about the command's own input

    @property
    def config(self) -> PhoneWizardConfig:
        assert self.loaded.report.config is not None  # guaranteed by open_config
        return self.loaded.report.config

    def warnings(self, *, skip_password: bool = False) -> list[str]:
        """File notices, then validation warnings as `field.path: message`. `skip_password`
        drops the "password is elsewhere" warning, for commands that never send the password."""
        found = [w for w in self.loaded.report.warnings if not (skip_password and w.field == PASSWORD_FIELD)]
        return [*self.notices, *self.loaded.notices, *(str(w) for w in found)]

    @property
    def password_source(self) -> SecretSource | None:
        """Where the SIP password came from: "stdin", "env", "file" (written in it), "keyring";
        None when there is none."""
        if self.config.registration.auth_password is None:
            return None
        if self.supplied is not None:
            return self.supplied.source
        raw = self.loaded.raw.get("registration")
        return "file" if isinstance(raw, dict) and raw.get("auth_password") else "keyring"


def open_config(
    path: str | Path,
    environ: Mapping[str, str],
    *,
    store: SecretStore | None,
    allow_insecure: bool = False,
    lk: LkProject | None = None,
    password_stdin: str | None = None,
) -> ConfigFile:
    """The valid file, or InvalidInput listing every problem (and the file's notices with them).
    ConfigFileError when it is not a usable file at all. `store=None`: no keyring lookup.
    `lk`: the project --lk-project named; `password_stdin`: the text --sip-password-stdin read."""
    secrets = store if store is not None and store.available() else None
    overrides: dict[str, Any] = project_fields(lk) if lk is not None else env_overrides(environ)
    if "url" in overrides:
        overrides["sandbox"] = False  # the project is no longer the one the file was exported from
    if allow_insecure:
        overrides["allow_insecure_transport"] = True
    supplied = _supplied_password(environ, password_stdin)
    loaded = load_config(path, secrets=secrets, livekit_overrides=overrides,
                         sip_password=supplied.value if supplied is not None else None)
    if not loaded.report.ok:
        raise InvalidInput(loaded.report.errors, notices=loaded.notices)
    document = ConfigFile(Path(path), loaded, lk=lk)
    if lk is not None:
        document.note = lk_project_note(lk, environ, "the file's livekit profile")
    else:
        document.note = override_note(loaded.raw.get("livekit"), environ)
    if supplied is not None and document.config.registration.auth_username:
        document.supplied = supplied
    elif supplied is not None and supplied.source == "stdin":
        raise InvalidInput.field(SIP_PASSWORD_STDIN, f"{path} has no registration.auth_username, so there is "
                                                     "no SIP password to give: drop the option")
    elif supplied is not None:
        document.notices.append(f"{SIP_PASSWORD_VAR} is set, but {path} has no registration.auth_username: "
                                "the variable is not used")
    return document


def _supplied_password(environ: Mapping[str, str], stdin_text: str | None) -> SuppliedPassword | None:
    """The password --sip-password-stdin read (it wins: named on this command line), else the
    variable's; InvalidInput for an empty one (a blank line is a mistake, not a password)."""
    if stdin_text is not None:
        value = stdin_text.removesuffix("\n").removesuffix("\r")
        if not value:
            raise InvalidInput.field(SIP_PASSWORD_STDIN, "read an empty line: type the SIP password, or pipe it "
                                                         "in (e.g. from your password manager)")
        return SuppliedPassword(value, "stdin")
    value = environ.get(SIP_PASSWORD_VAR, "")
    return SuppliedPassword(value, "env") if value.strip() else None  # blank counts as unset
