"""Reusable editors for the wizard pages: each shows its own problems inline, next to the input."""

from phonewizard.ui.widgets.copyable import CopyableValue
from phonewizard.ui.widgets.field_grid import FieldGrid
from phonewizard.ui.widgets.kv_editor import KeyValueEditor
from phonewizard.ui.widgets.list_editor import ListEditor
from phonewizard.ui.widgets.phone_edit import PhoneLineEdit
from phonewizard.ui.widgets.problem_label import ProblemLabel
from phonewizard.ui.widgets.secret_edit import SecretLineEdit

__all__ = [
    "CopyableValue",
    "FieldGrid",
    "KeyValueEditor",
    "ListEditor",
    "PhoneLineEdit",
    "ProblemLabel",
    "SecretLineEdit",
]
