"""The docs stay honest: the README stays short and opens with the two commands, every relative
link in README.md and docs/ resolves to a file in the repository (anchors to a heading that
exists) and none leaves it, every command the docs show exists, and docs/ARCHITECTURE.md has a
line for every module under phonewizard/ (and none for a module that is gone)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "phonewizard"
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
README_MAX_LINES = 220

# Where links may point besides files of the repository: web pages.
WEB_SCHEMES = ("http", "https", "mailto")
# Present in a working tree but not part of the repository.
NOT_IN_REPOSITORY = {".venv", ".git", "dist", "build", "__pycache__", ".pytest_cache", ".hypothesis"}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[^\n]*$", re.M | re.S)
INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.M)
HTML_LINK = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.I)
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M)
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def doc_files() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def without_code(text: str) -> str:
    """The text with fenced blocks and inline code removed: a link shown as code is not a link."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def code_only(text: str) -> list[str]:
    """The contents of fenced blocks and inline code spans."""
    blocks = [m.group(0) for m in FENCE.finditer(text)]
    spans = [m.group(2) for m in INLINE_CODE.finditer(FENCE.sub("", text))]
    return blocks + spans


def links(text: str) -> list[str]:
    prose = without_code(text)
    found = [m.group(1) for m in INLINE_LINK.finditer(prose)]
    found += [m.group(1) for m in REFERENCE_DEFINITION.finditer(prose)]
    found += [m.group(1) for m in HTML_LINK.finditer(prose)]
    return [target[1:-1] if target.startswith("<") else target for target in found]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lower case, punctuation dropped, spaces
    to dashes."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link or image: its text
    text = text.replace("`", "")
    text = re.sub(r"(\*\*|__|\*)(.+?)\1", r"\2", text)  # emphasis markers
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for match in HEADING.finditer(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def link_problem(source: Path, target: str) -> str | None:
    """Why `target`, linked from `source`, is not a link into the repository, or None."""
    if not target:
        return "an empty link"
    scheme = SCHEME.match(target)
    if scheme:
        if scheme.group(1).lower() in WEB_SCHEMES:
            return None
        return f"{target}: a {scheme.group(1)}: link points outside the repository"
    path_part, _, fragment = target.partition("#")
    path_part = path_part.split("?", 1)[0]
    if path_part.startswith("/"):
        return f"{target}: an absolute path; link relative to {source.relative_to(ROOT)}"
    resolved = (source.parent / path_part).resolve() if path_part else source
    if not resolved.is_relative_to(ROOT):
        return f"{target}: points outside the repository"
    inside = resolved.relative_to(ROOT)
    if NOT_IN_REPOSITORY & set(inside.parts):
        return f"{target}: {inside} is not part of the repository"
    if not resolved.exists():
        return f"{target}: {inside} does not exist"
    if fragment and resolved.suffix == ".md" and fragment not in anchors(resolved):
        return f"{target}: {inside} has no heading with the anchor #{fragment}"
    return None


def test_readme_is_short():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines (at most {README_MAX_LINES}): move details into docs/ and link them"
    )


def test_readme_opens_with_the_two_commands():
    first = README.read_text(encoding="utf-8").splitlines()[:6]
    commands = [line.split("#")[0].strip() for line in first if line.startswith("    make ")]
    assert commands == ["make run", "make test"], first
    targets = re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert {"run", "test"} <= set(targets)


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_stays_in_the_repository_and_resolves(doc):
    problems = [p for target in links(doc.read_text(encoding="utf-8")) if (p := link_problem(doc, target))]
    assert not problems, f"{doc.relative_to(ROOT)}:\n  " + "\n  ".join(problems)


def module_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def mentions(module: Path) -> tuple[str, ...]:
    """How ARCHITECTURE.md may name a module: its path under phonewizard/ in backticks; a package's
    __init__.py also by the package's folder (`ui/pages/`)."""
    relative = module.relative_to(PACKAGE).as_posix()
    if module.name == "__init__.py" and module.parent != PACKAGE:
        folder = module.parent.relative_to(PACKAGE).as_posix()
        return (f"`{folder}/`", f"`{relative}`")
    return (f"`{relative}`",)


@pytest.mark.parametrize("module", module_files(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_architecture_has_a_line_for_every_module(module):
    text = ARCHITECTURE.read_text(encoding="utf-8")
    names = mentions(module)
    assert any(name in text for name in names), (
        f"docs/ARCHITECTURE.md has no line for phonewizard/{module.relative_to(PACKAGE).as_posix()}: "
        f"add a row `{names[-1].strip('`')}` | <its one job> to the module map"
    )


def test_architecture_names_no_module_that_is_gone():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    top_level = {p.name for p in PACKAGE.glob("*.py")}
    gone = []
    for token in re.findall(r"`([\w/]+(?:\.py|/))`", ARCHITECTURE.read_text(encoding="utf-8")):
        first = token.split("/")[0]
        if (first in packages and "/" in token) or token in top_level:
            if not (PACKAGE / token).exists():
                gone.append(token)
    assert not gone, f"docs/ARCHITECTURE.md names modules that do not exist under phonewizard/: {gone}"


def cli_commands() -> set[str]:
    from phonewizard.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    return set(sub.choices)


def test_the_readme_and_cli_guide_show_every_command():
    readme = README.read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for command in sorted(cli_commands()):
        assert f"phonewizard {command}" in readme, f"README.md's CLI synopsis lacks `phonewizard {command}`"
        assert f"### `{command}" in guide, f"docs/cli.md has no section for `{command}`"


# `phonewizard <command>` in code, not an object name such as `phonewizard +1415… → my-agent`.
COMMAND = re.compile(r"(?:^|[\s(|;&])(?:\.venv/bin/)?phonewizard[ \t]+([a-z][a-z-]*)(?![\w-])(?![ \t]*→)", re.M)
SHELL_COMMENT = re.compile(r"(?:^|[ \t])#.*$", re.M)


@pytest.mark.parametrize("doc", doc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_the_docs_show_exists(doc):
    commands = cli_commands()
    shown = set()
    for code in code_only(doc.read_text(encoding="utf-8")):
        code = SHELL_COMMENT.sub("", code)
        shown |= set(COMMAND.findall(code))
    unknown = sorted(shown - commands)
    assert not unknown, f"{doc.relative_to(ROOT)} shows commands phonewizard does not have: {unknown}"
