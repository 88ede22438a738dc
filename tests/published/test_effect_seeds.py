"""Effectmeting over several demo seeds (issue 35): the intervals cover the effects the
simulator planted (its average effect on the treated, each treated release's outcome with and
without, the same random draws), and a placebo (a "way of working" in a municipality that
changed nothing) covers 0.

Three demos at half the national size (seeds 2-4, ~30 s each). A 95% interval misses the
truth one time in twenty, so each check asks for coverage in at least two of the three seeds
(a correct interval fails that with probability 3 x 0.05^2 = 0.7%); every interval is printed
when one misses.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from intake.demo.generate import generate_demo
from published import reader
from published.effect import Definition, evaluate
from store.build import build
from store.ingest import ingest_paths
from store.warehouse import connect

SEEDS = (2, 3, 4)
DEFINITIONS = {
    "onder_toezicht": Definition(condition="onder_toezicht"),
    # The demo's way of working (intake/demo/truth.py): Rotterdam residents released from
    # PI Rotterdam from July 2019.
    "way_of_working": Definition(
        start=dt.date(2019, 7, 1), gemeenten=("GM0599",), pis=("rotterdam",)
    ),
    "placebo": Definition(start=dt.date(2019, 7, 1), gemeenten=("GM0344",)),  # Utrecht
}


@pytest.fixture(scope="module")
def results(module_dir: Path) -> list[dict]:
    out = []
    for seed in SEEDS:
        root = module_dir / f"seed{seed}"
        root.mkdir()
        demo = generate_demo(root / "exports", (2015, 2024), 0.5, seed=seed, messy=0)
        path = Path(root / "warehouse.duckdb")
        con = connect(path)
        ingest_paths(con, [root / "exports"])
        build(con)
        con.close()
        reader.use_store(path)
        try:
            found = {name: evaluate(d) for name, d in DEFINITIONS.items()}
        finally:
            reader.release()
        out.append({"seed": seed, "truth": demo.truth, **found})
    return out


def _covered(results: list[dict], name: str, estimate: str, truth: str | None) -> None:
    """At least two of the seeds' intervals of `estimate` (difference_ky or did_ky) hold the
    truth (`truth` att_ky of the planted effect, or 0 when None)."""
    for k in (1, 2):
        rows = []
        for r in results:
            interval = r[name][f"{estimate}_{k}y"]
            target = 0.0 if truth is None else r["truth"][truth][f"att_{k}y"]
            rows.append((r["seed"], target, interval["low"], interval["high"]))
        hits = sum(low <= target <= high for _, target, low, high in rows)
        assert hits >= 2, (name, estimate, k, rows)


def test_the_matched_interval_covers_the_supervision_effect(results: list[dict]) -> None:
    _covered(results, "onder_toezicht", "difference", "onder_toezicht")


def test_the_naive_difference_misses_the_confounded_supervision_effect(
    results: list[dict],
) -> None:
    """The supervised served longer, and a longer stay goes with more recidivism: the naive
    difference lies outside the matched interval, further from 0, in every seed."""
    for r in results:
        for k in (1, 2):
            d = r["onder_toezicht"][f"difference_{k}y"]
            assert d["naive"] < d["low"], (r["seed"], k, d)


def test_the_way_of_working_is_covered_by_both_estimates(results: list[dict]) -> None:
    _covered(results, "way_of_working", "did", "way_of_working")
    _covered(results, "way_of_working", "difference", "way_of_working")


def test_the_placebo_covers_no_effect(results: list[dict]) -> None:
    _covered(results, "placebo", "difference", None)
    _covered(results, "placebo", "did", None)
