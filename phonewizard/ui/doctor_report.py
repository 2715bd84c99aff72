"""The doctor's verdict and findings as the wizard shows them: a headline in plain words and rich
text for the lists (trunks and rules considered, findings, assumptions). Qt-free, so it is tested
without widgets; the "Diagnose a call…" dialog and the review page's checks box use it.

Names in it come from LiveKit objects anyone could have made: control characters are shown
escaped (as the CLI does) and everything is HTML-escaped. No colour is hard-coded: the text
takes the palette's, so it reads in light and dark themes.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    from phonewizard.domain.routing import Considered, Finding, Verdict

STATUS_WORDS = {"selected": "takes the call", "skipped": "skipped", "outranked": "outranked",
                "conflict": "in conflict", "not_reached": "not reached"}


def printable(text: str) -> str:
    """Control characters escaped (ESC → \\x1b, a newline → \\n), as the CLI prints them."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def visible(text: str) -> str:
    """`text` safe for rich text: `printable`, then HTML-escaped."""
    return html.escape(printable(text))


def headline(v: Verdict) -> str:
    """The verdict in a few plain words (the summary below it gives the details)."""
    if v.outcome == "accepted":
        if v.agents:
            return f"The call gets through: agent {', '.join(v.agents)} answers it."
        return "The call is answered, but no agent is dispatched: nobody speaks to the caller."
    if v.outcome == "pin_required":
        return "LiveKit answers and asks the caller for a PIN."
    if v.outcome == "rejected":
        return f"The call is refused: the carrier gets SIP {v.sip_status} {v.sip_reason or ''}".rstrip() + "."
    if v.outcome == "dropped":
        return "The call is dropped: LiveKit never answers, the caller hears ringing."
    status = f" ({v.sip_status} {v.sip_reason})" if v.sip_status else ""
    return f"LiveKit cannot route the call: its trunks or rules conflict{status}."


def _name(kind: str, object_id: str, name: str) -> str:
    return f"{kind} {object_id}" + (f" “{name}”" if name else "")


def considered_html(considered: Sequence[Considered], unrelated: tuple[int, int] = (0, 0)) -> str:
    if not considered:
        items = ["<li>None: the project has no trunk or rule this call concerns.</li>"]
    else:
        items = [f"<li><b>{visible(_name(c.kind, c.object_id, c.name))}</b>: {STATUS_WORDS[c.status]}"
                 f"<br>{visible(c.reason)}" + (f"<br><i>To change:</i> {visible(c.fix)}" if c.fix else "")
                 + "</li>" for c in considered]
    trunks, rules = unrelated
    note = (f"<p>{trunks} other trunk{'s' if trunks != 1 else ''} and {rules} other rule{'s' if rules != 1 else ''} "
            "of the project do not concern this call.</p>" if trunks or rules else "")
    return f"<ul>{''.join(items)}</ul>{note}"


def findings_items(findings: Iterable[Finding]) -> list[str]:
    return [f"<li><b>{'Warning' if f.severity == 'warning' else 'Note'}:</b> {visible(f.message)}"
            + (f"<br><i>To change:</i> {visible(f.fix)}" if f.fix else "") + "</li>" for f in findings]


def findings_html(findings: Sequence[Finding]) -> str:
    """Warnings first, then notes."""
    ordered = [f for f in findings if f.severity == "warning"] + [f for f in findings if f.severity != "warning"]
    return f"<ul>{''.join(findings_items(ordered))}</ul>" if ordered else ""


def verdict_html(v: Verdict) -> str:
    """Everything below the path: considered, findings, assumptions."""
    parts = ["<h4>Trunks and rules considered</h4>", considered_html(v.considered, v.unrelated)]
    if v.findings:
        parts += ["<h4>About the objects on the path</h4>", findings_html(v.findings)]
    if v.assumptions:
        parts += ["<h4>Assumed</h4>", "<ul>" + "".join(f"<li>{visible(a)}</li>" for a in v.assumptions) + "</ul>"]
    return "".join(parts)
