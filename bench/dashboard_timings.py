"""Server-side time of each dashboard page: first render (empty caches) and filter changes.

Runs the real app under streamlit.testing.v1.AppTest against a warehouse and reports, per
page, the first render and the p50/p95 of a series of filter changes (each a new selection,
so its queries miss the cache).
Usage: python bench/dashboard_timings.py WAREHOUSE [--rounds N] [--warmup N] [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "dashboard" / "app.py")
PAGES = (
    "overzicht",
    "uitstroom",
    "leefgebieden",
    "recidive",
    "vergelijken",
    "succesfactoren",
    "effectmeting",
    "gemeenteprofiel",
    "inrichtingsprofiel",
    "datakwaliteit",
    "aanleveren",
)
# Filter changes a user makes: a PI, a sex, an age band, a period, a municipality.
CHANGES = (
    ("f_pi", ["zwolle"]),
    ("f_sex", ["V"]),
    ("f_age", ["18-22"]),
    ("f_pi", ["almelo", "vught"]),
    ("f_sex", []),
    ("f_age", ["30-39", "40-49"]),
    ("f_gemeente", ["GM0363"]),
    ("f_provincie", ["Overijssel"]),
    ("f_pi", []),
    ("f_gemeente", []),
)


def _timed(run) -> float:
    """The app's own measure of its script run (app.py), without AppTest's polling."""
    app = run()
    return app.session_state["last_run_ms"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(round(q * (len(ordered) - 1)))]


def measure(warehouse: Path, rounds: int = 1, warmup: int = 1) -> dict:
    """Per page: first render (caches cleared) and filter changes, over `rounds` rounds
    after `warmup` unrecorded ones. First render: median/min/max of the rounds; filter
    change: p50/p95/max of all changes of all rounds."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["TERUGKEER_WAREHOUSE"] = str(warehouse)
    # A running server has imported its modules before the first user arrives.
    AppTest.from_file(APP, default_timeout=300).run()
    firsts: dict[str, list[float]] = {page: [] for page in PAGES}
    changes: dict[str, list[float]] = {page: [] for page in PAGES}
    for round_number in range(warmup + rounds):
        for page in PAGES:
            first, times = _one_page(AppTest, st, page)
            if round_number >= warmup:
                firsts[page].append(first)
                changes[page] += times
    results: dict = {"pages": {}}
    for page in PAGES:
        results["pages"][page] = {
            "first_render_ms": _summary(firsts[page]),
            "filter_change_ms": {
                "p50": round(_percentile(changes[page], 0.5), 1),
                "p95": round(_percentile(changes[page], 0.95), 1),
                "max": round(max(changes[page]), 1),
                "n": len(changes[page]),
            },
        }
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def _summary(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "n": len(values),
    }


def _clear(st) -> None:
    """Forget every cached query, table and figure (each measured run is a cache miss)."""
    from published import cache

    st.cache_data.clear()
    cache.clear()


def _one_page(AppTest, st, page: str) -> tuple[float, list[float]]:  # noqa: N803
    _clear(st)
    app = AppTest.from_file(APP, default_timeout=300)
    if page == "overzicht":
        first = _timed(app.run)
    else:
        app.run()
        _clear(st)
        first = _timed(lambda: app.switch_page(f"views/{page}.py").run())
    _check(app)
    times = []
    for key, value in CHANGES:
        widget = app.sidebar.multiselect(key=key)
        times.append(_timed(lambda w=widget, v=value: w.set_value(v).run()))
        _check(app)
    return first, times


def _check(app) -> None:
    if app.exception:
        raise RuntimeError(f"the page raised: {[e.message for e in app.exception]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    results = measure(args.warehouse, rounds=args.rounds, warmup=args.warmup)
    for page, r in results["pages"].items():
        print(page, r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
