"""Turn pydantic's error records into plain `Problem`s: a dotted field path and a fix-it message.

pydantic's own texts ("Input should be a valid integer", "Value error, …") are written for
developers; a person filling in the wizard needs to know what to enter. Our validators raise
ValueError with finished sentences, so for those only the "Value error, " prefix goes.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.problems import Problem
from phonewizard.domain.text_rules import InvisibleCharacter

# What to enter when a required field is missing.
_REQUIRED = {
    "agent_name": "the agent name your agent registers with, e.g. inbound-agent",
    "livekit": "the LiveKit connection (url and api_key)",
    "livekit.url": "your LiveKit server URL, e.g. wss://my-project.livekit.cloud",
    "livekit.api_key": "the API key from LiveKit Cloud → Settings → API keys",
    "registration": "the registration settings (phone_number and provider at least)",
    "registration.phone_number": "the phone number in international format, e.g. +14155550101",
    "registration.provider": "the provider: livekit, twilio, vonage, telnyx, bandwidth or custom",
}

_RANGES = {
    "registration.ringing_timeout_seconds": "from 1 to 300 seconds",
    "registration.max_call_duration_seconds": "from 60 to 86400 seconds (24 hours)",
    "registration.dtmf_config.dtmf_timeout": "from 1 to 300 seconds",
}

# Never echo what was typed into these, even when it has the wrong type.
_SECRETS = {"registration.auth_password", "livekit.api_secret"}

_TYPES = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number (no fractional part)",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be an object of name: value pairs",
    "model_type": "must be an object of name: value pairs",
    "model_attributes_type": "must be an object of name: value pairs",
    "string_too_long": "is too long",
    "string_unicode": "must be valid text",
}


def _model_fields() -> dict[tuple[str, ...], list[str]]:
    """Known field names (and aliases) for every nested model path, for "did you mean"."""
    known: dict[tuple[str, ...], list[str]] = {}
    stack: list[tuple[tuple[str, ...], type[BaseModel]]] = [((), PhoneWizardConfig)]
    while stack:
        path, model = stack.pop()
        names: list[str] = []
        for name, info in model.model_fields.items():
            names.append(name)
            alias = info.validation_alias
            names.extend(a for a in getattr(alias, "choices", ()) if isinstance(a, str) and a != name)
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                stack.append(((*path, name), annotation))
        known[path] = names
    return known


_KNOWN = _model_fields()


_MAX_PART = 256


def dotted(loc: tuple[Any, ...]) -> str:
    # pydantic marks dict-key failures with a trailing '[key]'; the key itself is the path part.
    # Parts are capped so that a pasted megabyte used as a key cannot become a megabyte path.
    parts = (str(part) for part in loc if part != "[key]")
    return ".".join(p if len(p) <= _MAX_PART else p[: _MAX_PART - 1] + "…" for p in parts)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def translate(error: dict[str, Any], prefix: tuple[Any, ...] = ()) -> Problem:
    loc = (*prefix, *error.get("loc", ()))
    path = dotted(loc) or "config"
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        message = str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
        if isinstance(ctx.get("error"), InvisibleCharacter) and error.get("loc", ())[-1:] == ("[key]",):
            # A name (dict key) and its value share one path: say which of the two it is.
            message = "the name " + message
    elif kind == "missing":
        message = f"required: enter {_REQUIRED.get(path, 'a value')}"
    elif kind == "extra_forbidden":
        message = _unknown_field(loc)
    elif kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        message = f"{_shown(error.get('input'))} is not allowed; use one of: {allowed}"
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        message = _range(path, kind, ctx)
    elif kind in _TYPES:
        message = _TYPES[kind]
        if (kind.endswith("_type") or kind.endswith("_parsing")) and path not in _SECRETS:
            message += f", not {_shown(error.get('input'))}"
    else:
        message = str(error.get("msg", "is not valid"))
    if path == "config" and kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "the configuration must be a JSON object with agent_name, livekit and registration"
    return Problem(path, message)


def _range(path: str, kind: str, ctx: dict[str, Any]) -> str:
    if path in _RANGES:
        return f"must be {_RANGES[path]}"
    words = {
        "greater_than_equal": "at least", "less_than_equal": "at most",
        "greater_than": "more than", "less_than": "less than",
    }
    bound = next(iter(ctx.values()), "")
    return f"must be {words[kind]} {bound}"


_ALIASES = {"outbound_enabled": "enable_outbound"}


def _unknown_field(loc: tuple[Any, ...]) -> str:
    name = str(loc[-1]) if loc else ""
    parent = tuple(str(p) for p in loc[:-1])
    if parent == ("registration",) and name in _ALIASES:
        return (
            f"{name} and {_ALIASES[name]} are the same setting with different values; "
            f"keep only {_ALIASES[name]}"
        )
    known = [k for k in _KNOWN.get(parent, []) if k != name]
    guess = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    return f"unknown field '{name[:60]}'; remove it{hint}"
