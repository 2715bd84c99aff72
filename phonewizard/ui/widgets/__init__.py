"""Reusable editors for the wizard pages: each shows its own problems inline, next to the input.

The names below are loaded on first access (PEP 562): importing any one widget module imports
this package first, and the phone field's module loads phonenumbers (~30 ms), which the first
wizard page does not need before it paints (benchmarks/RESULTS.md, start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "CopyableValue": "copyable",
    "FactHint": "fact_hint",
    "FieldGrid": "field_grid",
    "KeyValueEditor": "kv_editor",
    "ListEditor": "list_editor",
    "PhoneLineEdit": "phone_edit",
    "ProblemLabel": "problem_label",
    "SecretLineEdit": "secret_edit",
}

__all__ = sorted(_MODULES)

if TYPE_CHECKING:
    from phonewizard.ui.widgets.copyable import CopyableValue
    from phonewizard.ui.widgets.fact_hint import FactHint
    from phonewizard.ui.widgets.field_grid import FieldGrid
    from phonewizard.ui.widgets.kv_editor import KeyValueEditor
    from phonewizard.ui.widgets.list_editor import ListEditor
    from phonewizard.ui.widgets.phone_edit import PhoneLineEdit
    from phonewizard.ui.widgets.problem_label import ProblemLabel
    from phonewizard.ui.widgets.secret_edit import SecretLineEdit


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES])
