"""The exchange format as a Frictionless Data Package (issue 34): generated from the contract
and the Pandera models (one source), checked in under docs/contract/, and agreeing with our
ingest on every row that Table Schema can judge."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from frictionless import Resource, Schema

from basis.contract import SOURCES
from basis.settings import ROOT
from cli.main import main
from intake.contract_package import DATE_PATTERN, package, table_schema
from intake.demo.generate import generate_demo
from store.ingest import check_file

CHECKED_IN = ROOT / "docs" / "contract"
# Our rules that Table Schema can judge too; an invalid_date only where the value is not in
# one of the legal forms (whether 31-02-2021 exists, Table Schema cannot say).
JUDGED = {"required", "invalid_format", "invalid_code", "unknown_gemeente"}


def test_the_checked_in_package_is_what_the_code_generates(tmp_path: Path) -> None:
    assert main(["contract", "--out", str(tmp_path)]) == 0
    for name in ["datapackage.json", *(f"{kind}.schema.json" for kind in SOURCES)]:
        assert json.loads((tmp_path / name).read_text()) == json.loads(
            (CHECKED_IN / name).read_text()
        ), f"docs/contract/{name} is out of date: run terugkeer contract --out docs/contract"
    assert [r["name"] for r in package()["resources"]] == list(SOURCES)
    pi = {f["name"]: f for f in table_schema("pi")["fields"]}
    assert pi["geslacht"]["constraints"] == {"required": True, "enum": ["M", "V", "X"]}
    assert table_schema("pi")["primaryKey"] == ["pseudoniem", "instroomdatum"]


@pytest.fixture(scope="module")
def demo(module_dir: Path) -> Path:
    folder = module_dir / "exports"
    generate_demo(folder, (2023, 2024), 0.05, seed=7, messy=0.02)
    return folder


def test_frictionless_agrees_with_the_ingest_on_every_row_it_can_judge(
    demo: Path, tmp_path: Path
) -> None:
    """Every demo export (CSV, XLSX and Parquet, read by our reader and written as CSV with
    the canonical column names: the header folding is a rule Table Schema cannot express)
    against its published Table Schema."""
    judged_total = 0
    files = sorted(demo.iterdir())
    assert len(files) > 50
    for export in files:
        _, raw, validated = check_file(export)
        assert validated is not None, export.name
        frame = raw.frame.select([c for c in raw.frame.columns if not c.startswith("_")])
        csv = tmp_path / f"{export.stem}.csv"
        buffer = io.StringIO()
        frame.write_csv(buffer)
        csv.write_text(buffer.getvalue())
        values = {r["_row"]: r for r in raw.frame.iter_rows(named=True)}
        descriptor = json.loads((CHECKED_IN / f"{validated.source}.schema.json").read_text())
        schema = Schema.from_descriptor(descriptor)
        report = Resource(path=csv.name, basepath=str(tmp_path), schema=schema).validate()
        flagged = report.flatten(["rowNumber", "fieldName", "type"])
        theirs = {(row, column) for row, column, kind in flagged if kind == "constraint-error"}
        ours = {
            (e["_row"], e["column"])
            for e in validated.errors.iter_rows(named=True)
            if e["rule"] in JUDGED
            or (
                e["rule"] == "invalid_date"
                and not re.fullmatch(DATE_PATTERN, values[e["_row"]][e["column"]] or "")
            )
        }
        assert theirs == ours, export.name
        # Besides the values, frictionless reports only repeated keys, which our ingest
        # treats its own way (identical rows dropped, differing ones quarantined).
        assert {kind for _, _, kind in flagged} <= {"constraint-error", "primary-key"}
        judged_total += len(ours)
    assert judged_total > 50  # the messy demo has plenty of bad values to agree on
