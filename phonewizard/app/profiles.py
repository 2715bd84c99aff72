"""The saved profile: where it lives, and forgetting it (file and keyring entries) for good.

Forgetting also removes every LiveKit API secret phonewizard saved in the keyring, including
those `register FILE` moved there when no profile was saved (services/secret_index.py): after
`forget-profile` no LiveKit credential of phonewizard's is left on the machine. SIP passwords of
numbers still registered stay (they are forgotten by `unregister`), except the profile's own.
"""

from __future__ import annotations

from pathlib import Path

# default_profile_path: the profile the wizard saves and file-less commands read (platformdirs).
from phonewizard.services.config_files import default_config_path as default_profile_path
from phonewizard.services.forget import Forgotten, delete_profile, forget_saved_api_secrets
from phonewizard.services.secret_store import SecretStore

__all__ = ["Forgotten", "default_profile_path", "forget_profile"]


def forget_profile(path: Path, store: SecretStore) -> Forgotten | None:
    """Delete the profile, the secrets it refers to and the API secrets phonewizard saved;
    None when there was nothing to forget."""
    outcome = delete_profile(path, store) if path.exists() or path.is_symlink() else Forgotten()
    forget_saved_api_secrets(store, outcome)
    if not outcome.removed and not outcome.problems:
        return None
    return outcome
