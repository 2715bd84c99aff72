"""Can a SIP server be reached from here? The `phonewizard probe` use case (and the result page's).

    target = probe_target_for(uri_text_or_None, profile_path, environ)   # InvalidInput if none/bad
    result = await probe(target, progress=on_step)                       # ProbeResult

DNS, then SIP OPTIONS over UDP, TCP and TLS (domain/probe_target.py says which ports), each step
bounded by `timeout` (services/sip_probe.py). No INVITE is sent. Without a URI the project's SIP
URI is used: the one in a config file (`config_path`) or in the saved profile.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from phonewizard.app.errors import InvalidInput
from phonewizard.domain.probe_target import ProbeTarget, probe_target
from phonewizard.domain.sip_addresses import AddressError
from phonewizard.services.config_files import read_document
from phonewizard.services.sip_probe import ProbeStep
from phonewizard.services.sip_probe import probe as run_probe

ProbeProgress = Callable[[ProbeStep], None]
TIMEOUT = (0.2, 30.0)


@dataclass(frozen=True)
class ProbeResult:
    uri: str
    host: str
    reachable: bool  # some transport answered OPTIONS
    steps: tuple[ProbeStep, ...]
    explanation: str
    what_to_change: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"uri": self.uri, "host": self.host, "reachable": self.reachable,
                "explanation": self.explanation, "what_to_change": list(self.what_to_change),
                "steps": [s.to_json() for s in self.steps]}


def probe_target_for(uri: str | None, profile_path: Path, *, config_path: Path | None = None,
                     field: str = "SIP_URI") -> ProbeTarget:
    """The target for `uri`, else the SIP URI of the config file, else of the saved profile."""
    source = None
    if not uri:
        where = config_path if config_path is not None else profile_path
        if where.exists():
            livekit = read_document(where).get("livekit")  # ConfigFileError: the caller reports it
            uri = livekit.get("sip_uri") if isinstance(livekit, dict) else None
            source = where
        if not uri:
            raise InvalidInput.field(field, (
                f"no SIP URI given, and {'the file ' + str(config_path) if config_path else 'the saved profile'} "
                "has none: pass one, e.g. `phonewizard probe sip:abc123.sip.livekit.cloud` (LiveKit Cloud → "
                "Settings → Project → SIP URI)"))
    try:
        return probe_target(str(uri))
    except AddressError as exc:
        origin = f" (the sip_uri of {source})" if source else ""
        raise InvalidInput.field(field, f"“{uri}”{origin} {exc}") from None


async def probe(target: ProbeTarget, *, timeout: float = 3.0, progress: ProbeProgress | None = None,
                tls_context: ssl.SSLContext | None = None) -> ProbeResult:
    if not TIMEOUT[0] <= timeout <= TIMEOUT[1]:
        raise InvalidInput.field("timeout", f"must be between {TIMEOUT[0]:g} and {TIMEOUT[1]:g} seconds")
    steps = await run_probe(target.host, target.attempts, timeout=timeout, tls_context=tls_context, emit=progress)
    return _summarise(target, tuple(steps))


def _summarise(target: ProbeTarget, steps: tuple[ProbeStep, ...]) -> ProbeResult:
    dns = steps[0]
    if not dns.ok:
        return ProbeResult(target.uri, target.host, False, steps, f"The SIP host {dns.detail}.", (
            "check the SIP URI: on LiveKit Cloud it is sip:<project ID without p_>.sip.livekit.cloud "
            "(Settings → Project), not the wss:// host",))
    answered = [s for s in steps[1:] if s.ok]
    failed = [s for s in steps[1:] if not s.ok]
    if not answered:
        return ProbeResult(target.uri, target.host, False, steps, (
            f"{target.host} resolves, but no SIP server answered OPTIONS over {target.describe()}."), (
            "check that the host is the SIP endpoint (not a web or API host)",
            "a firewall on this network may block SIP: try from another network",))
    ok_list = ", ".join(f"{s.step.upper()} {s.port}" for s in answered)
    text = f"{target.host} answers SIP OPTIONS over {ok_list}."
    fixes: tuple[str, ...] = ()
    if failed:
        text += " Not over " + ", ".join(f"{s.step.upper()} {s.port}" for s in failed) + "."
        if any(s.step == "tls" for s in failed):
            fixes += ("if your carrier sends calls over TLS (;transport=tls, secure trunking), this server "
                      "must accept TLS on that port",)
        if any(s.step == "udp" for s in failed) and any(s.step == "tcp" for s in answered):
            fixes += ("UDP got no answer here while TCP did: give the carrier ;transport=tcp",)
    return ProbeResult(target.uri, target.host, True, steps, text, fixes)
