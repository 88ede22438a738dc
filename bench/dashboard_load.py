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

`--readers protocol` puts the readers' browsers on their own machines: `--sessions` readers
ask for the same pages through Streamlit's own protocol (bench/load.py), each `--think`
seconds after the last page came. The server does the same work; the drawing, which took
Chromium about two thirds of this machine's CPU while it loaded pages beside the server, is
not done here. Every load reports who used the CPU while it ran (`cpu_seconds`).
Usage: python bench/dashboard_load.py WAREHOUSE [--delivery KIND] [--json F] [--rest N]
       [--runs N] [--writer yielding|normal] [--readers browser|protocol] [--sessions N]
       [--think S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402
from dashboard_memory import _settle, start_dashboard, write_result  # noqa: E402

PAGES = ("", "uitstroom", "leefgebieden", "recidive")
VERSION = re.compile(rb"\(versie (\d+)\)")  # the sidebar's publication version
SHOWN_WITHIN = 600  # seconds: a delivery not shown by then is a failure
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


@contextlib.contextmanager
def _serving(warehouse: Path, kind: str) -> Iterator[tuple[Path, Path, subprocess.Popen, str]]:
    """A copy of the store (and its publications) served by the real server: (the copy, the
    next delivery of `kind`, the server, its address)."""
    from cases import next_delivery

    from store.publish import publications_dir

    scratch = Path(tempfile.mkdtemp(prefix="terugkeer-bench-load-"))
    try:
        store = scratch / "warehouse.duckdb"
        shutil.copy(warehouse, store)
        shutil.copytree(publications_dir(warehouse), publications_dir(store))
        delivery = next_delivery(kind, warehouse.parent / "demo", scratch)
        server, url = start_dashboard(store)
        try:
            yield store, delivery, server, url
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# CPU seconds used so far: (the whole machine's (None: no /proc/stat), the server's, those of
# this process's children that ended: the load, once it has been waited for).
Cpu = tuple[float | None, float, float]


def _cpu(server: int) -> Cpu:
    from store.priority import sample

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return sample().machine, load.cpu_seconds([server]), children.ru_utime + children.ru_stime


def _cpu_split(before: Cpu, after: Cpu) -> dict:
    """Who took the machine's CPU while the load ran: the load, the dashboard server, and
    the rest (`readers`: the browser and its driver, or the protocol readers, and the bench)."""
    server, work = after[1] - before[1], after[2] - before[2]
    machine = None if before[0] is None or after[0] is None else after[0] - before[0]
    return {
        "load": work,
        "server": server,
        "readers": None if machine is None else max(0.0, machine - work - server),
        "machine": machine,
    }


def _start(store: Path, delivery: Path, writer: str) -> subprocess.Popen:
    return subprocess.Popen(
        ingest_command(store, delivery, writer),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _nice(process: subprocess.Popen, seen: int) -> int:
    with contextlib.suppress(OSError):  # (it may have ended just now)
        return max(seen, os.getpriority(os.PRIO_PROCESS, process.pid))
    return seen


def _result(rest: list[float], during: list[float], **measured: float | int | dict | None) -> dict:
    return {
        **measured,
        "rest_p95": _p95(rest),
        "during_p95": _p95(during) if during else None,
        "rest_loads": len(rest),
        "during_loads": len(during),
        "p95_ratio": _p95(during) / _p95(rest) if during else None,
        "rest_loads_seconds": rest,
        "during_loads_seconds": during,
    }


def measure(
    warehouse: Path, rest_loads: int = 12, kind: str = "nazorg", writer: str = "yielding"
) -> dict:
    """The delivery while headless Chromium, on this machine, loads pages back to back."""
    from playwright.sync_api import sync_playwright

    with _serving(warehouse, kind) as (store, delivery, server, url):
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1600})

            def load_page(path: str) -> float:
                started = time.perf_counter()
                page.goto(f"{url}/{path}")
                _settle(page)
                return time.perf_counter() - started

            for path in PAGES:  # warm: the caches a running dashboard has
                load_page(path)
            rest = [load_page(PAGES[i % len(PAGES)]) for i in range(rest_loads)]
            shown = page.get_by_text("(versie ").first.inner_text()
            version = int(VERSION.search(shown.encode()).group(1))
            cpu_before = _cpu(server.pid)
            started, started_at = time.perf_counter(), time.time()
            ingest = _start(store, delivery, writer)
            # The sidebar names the publication's version (its last delivery): the new
            # delivery is visible when a page shows the version after the one shown before
            # the load. (The command goes on after it publishes: the store's checkpoint and
            # the audit line; its pages still count as during the load.)
            newer = page.get_by_text(f"(versie {version + 1})")
            during, visible, i, nice = [], None, 0, 0
            while ingest.poll() is None:
                during.append(load_page(PAGES[i % len(PAGES)]))
                i += 1
                nice = _nice(ingest, nice)
                if visible is None and newer.count():
                    visible = time.perf_counter() - started
            load_seconds = time.perf_counter() - started
            cpu = _cpu_split(cpu_before, _cpu(server.pid))
            if ingest.returncode != 0:
                raise RuntimeError(f"ingest failed: {ingest.stderr.read()[-300:]}")
            while visible is None:
                load_page("")
                if newer.count():
                    visible = time.perf_counter() - started
                elif time.perf_counter() - started > SHOWN_WITHIN:
                    raise RuntimeError("the new delivery never appeared")
                else:
                    page.wait_for_timeout(250)
            browser.close()
        published = _announced_at(store) - started_at
    return _result(
        rest, during, seconds=visible, ingest_seconds=load_seconds,
        published_seconds=published, writer_nice=nice, cpu_seconds=cpu,
    )  # fmt: skip


