"""The carrier's part of the review page: where its API is for this run, the plan box's title, and
taking the user to the field a carrier failure asks to change.

`carrier_base_urls(wizard, config)`: the sandbox's stand-ins (made to own the number being
registered, as a real account owns the number bought there), else PHONEWIZARD_*_BASE_URL, else the
carriers' own APIs. `show_at_field(wizard, path, message)`: back to the page that edits `path`, the
message under that field until the user changes something (the next validation replaces it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWizard

from phonewizard.ui.widgets.problem_label import ProblemLabel

if TYPE_CHECKING:
    from phonewizard.domain.config_document import PhoneWizardConfig
    from phonewizard.domain.plan import RegistrationPlan
    from phonewizard.ui.wizard import PhoneWizard

WHAT_TO_CHANGE = {
    "registration.outbound_address": "the termination domain",
    "registration.phone_number": "the number",
    "registration.auth_username": "the SIP username",
    "registration.auth_password": "the SIP password",
    "registration.outbound_transport": "the transport",
    "registration.provider_config.carrier_setup.move_number": "“Move the number”",
    "registration.provider_config.carrier_setup.trunk_sid": "the trunk to use",
    "carrier_secret": "the carrier's credentials",
}


def carrier_base_urls(wizard: PhoneWizard, config: PhoneWizardConfig) -> dict[str, str | None]:
    """Each carrier's API for this registration (InvalidInput for an unusable variable)."""
    from phonewizard.app.carrier_typed import wizard_base_urls
    from phonewizard.domain.carrier_options import setup_options

    if setup_options(config.registration) is None:
        return {}  # no carrier set-up: nothing to point anywhere
    stand_ins = wizard.carrier_stand_ins if wizard.sandbox_active else None
    if stand_ins is not None:
        stand_ins.adopt(config.registration.phone_number)
        return wizard_base_urls(stand_ins.urls, {})
    return wizard_base_urls(None, wizard.environ)


def plan_title(plan: RegistrationPlan | None, sandbox: bool) -> str:
    if plan is None or plan.carrier is None:
        return "What will be created in LiveKit"
    where = f"the {plan.carrier.label} stand-in (sandbox)" if sandbox else plan.carrier.label
    return f"What will be created in LiveKit and set up at {where}"


def fix_button_text(path: str) -> str:
    return f"&Fix it: go back to {WHAT_TO_CHANGE.get(path, 'the setting')}"


def show_at_field(wizard: PhoneWizard, path: str, message: str) -> bool:
    """Go back to the page that edits `path` and show `message` there as that field's error."""
    from phonewizard.domain.report import Problem, Report

    page = next((p for p in wizard.draft_pages()
                 if any(path == f or path.startswith(f + ".") for f in p.owned_fields)), None)
    if page is None or wizard.report is None:
        return False
    for _ in range(len(wizard.pageIds())):
        if wizard.currentPage() is page or wizard.currentId() == -1:
            break
        before = wizard.currentId()
        wizard.back()
        if wizard.currentId() == before:
            break
    if wizard.currentPage() is not page:
        return False
    current = wizard.report
    page.pristine = False  # shown in red: the carrier refused it, this is no untouched field
    page.apply_report(Report(None, [Problem(path, message), *current.errors], list(current.warnings)))
    shown = next((label for label in page.findChildren(ProblemLabel)
                  if label.text() == message and label.isVisibleTo(page)), None)
    if shown is not None:
        page.scroll_area.ensureWidgetVisible(shown)
    wizard.button(QWizard.WizardButton.NextButton).setFocus()
    return True
