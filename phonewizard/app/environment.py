"""LiveKit's own variables (`LIVEKIT_URL`, `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`) as draft fields.

Standard library only and nothing else at import: the wizard reads them before its first page
paints (benchmarks/RESULTS.md, start-up), when app/drafts.py (json, dataclasses) is not loaded yet.
"""

from __future__ import annotations

from typing import Mapping

ENV_FIELDS = {"LIVEKIT_URL": "url", "LIVEKIT_API_KEY": "api_key", "LIVEKIT_API_SECRET": "api_secret"}


def environment_livekit(environ: Mapping[str, str]) -> dict[str, str]:
    """The LiveKit fields the LIVEKIT_* variables set (blank ones count as unset). Plain spaces are
    trimmed, nothing else: a newline or U+2028 is named by the text rule (domain/text_rules.py),
    as for the CLI (app/project.env_overrides); the secret is trimmed whole, as the CLI does."""
    found = {}
    for variable, field in ENV_FIELDS.items():
        value = environ.get(variable, "")
        value = value.strip() if field == "api_secret" else value.strip(" ")
        if value.strip():
            found[field] = value
    return found
