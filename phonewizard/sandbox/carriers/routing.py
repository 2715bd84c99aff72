"""The carrier stand-ins' own small router: a table of (method, path pattern, operation) and the
`Call` a handler receives.

The stand-ins run on the sandbox's guarded low-level server (sandbox/http_guard.py), not on an
aiohttp `Application`: that server puts a deadline on the request head, which an Application's
runner cannot be given without reaching into aiohttp's private parts. So routing is done here:
`{name}` in a pattern matches one path segment, `{name:regex}` a segment matching `regex`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from aiohttp import web

_PARAM = re.compile(r"\{(?P<name>[a-z_]+)(?::(?P<regex>[^}]+))?\}")


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # e.g. "/v1/Trunks/{tk}" or "/2010-04-01/…/SIP/CredentialLists/{cl:[^/.]+}.json"
    name: str  # the operation ("CreateTrunk"): the request log and fault switches use it
    handler: Callable[..., Any] = field(compare=False, repr=False)
    regex: re.Pattern = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        parts, last = [], 0
        for match in _PARAM.finditer(self.pattern):
            parts.append(re.escape(self.pattern[last:match.start()]))
            parts.append(f"(?P<{match['name']}>{match['regex'] or '[^/]+'})")
            last = match.end()
        parts.append(re.escape(self.pattern[last:]))
        object.__setattr__(self, "regex", re.compile("^" + "".join(parts) + "$"))


class Router:
    """`match(method, path)`: the route and its parameters; `known_path(path)` for 405 vs 404."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method == method:
                found = route.regex.match(path)
                if found is not None:
                    return route, found.groupdict()
        return None

    def known_path(self, path: str) -> bool:
        return any(route.regex.match(path) for route in self.routes)


class Call:
    """One routed request, as the handlers see it: the parts of aiohttp's request they use, the
    route's parameters (`match_info`, as aiohttp names them) and the body, already read in full
    within the stand-in's limits."""

    __slots__ = ("method", "path", "query", "headers", "match_info", "body", "remote")

    def __init__(self, request: web.BaseRequest, match_info: Mapping[str, str], body: bytes) -> None:
        self.method = request.method
        self.path = request.path
        self.query = request.query
        self.headers = request.headers
        self.match_info = dict(match_info)
        self.body = body
        self.remote = request.remote
