"""Export a plan as the request files LiveKit's own CLI takes (`lk sip … create FILE`).

Each file is `MessageToJson(Create…Request, preserving_proto_field_name=True)` — the exact
request phonewizard would send, in the form `lk` parses with protojson (reference/livekit-sip.md
§7); the dispatch rule uses the `{"dispatch_rule": {...}}` wrapper, which current `lk` requires.

Two things cannot be in the files, and `lk_steps()` says how to supply them:
- the SIP auth password: a secret never goes into a file we write. The trunk keeps its
  `auth_username` and the user passes the password with `--auth-pass` (which overrides the file)
  or adds `"auth_password"` to the file by hand;
- the inbound trunk ID in the dispatch rule's `trunk_ids`: LiveKit assigns it on creation, so it
  is left empty and added with `--trunks ST_…`. (Left empty the rule would be a catch-all for
  every trunk in the project, so the steps insist on `--trunks`.)
"""

from __future__ import annotations

import os
from pathlib import Path

from google.protobuf.json_format import MessageToJson

from phonewizard.domain.plan import RegistrationPlan
from phonewizard.services.private_files import write_private_text

INBOUND_FILE = "inbound.json"
OUTBOUND_FILE = "outbound.json"
DISPATCH_FILE = "dispatch.json"


def _to_json(request) -> str:
    return MessageToJson(request, preserving_proto_field_name=True, indent=2) + "\n"


def export_requests(plan: RegistrationPlan) -> dict[str, str]:
    """File name → JSON text, without secrets and without trunk IDs (pure; no I/O)."""
    files: dict[str, str] = {}
    for name, request in ((INBOUND_FILE, plan.inbound), (OUTBOUND_FILE, plan.outbound)):
        if request is not None:
            cleaned = type(request)()
            cleaned.CopyFrom(request)  # the plan's messages are shared; never edit them
            cleaned.trunk.ClearField("auth_password")
            files[name] = _to_json(cleaned)
    dispatch = type(plan.dispatch)()
    dispatch.CopyFrom(plan.dispatch)
    del dispatch.dispatch_rule.trunk_ids[:]
    files[DISPATCH_FILE] = _to_json(dispatch)
    return files


def export_lk(plan: RegistrationPlan, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write the files (mode 0600, atomically) into `out_dir`; returns the paths written."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(f"{folder}: exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return [write_private_text(folder / name, text) for name, text in export_requests(plan).items()]


def lk_steps(plan: RegistrationPlan, out_dir: str | os.PathLike[str]) -> list[str]:
    """The commands to run, in order, with what the files cannot contain."""
    folder = Path(out_dir)
    steps: list[str] = []
    needs_password = []
    if plan.inbound is not None:
        command = f"lk sip inbound create {folder / INBOUND_FILE}"
        if plan.inbound.trunk.auth_username:
            command += ' --auth-pass "$SIP_PASSWORD"'
            needs_password.append("inbound")
        steps.append(f"{command}    # prints SIPTrunkID: ST_… (the inbound trunk ID)")
    if plan.outbound is not None:
        command = f"lk sip outbound create {folder / OUTBOUND_FILE}"
        if plan.outbound.trunk.auth_username:
            command += ' --auth-pass "$SIP_PASSWORD"'
            needs_password.append("outbound")
        steps.append(command)
    if plan.inbound is not None:
        steps.append(
            f"lk sip dispatch create {folder / DISPATCH_FILE} --trunks ST_…    "
            "# use the inbound trunk ID from the first command; without --trunks the rule "
            "would take calls from every trunk in the project"
        )
    else:
        steps.append(f"lk sip dispatch create {folder / DISPATCH_FILE}    # prints SIPDispatchRuleID: SDR_…")
    if plan.attach_number:
        steps.append(
            f"lk number update --number {plan.attach_number} --sip-dispatch-rule-id SDR_…    "
            "# attach your LiveKit number to the new rule"
        )
    if needs_password:
        steps.append(
            f"note: the SIP password is not in the {' and '.join(needs_password)} file (phonewizard "
            "never writes secrets to files); set SIP_PASSWORD in your shell first, or add "
            '"auth_password" to the file yourself'
        )
    return steps
