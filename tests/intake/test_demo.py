"""The demo generator: deterministic, in the contract's legal forms, realistic at scale 1."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import duckdb
import pytest

from basis.reference import load_reference
from intake.demo.generate import generate_demo
from intake.demo.write import PI_FORMS
from store.ingest import check_file


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_the_same_seed_writes_identical_files(tmp_path: Path) -> None:
    generate_demo(tmp_path / "a", (2020, 2021), scale=0.02, seed=5)
    time.sleep(1.1)  # files must not carry the time they were written
    generate_demo(tmp_path / "b", (2020, 2021), scale=0.02, seed=5)
    generate_demo(tmp_path / "c", (2020, 2021), scale=0.02, seed=6)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")


def test_every_file_is_in_a_legal_form_and_says_it_is_synthetic(tmp_path: Path) -> None:
    result = generate_demo(tmp_path, (2020, 2021), scale=0.02, seed=3, messy=0.01)
    suffixes = {p.suffix for p in result.files}
    assert suffixes == {".csv", ".xlsx", ".parquet"}
    assert len([p for p in result.files if "detentie" in p.name]) == len(load_reference().pis)
    sources = set()
    for path in result.files:
        report, raw, _ = check_file(path)
        assert report.status == "valid", (path.name, report.reason)
        assert path.name.startswith("demo_")
        assert "synthetisch" in [c.lower() for c in raw.extra_columns]
        assert report.rows_read == (
            report.rows_loaded + report.rows_quarantined + report.rows_duplicate
        )
        sources.add(report.source)
    assert sources == {"pi", "gemeente", "recidive", "reclassering"}
    boms = [p for p in result.files if p.read_bytes()[:3] == b"\xef\xbb\xbf"]
    cp1252 = [p for p in result.files if "grave" in p.name]
    assert boms and PI_FORMS["grave"] == "csv_1252"
    with pytest.raises(UnicodeDecodeError):
        cp1252[0].read_bytes().decode("utf-8")


@pytest.mark.slow
def test_scale_one_looks_like_the_netherlands(national_demo: dict) -> None:
    con = duckdb.connect(str(national_demo["warehouse"]), read_only=True)

    def one(sql: str) -> float:
        return con.execute(sql).fetchall()[0][0]

    # About 30,000 releases a year (2015-2024; truth.YEAR_VOLUME varies it by +-5%, 2020 -16%).
    for year, target in ((2018, 30_000 * 0.99), (2020, 30_000 * 0.84), (2024, 30_000 * 1.03)):
        n = one(f"SELECT count(*) FROM core_releases WHERE release_year = {year}")
        assert abs(n - target) / target < 0.12, (year, n)
    assert one(
        "SELECT count(*) FILTER (WHERE release_year = 2020) < "
        "count(*) FILTER (WHERE release_year = 2019) * 0.97 FROM core_releases"
    )
    # Mostly men (90.5% in the truth), more than half under three months (about 60%).
    assert 0.88 < one("SELECT avg((sex = 'M')::INT) FROM core_releases") < 0.93
    assert 0.52 < one("SELECT avg((detention_days < 90)::INT) FROM core_releases") < 0.68
    # Two-year recidivism of about 45%, one-year about 30% (cohorts with full follow-up).
    two = one(
        "SELECT avg(reoffended_2y::INT) FROM core_recidivism_outcomes WHERE cohort_year <= 2022"
    )
    one_year = one(
        "SELECT avg(reoffended_1y::INT) FROM core_recidivism_outcomes WHERE cohort_year <= 2023"
    )
    assert 0.41 < two < 0.49, two
    assert 0.26 < one_year < 0.34, one_year
    con.close()
