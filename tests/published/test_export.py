"""Open data (`terugkeer export`): every published table as CSV and Parquet with metadata; no
small count anywhere; the same numbers as `terugkeer figures`."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cli.main import main
from published.labels import LEEFGEBIEDEN


@pytest.fixture(scope="module")
def table_set(national_demo: dict, module_dir: Path) -> Path:
    out = module_dir / "open-data"
    assert main(["export", "--warehouse", str(national_demo["warehouse"]), "--out", str(out)]) == 0
    return out


def _meta(table_set: Path) -> dict:
    return json.loads((table_set / "metadata.json").read_text(encoding="utf-8"))


def test_every_table_is_written_as_csv_and_parquet_with_its_metadata(table_set: Path) -> None:
    meta = _meta(table_set)
    assert meta["peildatum"] == "2025-06-30" and meta["suppression"]["threshold"] == 10
    assert {"<10", "x", "–", "nog niet beschikbaar", "niet geleverd", "0"} <= set(meta["legend"])
    assert len(meta["tables"]) >= 40
    for table in meta["tables"]:
        csv = pl.read_csv(table_set / f"{table['name']}.csv", infer_schema_length=0)
        parquet = pl.read_parquet(table_set / f"{table['name']}.parquet")
        names = [c["name"] for c in table["columns"]]
        assert csv.columns == names == parquet.columns
        assert csv.height == parquet.height == table["rows"]
        assert table["title"] and table["unit"] and "{t}" not in table["rule"]


def test_no_count_from_1_to_9_appears_anywhere(table_set: Path) -> None:
    checked = 0
    for table in _meta(table_set)["tables"]:
        frame = pl.read_parquet(table_set / f"{table['name']}.parquet")
        for column in (c["name"] for c in table["columns"] if c["kind"] == "count"):
            values = frame[column].drop_nulls()
            small = values.filter((values > 0) & (values < 10))
            assert small.len() == 0, f"{table['name']}.{column}: {small.to_list()[:5]}"
            checked += values.len()
            # A hidden count says why, the way the dashboard reads it.
            status = frame.filter(pl.col(column).is_null())[f"{column}_status"]
            assert status.null_count() == 0
    assert checked > 5_000  # 7,575 shown counts on the national demo
    # And in the text of every CSV too (a count is never written as a status either).
    for path in table_set.glob("*.csv"):
        frame = pl.read_csv(path, infer_schema_length=0)
        for column in [c for c in frame.columns if c.startswith("n_") or c in ("n", "k")]:
            assert not frame[column].is_in([str(i) for i in range(1, 10)]).any(), path.name


def test_the_table_set_and_terugkeer_figures_give_the_same_numbers(
    table_set: Path, national_demo: dict, capsys: pytest.CaptureFixture
) -> None:
    capsys.readouterr()
    assert main(["figures", "--warehouse", str(national_demo["warehouse"]), "--json"]) == 0
    years = {y["year"]: y for y in json.loads(capsys.readouterr().out)["years"]}
    outflow = pl.read_parquet(table_set / "uitstroom_per_jaar.parquet")
    assert dict(zip(outflow["year"], outflow["n_releases"], strict=True)) == {
        y: v["releases"] for y, v in years.items()
    }
    readiness = pl.read_parquet(table_set / "leefgebieden_per_jaar.parquet")
    code_of = {label: code for code, label in LEEFGEBIEDEN.items()}
    for row in readiness.iter_rows(named=True):
        published = years[row["year"]]["readiness"][code_of[row["label"]]]
        assert row["pct_op_orde"] == published["pct_op_orde"]
        assert row["pct_onbekend"] == published["pct_onbekend"]
    recid = pl.read_parquet(table_set / "recidive_per_cohort.parquet")
    compared = 0
    for row in recid.iter_rows(named=True):
        for window in ("1y", "2y"):
            figure = (years[row["cohort_year"]]["recidivism"] or {}).get(window)
            if figure is None:
                assert row[f"pct_{window}_status"] == "nog niet beschikbaar"
                continue
            assert row[f"pct_{window}"] == figure["pct"]
            assert [row[f"pct_{window}_low"], row[f"pct_{window}_high"]] == figure["ci95"]
            assert row[f"n_reoffended_{window}"] == figure["reoffenders"]
            compared += 1
    assert compared >= 15  # ten cohorts, most with both windows followed up
