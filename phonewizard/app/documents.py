"""Reading a configuration file for a command: parsed, environment applied, validated once.

LIVEKIT_URL / LIVEKIT_API_KEY replace the file's `livekit` fields before validation, so `validate`
accepts exactly what `register` would send. The SIP password is looked up in the keyring only
when one is usable (a machine without one, such as CI, validates files quietly).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from phonewizard.app.errors import InvalidInput
from phonewizard.app.project import env_overrides, override_note
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.services.config_files import LoadedConfig, load_config
# export_config(path, config) -> Path: the document without secrets, atomic, mode 0600.
from phonewizard.services.config_files import save_config as export_config
from phonewizard.services.secret_store import SecretStore

PASSWORD_FIELD = "registration.auth_password"


@dataclass
class ConfigFile:
    """A valid configuration file: the config, what the file itself said (`loaded.raw`), and a
    note when an environment variable overrides the file's project."""

    path: Path
    loaded: LoadedConfig
    note: str | None = None

    @property
    def config(self) -> PhoneWizardConfig:
        assert self.loaded.report.config is not None  # guaranteed by open_config
        return self.loaded.report.config

    def warnings(self, *, skip_password: bool = False) -> list[str]:
        """File notices, then validation warnings as `field.path: message`. `skip_password`
        drops the "password is elsewhere" warning, for commands that never send the password."""
        found = [w for w in self.loaded.report.warnings if not (skip_password and w.field == PASSWORD_FIELD)]
        return [*self.loaded.notices, *(str(w) for w in found)]


def open_config(
    path: str | Path,
    environ: Mapping[str, str],
    *,
    store: SecretStore | None,
    allow_insecure: bool = False,
) -> ConfigFile:
    """The valid file, or InvalidInput listing every problem (and the file's notices with them).
    ConfigFileError when it is not a usable file at all. `store=None`: no keyring lookup."""
    secrets = store if store is not None and store.available() else None
    overrides: dict = env_overrides(environ)
    if allow_insecure:
        overrides["allow_insecure_transport"] = True
    loaded = load_config(path, secrets=secrets, livekit_overrides=overrides)
    if not loaded.report.ok:
        raise InvalidInput(loaded.report.errors, notices=loaded.notices)
    return ConfigFile(Path(path), loaded, override_note(loaded.raw.get("livekit"), environ))
