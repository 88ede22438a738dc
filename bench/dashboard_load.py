"""A load while the dashboard serves: how long until a running dashboard shows the next
delivery of a kind, and how page loads fare during the load against at rest.

Copies the warehouse (store and publications) to a scratch folder, starts the real server on
it, and lets headless Chromium load pages: first at rest, then continuously while
`terugkeer ingest` loads the next delivery of the kind (a PI's next month, the justice
records' next quarter, a probation organisation's or a municipality's next export: see
`intake.demo.generate`), then until the page shows the new publication's version. Page
load = from the navigation until Streamlit's run has finished and the page is drawn.

`--writer normal` runs the same command at the priority and with the threads of the
benchmark itself (every core), instead of giving way to the readers as a load does
(store/priority.py): what the two goals under load (shown soon, page loads not slower)
trade against each other on this machine.
Usage: python bench/dashboard_load.py WAREHOUSE [--delivery KIND] [--json F] [--rest N]
       [--runs N] [--writer yielding|normal]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from dashboard_memory import _settle, start_dashboard, write_result  # noqa: E402

PAGES = ("", "uitstroom", "leefgebieden", "recidive")
# How the load is started: as the command (`-m cli`: it gives way to the readers), or through
# cli.main.main with its arguments, which keeps the caller's priority and threads.
WRITERS = {
    "yielding": ["-m", "cli"],
    "normal": ["-c", "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))"],
}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _announced_at(store: Path) -> float:
    """When the current publication was announced: the time its pointer was written."""
    from store.publish import POINTER, publications_dir

    return (publications_dir(store) / POINTER).stat().st_mtime


def ingest_command(store: Path, delivery: Path, writer: str = "yielding") -> list[str]:
    """`terugkeer ingest` of `delivery` into `store`, started as `writer` (WRITERS)."""
    return [sys.executable, *WRITERS[writer], "ingest", "--warehouse", str(store), str(delivery)]


def measure(
    warehouse: Path, rest_loads: int = 12, kind: str = "nazorg", writer: str = "yielding"
) -> dict:
    from cases import next_delivery
    from playwright.sync_api import sync_playwright

    from store.publish import publications_dir

    scratch = Path(tempfile.mkdtemp(prefix="terugkeer-bench-load-"))
    try:
        store = scratch / "warehouse.duckdb"
        shutil.copy(warehouse, store)
        shutil.copytree(publications_dir(warehouse), publications_dir(store))
        delivery = next_delivery(kind, warehouse.parent / "demo", scratch)
        server, url = start_dashboard(store)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=shutil.which("chromium") or "chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                page = browser.new_page(viewport={"width": 1400, "height": 1600})

                def load(path: str) -> float:
                    started = time.perf_counter()
                    page.goto(f"{url}/{path}")
                    _settle(page)
                    return time.perf_counter() - started

                for path in PAGES:  # warm: the caches a running dashboard has
                    load(path)
                rest = [load(PAGES[i % len(PAGES)]) for i in range(rest_loads)]
                shown = page.get_by_text("(versie ").first.inner_text()
                version = int(re.search(r"\(versie (\d+)\)", shown).group(1))
                started, started_at = time.perf_counter(), time.time()
                ingest = subprocess.Popen(
                    ingest_command(store, delivery, writer),
                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
                # The sidebar names the publication's version (its last delivery): the new
                # delivery is visible when a page shows the version after the one shown
                # before the load. (The command goes on after it publishes: the store's
                # checkpoint and the audit line; its pages still count as during the load.)
                newer = page.get_by_text(f"(versie {version + 1})")
                during, visible, i, nice = [], None, 0, 0
                while ingest.poll() is None:
                    during.append(load(PAGES[i % len(PAGES)]))
                    i += 1
                    with contextlib.suppress(OSError):  # (it may have ended just now)
                        nice = max(nice, os.getpriority(os.PRIO_PROCESS, ingest.pid))
                    if visible is None and newer.count():
                        visible = time.perf_counter() - started
                load_seconds = time.perf_counter() - started
                if ingest.returncode != 0:
                    raise RuntimeError(f"ingest failed: {ingest.stderr.read()[-300:]}")
                while visible is None:
                    load("")
                    if newer.count():
                        visible = time.perf_counter() - started
                    elif time.perf_counter() - started > 600:
                        raise RuntimeError("the new delivery never appeared")
                    else:
                        page.wait_for_timeout(250)
                browser.close()
            published = _announced_at(store) - started_at
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {
        "seconds": visible,
        "ingest_seconds": load_seconds,
        "published_seconds": published,
        "rest_p95": _p95(rest),
        "during_p95": _p95(during) if during else None,
        "rest_loads": len(rest),
        "during_loads": len(during),
        "p95_ratio": _p95(during) / _p95(rest) if during else None,
        # The load's CPU priority (nice value) as seen while it ran.
        "writer_nice": nice,
        "rest_loads_seconds": rest,
        "during_loads_seconds": during,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rest", type=int, default=12)
    parser.add_argument("--runs", type=int, default=1, help="median of this many loads")
    parser.add_argument("--delivery", default="nazorg", help="pi, recidive, reclassering, nazorg")
    parser.add_argument("--writer", choices=sorted(WRITERS), default="yielding")
    args = parser.parse_args()
    runs = [
        measure(args.warehouse, args.rest, args.delivery, args.writer) for _ in range(args.runs)
    ]
    loads = ("rest_loads_seconds", "during_loads_seconds")
    result = {
        key: statistics.median(r[key] for r in runs) if runs[0][key] is not None else None
        for key in runs[0]
        if key not in loads
    }
    # The p95s over the page loads of every run together: one run's p95 of ten loads is its
    # slowest, and the median of three such maxima moved between 1.00x and 1.28x on the same
    # code.
    rest, during = ([s for r in runs for s in r[key]] for key in loads)
    result["rest_p95"] = _p95(rest)
    result["during_p95"] = _p95(during) if during else None
    result["p95_ratio"] = result["during_p95"] / result["rest_p95"] if during else None
    write_result(
        {
            **result,
            "rest_loads": len(rest),
            "during_loads": len(during),
            "p95_ratios_by_run": [r["p95_ratio"] for r in runs],
            "writer": args.writer,
            "runs": len(runs),
            "runs_seconds": [r["seconds"] for r in runs],
        },
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
