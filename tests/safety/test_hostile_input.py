"""Bad input, generated: hostile JSON through `load_config` (real files), `check_config` and
`phonewizard validate` (in-process). Every outcome is a valid model, or validation errors whose
path leads into the input (or names a field the user must add), or — for a file that is not a
config document at all — one line naming the file and exit 2. Never an exception or a traceback.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from phonewizard import cli
from phonewizard.domain.config_document import PhoneWizardConfig
from phonewizard.domain.report import check_config
from phonewizard.services.config_files import ConfigFileError, load_config

BASE: dict[str, Any] = {
    "format": "phonewizard/1",
    "agent_name": "sales-agent",
    "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "APIdemo123"},
    "registration": {"phone_number": "+14155550101", "provider": "telnyx",
                     "enable_outbound": True, "outbound_address": "sip.telnyx.com",
                     "auth_username": "u", "auth_password": "p4ssword-x",
                     "allowed_addresses": ["192.76.120.10"],
                     "transfer_config": {"allowed_destinations": ["tel:+14155550100"]},
                     "dtmf_config": {"dtmf_timeout": 30}},
}


def _field_names(model: type[BaseModel], found: set[str]) -> set[str]:
    for name, info in model.model_fields.items():
        found.add(name)
        found.update(a for a in ([info.alias] if info.alias else []))
        for arg in (info.annotation, *get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _field_names(arg, found)
    return found


FIELDS = _field_names(PhoneWizardConfig, {"outbound_enabled"})


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def path_leads_into(path: str, data: Any, shown=lambda key: key) -> bool:
    """`a.b.0.c`: each step is a key/index of the input (a key may itself contain dots, and is
    cut to 256 characters), or a field of the model the user must add (a missing field)."""
    if path == "config":  # the document as a whole (not an object, nested too deeply)
        return True
    return _walk(path.split("."), data, shown)


def _walk(steps: list[str], node: Any, shown) -> bool:
    if not steps:
        return True
    if isinstance(node, dict):
        for key, value in node.items():
            label = shown(str(key))
            label = label if len(label) <= 256 else label[:255] + "…"
            width = label.count(".") + 1
            if ".".join(steps[:width]) == label and _walk(steps[width:], value, shown):
                return True
    if isinstance(node, list) and steps[0].isdigit() and int(steps[0]) < len(node):
        if _walk(steps[1:], node[int(steps[0])], shown):
            return True
    # A field the user must add (required, or required by another field's value): no input below.
    return steps[0] in FIELDS and _walk(steps[1:], None, shown)


def assert_report_sound(data: Any) -> None:
    report = check_config(data)
    if report.ok:
        assert isinstance(report.config, PhoneWizardConfig) and not report.errors
        return
    assert report.config is None and report.errors
    for problem in report.errors:
        assert problem.message.strip(), problem
        assert "Traceback" not in problem.message
        assert len(problem.field) < 400 and len(problem.message) < 2000, problem
        assert path_leads_into(problem.field, data), f"{problem.field!r} is not a path into the input"


# ---- strategies ----------------------------------------------------------------------------

HOSTILE_STRINGS = ["", " ", "\x00", "\u202e+1415", "x" * 3000, "😀" * 50, "null", "+" + "9" * 40,
                   "sip:host;transport=tcp", "' OR 1=1 --", "\n\r\t", "1e999", "0.0.0.0/0", "::/0"]
scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
           | st.sampled_from(HOSTILE_STRINGS))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12) | st.sampled_from(sorted(FIELDS)), inner, max_size=4),
    max_leaves=20,
)
field_paths = st.sampled_from(
    [("agent_name",), ("format",), ("livekit",), ("registration",)]
    + [("livekit", f) for f in ("url", "api_key", "api_secret", "sip_uri", "allow_insecure_transport", "extra")]
    + [("registration", f) for f in sorted(FIELDS)]
    + [("registration", "transfer_config", "allowed_destinations", "0"), ("registration", "dtmf_config", "dtmf_timeout")]
)


def _set(document: dict, path: tuple[str, ...], value: Any) -> dict:
    doc = copy.deepcopy(document)
    node: Any = doc
    for step in path[:-1]:
        if isinstance(node, list):
            step = int(step)  # type: ignore[assignment]
        node = node[step]
    if isinstance(node, list):
        node[int(path[-1])] = value
    else:
        node[path[-1]] = value
    return doc


mutated = st.builds(_set, st.just(BASE), field_paths, json_values)
documents = mutated | json_values | st.dictionaries(st.sampled_from(["format", "agent_name", "livekit", "registration", "zzz"]), json_values)


def _deep(depth: int) -> Any:
    node: Any = "x"
    for _ in range(depth):
        node = {"a": [node]}
    return node


# ---- check_config --------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(documents)
@example(_set(BASE, ("registration", "phone_number"), None))
@example(_set(BASE, ("livekit",), None))
@example({"registration": [], "livekit": "wss://x", "agent_name": 5})
def test_check_config_answers_with_a_model_or_field_paths(data):
    assert_report_sound(data)


@pytest.mark.parametrize("depth", [50, 3000])
def test_deep_nesting_in_any_field(depth):
    for path in [("registration", "metadata"), ("registration", "custom_headers"), ("livekit",), ("agent_name",)]:
        assert_report_sound(_set(BASE, path, _deep(depth)))


@pytest.mark.parametrize("path", [("agent_name",), ("livekit", "url"), ("livekit", "api_key"),
                                  ("registration", "phone_number"), ("registration", "auth_username"),
                                  ("registration", "outbound_address"), ("registration", "metadata")])
def test_huge_strings(path):
    report = check_config(_set(BASE, path, "9" * 1_000_000))
    assert report.errors and all(len(p.message) < 2000 for p in report.errors)
    assert_report_sound(_set(BASE, path, "9" * 1_000_000))


EDGE_CASES = [
    # (registration field, value, valid?)
    # E.164: 15 digits at most; the shortest plans (Saint Helena) have 7-8 digits in all.
    ("phone_number", "+29061234", True), ("phone_number", "+491701234567890", True),
    ("phone_number", "+4917012345678901", False), ("phone_number", "+" + "1" * 16, False),
    ("phone_number", "+1", False), ("phone_number", "+1415555010", False),
    ("ringing_timeout_seconds", 1, True), ("ringing_timeout_seconds", 300, True),
    ("ringing_timeout_seconds", 0, False), ("ringing_timeout_seconds", 301, False),
    ("ringing_timeout_seconds", 1.5, False), ("ringing_timeout_seconds", True, False),
    ("max_call_duration_seconds", 60, True), ("max_call_duration_seconds", 86400, True),
    ("max_call_duration_seconds", 59, False), ("max_call_duration_seconds", 86401, False),
    ("allowed_addresses", ["0.0.0.0/0"], True), ("allowed_addresses", ["192.76.120.10/32"], True),
    ("allowed_addresses", ["192.76.120.0/33"], False), ("allowed_addresses", ["2001:db8::1"], True),
    ("allowed_addresses", ["2001:db8::/32"], True), ("allowed_addresses", ["2001:db8::/129"], False),
    ("allowed_addresses", ["::/0"], True), ("allowed_addresses", ["300.1.1.1"], False),
]


@pytest.mark.parametrize("field,value,valid", EDGE_CASES)
def test_edge_values(field, value, valid):
    data = _set(BASE, ("registration", field), value)
    report = check_config(data)
    assert report.ok is valid, (field, value, [str(p) for p in report.errors])
    if not valid:
        assert any(p.field.startswith(f"registration.{field}") for p in report.errors), report.errors
    assert_report_sound(data)


# ---- load_config and `phonewizard validate` on real files ---------------------------------------

def _as_file_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=True)


RAW_FILES = [
    b"", b"\xff\xfe\x00garbage", b"[" * 50_000 + b"]" * 50_000, b'{"format": "phonewizard/1", "a": 1, "a": 2}',
    b'{"format": "phonewizard/9"}', b'{"format": NaN}', b'{"format": "phonewizard/1", "agent_name": 1' + b"0" * 5000 + b"}",
    b'"just a string"', b"null", b'{"format": "phonewizard/1", "agent_name": "\\ud800"}',
    b"\xef\xbb\xbf" + json.dumps(BASE).encode(),  # a BOM is fine
]


def _check_cli_lines(err: str, file: Path, data: Any | None) -> None:
    assert all(c.isprintable() for c in err.replace("\n", "")), f"raw control characters: {err!r}"
    for line in err.split("\n"):
        if line.startswith(("warning: ", "note: ")) or not line.strip():
            continue
        if line.startswith(f"{file}: "):
            continue  # the file as a whole is unusable (ConfigFileError)
        assert ": " in line, f"not `path: message`: {line!r}"
        path, message = _split_problem(line, data)
        assert message.strip(), f"not `path: message`: {line!r}"
        assert data is not None and path_leads_into(path, data, _printable), f"{path!r} does not lead into the input"


def _split_problem(line: str, data: Any) -> tuple[str, str]:
    """`path: message` where the path itself may contain ": " (a hostile key): the first split
    whose left side is a path into the input."""
    start = 0
    while (i := line.find(": ", start)) != -1:
        if path_leads_into(line[:i], data, _printable):
            return line[:i], line[i + 2:]
        start = i + 1
    return line.partition(": ")[0], line.partition(": ")[2]


@pytest.fixture
def validate(tmp_path, capsys):
    counter = iter(range(10**9))

    def run(content: bytes) -> tuple[int, str, str, Path]:
        path = tmp_path / f"hostile-{next(counter)}.json"
        path.write_bytes(content)
        code = cli.main(["validate", str(path)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return code, captured.out, captured.err, path
    return run


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents.map(lambda d: {"format": "phonewizard/1", **d} if isinstance(d, dict) else d))
def test_validate_cli_on_generated_files(validate, data):
    code, out, err, path = validate(_as_file_text(data).encode("utf-8", "surrogatepass"))
    assert code in (0, 2), err
    if code == 0:
        assert out.startswith(f"{path}: valid")
        document = json.loads(path.read_text(encoding="utf-8"))
        assert check_config(document, secrets_elsewhere=True).ok  # a file keeps no SIP password
    else:
        assert err.strip() and out == ""
        _check_cli_lines(err, path, data)


@pytest.mark.parametrize("content", RAW_FILES, ids=range(len(RAW_FILES)))
def test_validate_cli_on_hostile_bytes(validate, content):
    code, out, err, path = validate(content)
    assert code in (0, 2), err
    assert code == 2 or content.startswith(b"\xef\xbb\xbf")
    for line in err.splitlines():
        assert line.startswith((f"{path}: ", "warning: ", "note: ")) or ": " in line, line
    assert len(err) < 5000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(documents)
def test_load_config_on_generated_files(tmp_path, data):
    path = tmp_path / "generated.json"
    path.write_text(_as_file_text(data), encoding="utf-8")
    try:
        loaded = load_config(path)
    except ConfigFileError as exc:
        assert str(exc).startswith(f"{path}: ")
        return
    report = loaded.report
    assert report.ok or report.errors
    for problem in report.errors:
        assert path_leads_into(problem.field, data), problem


def test_a_deeply_nested_file_is_refused_with_exit_2(validate):
    code, out, err, path = validate(b"[" * 100_000 + b"]" * 100_000)
    assert code == 2
    assert err.startswith(f"{path}: ") and "nested too deeply" in err


def test_control_characters_from_the_input_are_escaped_in_cli_output(validate):
    document = {"format": "phonewizard/1", "agent_name": "a\u001b[2Jb",
                "livekit": {"url": "wss://demo.livekit.cloud", "api_key": "k", "\u001b]0;pwn\u0007\u0085x": 1},
                "registration": {"phone_number": "+14155550101", "provider": "twilio"}}
    code, out, err, path = validate(json.dumps(document).encode())
    assert code == 2
    assert "\u001b" not in err and "\u0007" not in err and "\u0085" not in err
    lines = err.strip().split("\n")
    assert len(lines) == 2, lines  # one line per problem, none split by a hostile character
    assert any(line.startswith("livekit.\\x1b]0;pwn\\x07\\x85x: unknown field") for line in lines), lines
