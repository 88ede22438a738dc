"""The repository carries its own rules and contract (issue 34): nothing outside the tests
points at ../shared, and every relative link in the README and docs resolves inside it."""

from __future__ import annotations

import re
from pathlib import Path

from basis.settings import ROOT

LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
SKIP = {".venv", ".git", "tests", "node_modules", "build"}


def _files(*suffixes: str) -> list[Path]:
    return [
        p for p in ROOT.rglob("*")
        if p.suffix in suffixes and p.is_file() and not SKIP & set(p.relative_to(ROOT).parts)
    ]  # fmt: skip


def test_nothing_outside_the_tests_refers_to_the_shared_folder() -> None:
    found = [
        str(p.relative_to(ROOT))
        for p in _files(".py", ".md", ".toml", ".sql", ".yaml", ".cfg")
        if "../shared" in p.read_text(encoding="utf-8", errors="ignore")
    ]
    assert found == []


def test_every_relative_link_in_the_docs_resolves_in_the_repository() -> None:
    broken = []
    for doc in _files(".md"):
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target):  # https:, mailto:
                continue
            resolved = (doc.parent / target).resolve()
            if not resolved.exists() or ROOT not in resolved.parents:
                broken.append(f"{doc.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_the_rules_and_the_contract_are_the_projects_own_documents() -> None:
    rules = (ROOT / "docs" / "meetregels.md").read_text(encoding="utf-8")
    contract = (ROOT / "docs" / "uitwisselformaat.md").read_text(encoding="utf-8")
    for heading in ("Outflow", "Readiness", "Recidivism", "Process", "Comparing", "Disclosure"):
        assert f"## {heading}" in rules
    for kind in ("`pi`", "`gemeente`", "`recidive`", "`reclassering`"):
        assert f"## {kind}" in contract
