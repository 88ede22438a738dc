"""Server-side time of each dashboard page: first render (empty caches) and filter changes.

Runs the real app under streamlit.testing.v1.AppTest against a warehouse and reports, per
page, the first render and the p50/p95 of a series of filter changes (each a new selection,
so its queries miss the cache). Usage: python bench/dashboard_timings.py WAREHOUSE [--json F]
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
    "gemeenteprofiel",
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


def measure(warehouse: Path) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["TERUGKEER_WAREHOUSE"] = str(warehouse)
    # Warm-up: a running server has imported its modules before the first user arrives.
    AppTest.from_file(APP, default_timeout=300).run()
    results = {}
    for page in PAGES:
        st.cache_data.clear()
        app = AppTest.from_file(APP, default_timeout=300)
        if page == "overzicht":
            first = _timed(app.run)
        else:
            app.run()
            st.cache_data.clear()
            first = _timed(lambda a=app, p=page: a.switch_page(f"views/{p}.py").run())
        assert not app.exception, [e.message for e in app.exception]
        changes = []
        for key, value in CHANGES:
            widget = app.sidebar.multiselect(key=key)
            changes.append(_timed(lambda w=widget, v=value: w.set_value(v).run()))
            assert not app.exception, [e.message for e in app.exception]
        changes.sort()
        results[page] = {
            "first_render_ms": round(first, 1),
            "filter_change_p50_ms": round(statistics.median(changes), 1),
            "filter_change_p95_ms": round(changes[int(round(0.95 * (len(changes) - 1)))], 1),
            "filter_change_max_ms": round(changes[-1], 1),
        }
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = measure(args.warehouse)
    for page, r in results.items():
        print(page, r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
