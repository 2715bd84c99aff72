"""The saved profile: where it lives, and forgetting it (file and keyring entries) for good."""

from __future__ import annotations

from pathlib import Path

# default_profile_path: the profile the wizard saves and file-less commands read (platformdirs).
from phonewizard.services.config_files import default_config_path as default_profile_path
from phonewizard.services.forget import Forgotten, delete_profile
from phonewizard.services.secret_store import SecretStore

__all__ = ["Forgotten", "default_profile_path", "forget_profile"]


def forget_profile(path: Path, store: SecretStore) -> Forgotten | None:
    """Delete the profile and the secrets it refers to; None when there is no profile."""
    if not path.exists():
        return None
    return delete_profile(path, store)
