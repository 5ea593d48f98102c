"""README.md is a front page whose links and commands hold; the site documents every command and setting."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from contract_tests.cli import _parser
from tests.tooling.spec_tooling_helpers import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
REFERENCE = DOCS / "reference.md"
# Markdown links and images: [text](target); the target up to a space or the closing parenthesis.
LINK = re.compile(r"\]\(([^)\s]+)\)")
# `make x` in inline code, or a command line of a console block (after any VAR=value).
MAKE_COMMAND = re.compile(r"(?:`|^(?:[A-Z_]+=\S+ )*)make ([a-z][a-z-]*)", flags=re.MULTILINE)
SETTING = re.compile(r"\"((?:BOLNA|CONTRACT)_[A-Z_]+)\"")


def _pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def _nav_pages(nav: object) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(_nav_pages(item) for item in nav))
    if isinstance(nav, dict):
        return set().union(*(_nav_pages(value) for value in nav.values()))
    return set()


def _make_targets() -> set[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()

    assert len(lines) < 150, f"README.md has {len(lines)} lines; the details belong in docs/"


def test_readme_links_lead_to_files_and_every_docs_page_is_on_the_site() -> None:
    text = README.read_text(encoding="utf-8")
    local = [target.split("#")[0] for target in LINK.findall(text) if "://" not in target]
    nav = _nav_pages(yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["nav"])

    assert any(target.startswith("docs/") for target in local), "README.md links nowhere into docs/"
    for target in local:
        assert (REPO / target).is_file(), f"README.md links to {target}, which does not exist"
        if target.startswith("docs/"):
            assert target.removeprefix("docs/") in nav, f"{target} is not in mkdocs.yml's nav"
    assert {page.relative_to(DOCS).as_posix() for page in DOCS.rglob("*.md")} == nav


def test_every_make_command_shown_is_a_target() -> None:
    targets = _make_targets()

    for page in _pages():
        shown = set(MAKE_COMMAND.findall(page.read_text(encoding="utf-8")))
        assert shown - targets == set(), f"{page.relative_to(REPO)} shows make targets the Makefile lacks"


def test_the_reference_names_every_target_option_and_setting() -> None:
    reference = REFERENCE.read_text(encoding="utf-8")
    parser = _parser()
    options = {flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")}
    options.discard("--help")
    sources = [*(REPO / "contract_tests").rglob("*.py"), *(REPO / "mock_api").rglob("*.py")]
    settings = {name for path in sources for name in SETTING.findall(path.read_text(encoding="utf-8"))}
    commands = next(action.choices for action in parser._actions if action.dest == "command")
    documented_targets = set(re.findall(r"`make ([a-z][a-z-]*)`", reference))

    assert settings, "no BOLNA_*/CONTRACT_* setting found in the code"
    assert _make_targets() - documented_targets == set()
    assert {option for option in options if f"`{option}" not in reference} == set()
    assert {name for name in settings if f"`{name}`" not in reference} == set()
    assert commands is not None
    assert {command for command in commands if f"| `{command}" not in reference} == set()
