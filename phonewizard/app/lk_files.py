"""Files for LiveKit's own CLI: what `phonewizard export-lk` writes and the `lk` commands to run.

The files are the plan's Create…Request messages as `lk sip inbound|outbound|dispatch create`
accepts them, mode 0600, passwords left out (services/lk_export.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from phonewizard.app.errors import InvalidInput
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.plan import plan
from phonewizard.services.lk_export import export_lk, lk_steps


@dataclass
class LkFiles:
    paths: list[Path]  # written, in the order to run them
    steps: list[str]  # the `lk` commands (and notes starting "note:") in order


def write_lk_files(config: PhoneWizardConfig, out: Path, out_field: str = "out") -> LkFiles:
    """Write the files into `out`; InvalidInput under `out_field` when the folder is unusable."""
    the_plan = plan(config)
    try:
        paths = export_lk(the_plan, out)
    except OSError as exc:
        raise InvalidInput.field(out_field, f"cannot write to {out}: {exc.strerror or exc}") from None
    return LkFiles(paths, lk_steps(the_plan, out))
