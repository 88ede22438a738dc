"""The cell-key method (docs/cellkey.md): the perturbation table against the published
construction, the lookup by hand, and on the national demo: differencing two views yields
noise, the same cell is the same everywhere, national figures stay within the maximum noise,
and `terugkeer figures --exact` stays exact."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.optimize import brentq, minimize

from store.cellkey import KEY_MODULUS, noise, perturb_frame, ptable
from tests.conftest import copy_warehouse

ROOT = Path(__file__).resolve().parents[2]


# --- the perturbation table -------------------------------------------------------------------


def test_the_inner_rows_are_the_maximum_entropy_distribution() -> None:
    """Away from the threshold the support is symmetric, so the maximum-entropy distribution
    with mean 0 is p(d) proportional to exp(b d^2); b solved here by root finding."""
    d = np.arange(-2, 3)

    def variance(b: float) -> float:
        p = np.exp(b * d**2)
        return float((p / p.sum()) @ d**2) - 1.0

    b = brentq(variance, -10, 10)
    expected = np.exp(b * d**2) / np.exp(b * d**2).sum()
    row = ptable(2, 1.0, 10).row(500)
    assert row.noises == (-2, -1, 0, 1, 2)
    assert row.probabilities == pytest.approx(expected, abs=1e-7)
    assert row.probabilities == pytest.approx((0.0638, 0.2447, 0.3830, 0.2447, 0.0638), abs=1e-4)


def test_the_row_beside_the_threshold_is_monotone_as_r_ptable_makes_it() -> None:
    """Count 11: noise -1..2 (10 is the lowest it may become), mean 0, variance 1, and (R
    ptable's default mono = TRUE) p(0) >= p(-1) and p(0) >= p(1) >= p(2). Without the last
    condition the maximum-entropy row is (0.398, 0.306, 0.194, 0.102): a true 11 shown as 10
    more often than as 11 (issue 35). By hand: mean 0 gives p(-1) = p(1) + 2 p(2), variance 1
    gives 2 p(1) + 6 p(2) = 1, so p(0) = 3 p(2); p(0) >= p(-1) needs p(2) >= 1/8 and
    p(1) >= p(2) needs p(2) <= 1/8: the only such row is (3/8, 3/8, 1/8, 1/8)."""
    d = np.arange(-1, 3)
    row = ptable(2, 1.0, 10).row(11)
    assert row.noises == (-1, 0, 1, 2)
    assert row.probabilities == pytest.approx((0.375, 0.375, 0.125, 0.125), abs=1e-6)
    # The same from the entropy itself under all the constraints (SLSQP), not the code's way.
    result = minimize(
        lambda p: float(np.sum(p * np.log(np.maximum(p, 1e-300)))),
        np.full(4, 0.25),
        method="SLSQP",
        bounds=[(0, 1)] * 4,
        constraints=[
            {"type": "eq", "fun": lambda p: p.sum() - 1},
            {"type": "eq", "fun": lambda p: p @ d},
            {"type": "eq", "fun": lambda p: p @ d**2 - 1},
            {"type": "ineq", "fun": lambda p: np.array([p[1] - p[0], p[1] - p[2], p[2] - p[3]])},
        ],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert row.probabilities == pytest.approx(result.x, abs=1e-4)
    # A count at the threshold cannot move down, so with mean 0 it cannot move at all.
    assert ptable(2, 1.0, 10).row(10).noises == (0,)
    assert ptable(2, 1.0, 10).row(9) is None and ptable(2, 1.0, 10).row(0) is None


@pytest.mark.parametrize(
    ("max_noise", "variance", "threshold"), [(2, 1.0, 10), (3, 2.5, 5), (1, 0.5, 10)]
)
def test_every_row_keeps_the_promises(max_noise: int, variance: float, threshold: int) -> None:
    table = ptable(max_noise, variance, threshold)
    for count in range(threshold, threshold + max_noise + 5):
        row = table.row(count)
        p, d = np.array(row.probabilities), np.array(row.noises)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p @ d == pytest.approx(0.0, abs=1e-8)  # no bias
        assert p @ d**2 <= variance + 1e-8
        assert np.abs(d).max() <= max_noise
        assert (count + d >= threshold).all()  # never below the threshold
        # Rising towards noise 0 on both sides (R ptable's mono = TRUE).
        zero = list(d).index(0)
        assert all(np.diff(p[: zero + 1]) >= -1e-9) and all(np.diff(p[zero:]) <= 1e-9)
    assert ptable(0, 1.0, 10).rows == ()  # max_noise 0: no noise


def test_the_cell_key_picks_the_noise_by_hand() -> None:
    """Cell key = key sum / 2^32; the inner row's intervals end at 0.0638, 0.3085, 0.6915,
    0.9362 and 1."""
    table = ptable(2, 1.0, 10)
    keys = np.array([0.01, 0.07, 0.5, 0.7, 0.99]) * KEY_MODULUS
    assert noise(table, np.full(5, 250), keys).tolist() == [-2, -1, 0, 1, 2]
    # A key sum is taken modulo 2^32: the same noise.
    assert noise(table, np.array([250]), keys[:1] + 3 * KEY_MODULUS).tolist() == [-2]
    # Zero stays zero, and small counts (shown as '<10') keep their value.
    assert noise(table, np.array([0, 3, 9, 10]), np.full(4, 0.99 * KEY_MODULUS)).tolist() == [
        0,
        0,
        0,
        0,
    ]
    frame = pl.DataFrame({"n": [250, None], "n__ck": [int(0.99 * KEY_MODULUS), 5]})
    assert perturb_frame(frame, table).to_dict(as_series=False) == {"n": [252, None]}
    assert perturb_frame(frame, None).to_dict(as_series=False) == {"n": [250, None]}


def test_a_numerator_pushed_above_its_denominator_gives_no_percentage() -> None:
    """11 of 12 (complement 1) may read 13 of 10 after the noise: the percentage is hidden,
    as the true one is (its complement is small)."""
    from published.disclosure import Column, Rate, disclose, share_pct

    frame = pl.DataFrame({"k": [13, 40], "n": [10, 50]})
    table = disclose(
        frame,
        [
            Column("k", "K", "count"),
            Column("n", "N", "count"),
            Column("pct", "%", "pct"),
            Column("u", "% onbekend", "pct"),
        ],  # fmt: skip
        10,
        rates=(Rate("pct", "k", "n", interval=True), Rate("u", "k", "n", about_records=True)),
    )
    assert table.frame["pct"].to_list() == [None, 80.0]
    assert table.frame["u"].to_list() == [None, 80.0]
    assert share_pct(13, 10, 10) is None and share_pct(13, 10, 10, about_records=True) is None


# --- on the national demo ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(national_demo: dict, module_dir: Path) -> Path:
    return copy_warehouse(national_demo["warehouse"], module_dir / "warehouse.duckdb")


@pytest.fixture
def reading(store: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """Read the store's publication twice: with the noise of the product's settings, and
    exact (the reference)."""
    from published import cache, queries, reader

    reader.use_store(store)

    def read_both(function, *args) -> tuple[pl.DataFrame, pl.DataFrame]:
        monkeypatch.setenv("TERUGKEER_CELL_KEY_MAX_NOISE", "2")
        cache.clear()
        noisy = function(*args)
        monkeypatch.setenv("TERUGKEER_CELL_KEY_MAX_NOISE", "0")
        cache.clear()
        return noisy, function(*args)

    yield {"both": read_both, "queries": queries}
    reader.release()


def _outflow_total(queries, scope) -> int:
    frame = queries.outflow(scope)
    return int(frame["n_releases"].sum())


def _views(queries) -> list[tuple]:
    """Pairs of views that differ by a small group: all sexes vs men only, all ages vs all
    but one age band, a province vs the province without one of its municipalities."""
    from published.scope import Scope

    info = queries.gemeente_info()
    gemeenten = info["gemeente_code"].to_list()
    rng = random.Random(20)
    pairs = []
    for code in rng.sample(gemeenten, 150):
        for year in (2021, 2022, 2023, 2024):
            base = Scope(year_from=year, year_to=year, gemeenten=(code,))
            pairs.append(
                (base, Scope(year_from=year, year_to=year, gemeenten=(code,), sexes=("M",)))
            )
            ages = ("18-22", "23-29", "30-39", "40-49", "50+")
            pairs.append(
                (base, Scope(year_from=year, year_to=year, gemeenten=(code,), age_bands=ages))
            )
    for _, members in info.group_by("provincie"):
        codes = sorted(members["gemeente_code"].to_list())
        for left_out in rng.sample(codes, min(10, len(codes))):
            for year in (2023, 2024):
                pairs.append(
                    (
                        Scope(year_from=year, year_to=year, gemeenten=tuple(codes)),
                        Scope(
                            year_from=year,
                            year_to=year,
                            gemeenten=tuple(c for c in codes if c != left_out),
                        ),
                    )
                )
    return pairs


def test_differencing_two_views_yields_noise_not_people(reading: dict) -> None:
    """For pairs of views whose difference is a small group (1..9 people), the difference of
    the published counts equals the true small count no more often than the ptable allows:
    the chance that two independent noises are equal (0.383^2 + 2 0.245^2 + 2 0.064^2 = 0.275
    for counts of 12 and more). Without the noise it would be every time."""
    queries = reading["queries"]
    hits = trials = 0
    for wide, narrow in _views(queries):
        (wide_noisy, wide_exact), (narrow_noisy, narrow_exact) = (
            reading["both"](_outflow_total, queries, wide),
            reading["both"](_outflow_total, queries, narrow),
        )
        small = wide_exact - narrow_exact
        if not 1 <= small <= 9 or narrow_exact < 12:
            continue
        trials += 1
        hits += wide_noisy - narrow_noisy == small
    row = ptable(2, 1.0, 10).row(12)
    allowed = sum(p**2 for p in row.probabilities)
    assert allowed == pytest.approx(0.275, abs=1e-3)
    print(f"differencing: {hits} of {trials} pairs gave the true count; allowed {allowed:.3f}")
    assert trials >= 200
    assert hits / trials <= allowed + 3 * math.sqrt(allowed * (1 - allowed) / trials)


def test_national_figures_stay_within_the_maximum_noise(reading: dict) -> None:
    from published.scope import Scope

    queries = reading["queries"]
    noisy, exact = reading["both"](queries.recidivism_by_cohort, Scope())
    for column in ("n_cohort", "n_reoffended_1y", "n_reoffended_2y"):
        difference = (noisy[column] - exact[column]).abs()
        assert difference.max() <= 2
        assert difference.max() > 0  # perturbed indeed
    noisy, exact = reading["both"](queries.outflow, Scope())
    assert (noisy["n_releases"] - exact["n_releases"]).abs().max() <= 2


def _figures_json(store: Path, *extra: str, noise: str = "2") -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "cli", "figures", "--warehouse", str(store), "--json",
         *extra],
        capture_output=True, text=True, cwd=ROOT, check=True,
        env={**__import__("os").environ, "TERUGKEER_CELL_KEY_MAX_NOISE": noise},
    )  # fmt: skip
    return json.loads(out.stdout)


def test_the_same_cell_is_the_same_in_every_view_process_and_rebuild(
    reading: dict, store: Path, tmp_path: Path
) -> None:
    from published.scope import Scope
    from store.build import build
    from store.warehouse import connect

    queries = reading["queries"]
    # One cell, three ways in this process: Uitstroom per year, per quarter summed is a
    # different cell set, so compare the same cell: the year 2024, and the municipality list.
    by_year, _ = reading["both"](queries.outflow, Scope(year_from=2024, year_to=2024))
    by_gemeente, _ = reading["both"](
        queries.releases_by_gemeente, Scope(year_from=2024, year_to=2024)
    )
    amsterdam, _ = reading["both"](
        queries.outflow, Scope(year_from=2024, year_to=2024, gemeenten=("GM0363",))
    )
    assert (
        by_gemeente.filter(pl.col("gemeente_code") == "GM0363")["n_releases"][0]
        == amsterdam["n_releases"][0]
    )
    # Another process: `terugkeer figures` gives the same national 2024 count.
    cli = {y["year"]: y for y in _figures_json(store)["years"]}
    assert cli[2024]["releases"] == by_year["n_releases"][0]
    # After a rebuild of the same data, the same noise.
    rebuilt = copy_warehouse(store, tmp_path / "rebuilt.duckdb")
    con = connect(rebuilt)
    build(con)
    con.close()
    again = {y["year"]: y for y in _figures_json(rebuilt)["years"]}
    assert again[2024]["releases"] == cli[2024]["releases"]


def test_figures_exact_gives_the_exact_counts_and_is_audited(store: Path) -> None:
    import duckdb

    from people import appdb

    exact = {y["year"]: y for y in _figures_json(store, "--exact")["years"]}
    con = duckdb.connect(str(store), read_only=True)
    truth = dict(
        con.execute(
            "SELECT release_year, CAST(count(*) AS BIGINT) FROM core_releases GROUP BY 1"
        ).fetchall()
    )
    con.close()
    assert {year: row["releases"] for year, row in exact.items()} == truth
    noisy = {y["year"]: y["releases"] for y in _figures_json(store)["years"]}
    assert noisy != {year: row["releases"] for year, row in exact.items()}
    trail = appdb.audit_trail(appdb.open_database(store))
    assert [a["action"] for a in trail].count("figures_exact") == 1


def test_the_dashboard_shows_the_same_noisy_cells_as_the_cli_and_explains_them(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard (another process than `terugkeer figures`) shows the same perturbed
    national releases per year, and Over de cijfers shows the table in force."""
    from streamlit.testing.v1 import AppTest

    from dashboard import texts
    from published import labels, reader
    from published.format import nl_int
    from published.labels import COL

    cli = {str(y["year"]): nl_int(y["releases"]) for y in _figures_json(store)["years"]}
    monkeypatch.setenv("TERUGKEER_WAREHOUSE", str(store))
    monkeypatch.setenv("TERUGKEER_CELL_KEY_MAX_NOISE", "2")
    reader.release()
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("views/uitstroom.py").run()
    assert not app.exception
    outflow = app.dataframe[0].value
    shown = dict(zip(outflow[COL["period"]], outflow[labels.TOTAL], strict=True))
    assert len(shown) >= 10  # the dashboard's default period: the complete years
    assert shown == {year: cli[year] for year in shown}
    app.switch_page("views/toelichting.py").run()
    assert not app.exception
    ptable_shown = app.dataframe[0].value
    last = ptable_shown[ptable_shown[texts.CELL_KEY_COUNT] == "12 of meer"].iloc[0]
    assert [last[f"{d:+d}"] for d in range(-2, 3)] == ["6,4%", "24,5%", "38,3%", "24,5%", "6,4%"]
    # A cohort of 100 with 50 re-offenders: at worst 52 of 98 = 53.06%, 3.1 points off.
    assert "hooguit **3,1** procentpunt" in "".join(m.value for m in app.markdown)
    reader.release()
