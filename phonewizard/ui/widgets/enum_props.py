"""`set_enum_property`: set a Qt enum or flag property by its key names, without Python's `Qt`.

The first use of anything in PySide6's `Qt` namespace (even `from PySide6.QtCore import Qt`)
makes PySide6 build all ~120 enums of that namespace, ~22 ms: a sixth of a bare QWizard's whole
start-up (benchmarks/RESULTS.md). The widgets on the wizard's first page set their few enum
properties through Qt's property system instead, which converts key names itself, so that cost
falls after the first paint, when later pages use `Qt` as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_enum_property(obj: QObject, name: str, keys: str) -> None:
    """`set_enum_property(label, "alignment", "AlignRight|AlignTop")` ==
    `label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)`.

    Raises ValueError when the property does not exist or a key name is wrong (Qt would
    otherwise ignore it silently)."""
    if not obj.setProperty(name, keys):
        raise ValueError(f"{type(obj).__name__} has no enum property {name!r} taking {keys!r}")
