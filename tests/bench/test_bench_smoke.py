"""`make bench` in miniature: every case runs once at a tiny scale and writes its results.

No timing is asserted (timings belong to bench/README.md); what is checked is that the
benchmark completes, that results.json and the README tables are well formed, and that the
pandas alternative and the floor did the same work as the ingest (same rows).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from basis.settings import ROOT
from store.priority import WRITER_NICENESS

sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402
import run  # noqa: E402

pytestmark = pytest.mark.bench
SCALE = "0.005"


@pytest.fixture(scope="module")
def bench_results(module_dir: Path) -> dict:
    workdir = module_dir
    out, readme = workdir / "results.json", workdir / "README.md"
    readme.write_text(f"# Benchmarks\n\nHand-written text.\n\n{report.START}\nold\n{report.END}\n")
    code = run.main(
        [
            "--scales",
            SCALE,
            "--runs",
            "2",
            "--warmup",
            "0",
            "--cases",
            *[
                c
                for c in run.DEFAULT_CASES
                if c not in ("dashboard_memory", "dashboard_protocol", "api_load")
                # One delivery kind under each load: they differ only in the file.
                and not (
                    c.startswith(("dashboard_load_", "dashboard_readers_"))
                    and not c.endswith("_pi")
                )
            ],  # fmt: skip
            "--workdir",
            str(workdir / "work"),
            "--out",
            str(out),
            "--readme",
            str(readme),
        ]
    )
    return {"code": code, "results": json.loads(out.read_text()), "readme": readme.read_text()}


def test_every_case_completes_with_its_measures(bench_results: dict) -> None:
    assert bench_results["code"] == 0
    cases = bench_results["results"]["scales"][SCALE]
    for case in run.cases.CASES:
        summary = cases[case]
        assert "error" not in summary, summary
        assert summary["n"] == 2 and len(summary["runs_seconds"]) == 2
        s = summary["seconds"]
        assert 0 < s["min"] <= s["median"] <= s["max"]
        assert summary["peak_rss_mb"]["max"] > 10


def test_the_alternatives_do_the_same_work_as_the_ingest(bench_results: dict) -> None:
    cases = bench_results["results"]["scales"][SCALE]
    # Every data row of every file, read by the floor and by the ingest alike.
    assert cases["ingest_floor"]["rows"] == cases["ingest"]["rows"] > 1000
    # The pandas alternative keeps exactly the rows our validation keeps.
    assert cases["ingest_pandas"]["rows_loaded"] == cases["ingest"]["rows_loaded"]
    assert cases["ingest"]["rows_loaded"] < cases["ingest"]["rows"]  # some demo rows are bad
    ratios = cases["ratios"]
    assert ratios["ingest_vs_floor"] == pytest.approx(
        cases["ingest"]["seconds"]["median"] / cases["ingest_floor"]["seconds"]["median"],
        abs=0.01,
    )


def test_dashboard_pages_are_timed(bench_results: dict) -> None:
    dashboard = bench_results["results"]["scales"][SCALE]["dashboard"]
    # Every page but the Zelfscan (its work is a click on an answer, not a filter) and Beheer
    # (user administration), Over de cijfers and Toegankelijkheid (texts without filters).
    views = {p.stem for p in (ROOT / "dashboard" / "views").glob("*.py")} - {"__init__"}
    untimed = {"zelfscan", "beheer", "toelichting", "toegankelijkheid"}
    assert set(dashboard["pages"]) == views - untimed
    for page in dashboard["pages"].values():
        assert page["first_render_ms"]["n"] == 2
        assert page["filter_change_ms"]["n"] == 20
        assert 0 < page["filter_change_ms"]["p50"] <= page["filter_change_ms"]["p95"]


def test_the_readme_tables_replace_only_the_generated_part(bench_results: dict) -> None:
    text = bench_results["readme"]
    assert text.startswith("# Benchmarks\n\nHand-written text.\n")
    assert "\nold\n" not in text
    generated = text.split(report.START)[1].split(report.END)[0]
    assert "| Ingest (read, privacy, validate, load) |" in generated
    assert "### Dashboard (server side, AppTest; ms)" in generated
    tables, current = [], []
    for line in generated.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    assert len(tables) >= 4  # pipeline, ingest comparison, dashboard pages, dashboard memory
    for table in tables:
        # Every row has as many cells as the header.
        assert {row.count("|") for row in table} == {table[0].count("|")}, table


def test_every_delivery_kind_is_measured_and_shown_side_by_side(bench_results: dict) -> None:
    """Issue 33: a case per delivery kind at rest; under a browser's load (here the PI's
    only); one table with a row per kind."""
    cases = bench_results["results"]["scales"][SCALE]
    for kind in ("pi", "recidive", "reclassering", "nazorg"):
        assert cases[f"delivery_{kind}"]["rows"] > 0
        assert cases[f"delivery_{kind}"]["rebuilt"] > 0
    load = cases["dashboard_load_pi"]
    assert "error" not in load, load
    assert load["seconds"] >= load["published_seconds"] > 0
    # The page p95s are over both runs' loads together (twelve at rest in each run).
    assert load["runs"] == 2 and len(load["p95_ratios_by_run"]) == 2
    assert load["rest_loads"] == 2 * 12 and load["during_loads"] >= 2
    assert load["p95_ratio"] == load["during_p95"] / load["rest_p95"]
    generated = bench_results["readme"].split(report.START)[1].split(report.END)[0]
    assert "### Every delivery kind: at rest, and while the dashboard serves" in generated
    for label in report.DELIVERY_KINDS.values():
        assert f"| {label} | {SCALE} |" in generated


def test_the_load_gives_way_to_the_readers_unless_told_not_to(bench_results: dict) -> None:
    """The same PI month under the browser's load, as `terugkeer ingest` runs it (nice 10:
    store/priority.WRITER_NICENESS) and at the bench's own priority; both shown side by
    side."""
    cases = bench_results["results"]["scales"][SCALE]
    yielding, normal = cases["dashboard_load_pi"], cases["dashboard_load_normal_pi"]
    ours = os.getpriority(os.PRIO_PROCESS, 0)  # the bench's own (0 unless run under nice)
    assert (yielding["writer"], yielding["writer_nice"]) == (
        "yielding",
        max(ours, WRITER_NICENESS),
    )
    assert (normal["writer"], normal["writer_nice"]) == ("normal", ours)
    assert normal["seconds"] >= normal["published_seconds"] > 0
    generated = bench_results["readme"].split(report.START)[1].split(report.END)[0]
    assert "### Giving way to the readers, or not" in generated
    label = report.DELIVERY_KINDS["pi"]
    assert f"| {label} | {SCALE} | gives way (nice 10, one thread) |" in generated
    assert f"| {label} | {SCALE} | normal priority, every core |" in generated


def test_the_readers_browsers_elsewhere_and_who_used_the_cpu(bench_results: dict) -> None:
    """The PI month while protocol readers ask for pages (paced, and back to back), and the
    CPU the load, the server and the readers' side used meanwhile, for every load."""
    cases = bench_results["results"]["scales"][SCALE]
    paced, busy = cases["dashboard_readers_pi"], cases["dashboard_readers_busy_pi"]
    for load, sessions, think in ((paced, 4, 2.0), (busy, 2, 0.0)):
        assert "error" not in load, load
        assert (load["readers"], load["sessions"], load["think_seconds"]) == (
            "protocol",
            sessions,
            think,
        )
        assert load["writer_nice"] >= WRITER_NICENESS
        assert load["seconds"] >= load["published_seconds"] > 0
        # At least forty page loads at rest in each of the two runs (readers back to back
        # finish a few more before the bench, looking every 50 ms, ends the phase), pooled.
        assert load["rest_loads"] >= 2 * 40
        assert load["p95_ratio"] == load["during_p95"] / load["rest_p95"]
    for load in (paced, busy, cases["dashboard_load_pi"]):
        cpu = load["cpu_seconds"]
        assert cpu["load"] > 0 and cpu["server"] > 0 and cpu["readers"] >= 0
        # The machine's CPU is the three together (the readers' side is what is left).
        assert cpu["load"] + cpu["server"] <= cpu["machine"] + 0.2
    generated = bench_results["readme"].split(report.START)[1].split(report.END)[0]
    label = report.DELIVERY_KINDS["pi"]
    assert "### The readers' browsers on their own machines" in generated
    assert "### Who used the CPU while the delivery loaded" in generated
    for readers in ("a browser, back to back", *report.READERS_CASES.values()):
        assert f"| {label} | {SCALE} | {readers} |" in generated