def measure_protocol(
    warehouse: Path,
    rest_loads: int = 40,
    kind: str = "nazorg",
    writer: str = "yielding",
    sessions: int = 4,
    think: float = 2.0,
) -> dict:
    """The delivery while `sessions` readers ask for pages through Streamlit's own protocol
    (bench/load.py), each a page every `think` seconds after the last one came: the server
    does the same work as for a browser, the drawing is left to the readers' own machines."""
    with _serving(warehouse, kind) as (store, delivery, server, url):
        result = asyncio.run(
            _protocol_readers(store, delivery, server.pid, url, rest_loads, writer, sessions, think)
        )
        result["published_seconds"] = _announced_at(store) - result.pop("started_at")
    return result


async def _protocol_readers(
    store: Path,
    delivery: Path,
    server: int,
    url: str,
    rest_loads: int,
    writer: str,
    sessions: int,
    think: float,
) -> dict:
    import websockets

    views: list[tuple[str, float, float, set[int]]] = []  # phase, started, seconds, versions
    phase = ["warm"]

    async def reader(index: int) -> None:
        await asyncio.sleep(think * index / sessions)  # the readers not in step
        stream = load.stream_url(url)
        async with websockets.connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
            step = 0
            while True:
                path, now = PAGES[(index + step) % len(PAGES)], phase[0]
                started = time.perf_counter()
                seconds, errors, sent = await load.view(ws, path)
                if errors:
                    raise RuntimeError(f"the page '{path}' showed an error")
                views.append((now, started, seconds, {int(v) for v in VERSION.findall(sent)}))
                step += 1
                await asyncio.sleep(think)

    readers = [asyncio.create_task(reader(i)) for i in range(sessions)]

    async def until(done: Callable[[], bool]) -> None:
        deadline = time.perf_counter() + SHOWN_WITHIN
        while not done():
            for task in readers:
                if task.done():
                    task.result()  # raises what ended it
                    raise RuntimeError("a reader stopped")
            if time.perf_counter() > deadline:
                raise RuntimeError("the readers did not get there in time")
            await asyncio.sleep(0.05)

    try:
        # Warm: every reader has had each page once (the caches a running dashboard has).
        await until(lambda: len(views) >= sessions * len(PAGES))
        phase[0] = "rest"
        await until(lambda: sum(v[0] == "rest" for v in views) >= rest_loads)
        version = max(max(seen) for *_, seen in views if seen)
        cpu_before = _cpu(server)
        started, started_at = time.perf_counter(), time.time()
        phase[0] = "during"
        ingest, nice = _start(store, delivery, writer), 0
        while ingest.poll() is None:
            nice = _nice(ingest, nice)
            await asyncio.sleep(0.05)
        load_seconds = time.perf_counter() - started
        cpu = _cpu_split(cpu_before, _cpu(server))
        phase[0] = "after"
        if ingest.returncode != 0:
            raise RuntimeError(f"ingest failed: {ingest.stderr.read()[-300:]}")

        def shown() -> list[float]:
            return [s + d - started for _, s, d, seen in views if version + 1 in seen]

        await until(lambda: bool(shown()))
    finally:
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    rest = [seconds for when, _, seconds, _ in views if when == "rest"]
    during = [seconds for when, _, seconds, _ in views if when == "during"]
    return _result(
        rest, during, seconds=min(shown()), ingest_seconds=load_seconds, started_at=started_at,
        writer_nice=nice, cpu_seconds=cpu,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--rest", type=int, help="page loads at rest (12; protocol: 40)")
    parser.add_argument("--runs", type=int, default=1, help="median of this many loads")
    parser.add_argument("--delivery", default="nazorg", help="pi, recidive, reclassering, nazorg")
    parser.add_argument("--writer", choices=sorted(WRITERS), default="yielding")
    parser.add_argument("--readers", choices=("browser", "protocol"), default="browser")
    parser.add_argument("--sessions", type=int, default=4, help="protocol readers")
    parser.add_argument("--think", type=float, default=2.0, help="a protocol reader's pause, s")
    args = parser.parse_args()
    if args.readers == "browser":
        rest = args.rest or 12
        runs = [measure(args.warehouse, rest, args.delivery, args.writer) for _ in range(args.runs)]
        readers: dict = {"readers": "browser"}
    else:
        if not 1 <= args.sessions <= 64 or not 0 <= args.think <= 60:
            parser.error("1-64 protocol readers, pausing 0-60 s")
        rest = args.rest or 40
        runs = [
            measure_protocol(
                args.warehouse, rest, args.delivery, args.writer, args.sessions, args.think
            )
            for _ in range(args.runs)
        ]
        readers = {"readers": "protocol", "sessions": args.sessions, "think_seconds": args.think}
    pooled = ("rest_loads_seconds", "during_loads_seconds")
    result = {
        key: statistics.median(r[key] for r in runs) if runs[0][key] is not None else None
        for key in runs[0]
        if key not in (*pooled, "cpu_seconds")
    }
    result["cpu_seconds"] = {
        key: None if runs[0]["cpu_seconds"][key] is None
        else statistics.median(r["cpu_seconds"][key] for r in runs)
        for key in runs[0]["cpu_seconds"]
    }  # fmt: skip
    # The p95s over the page loads of every run together: one run's p95 of ten loads is its
    # slowest, and the median of three such maxima moved between 1.00x and 1.28x on the same
    # code.
    rest, during = ([s for r in runs for s in r[key]] for key in pooled)
    result["rest_p95"] = _p95(rest)
    result["during_p95"] = _p95(during) if during else None
    result["p95_ratio"] = result["during_p95"] / result["rest_p95"] if during else None
    write_result(
        {
            **result,
            **readers,
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
