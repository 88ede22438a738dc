"""How many page views per second the dashboard sustains: one process, and two processes
behind the proxy (the checked-in deployment: deploy/supervisor, deploy/haproxy; measured
behind nginx before issue 36), under 1, 2, 4 and 8 concurrent protocol-level sessions
(bench/load.py: Streamlit's websocket messages, no browser).
Usage: python bench/dashboard_protocol.py WAREHOUSE [--json F] [--seconds S]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402
from dashboard_memory import _free_port, _wait_healthy, start_dashboard, write_result  # noqa: E402

SESSIONS = (1, 2, 4, 8)
P95_LIMIT = 2.0


def _sweep(url: str, pids: list[int], seconds: float) -> dict:
    load.measure(url, 2, min(seconds, 5.0), pids)  # warm the caches of every process
    runs = [load.measure(url, n, seconds, pids) for n in SESSIONS]
    within = [r for r in runs if r["p95"] is not None and r["p95"] < P95_LIMIT]
    best = max(within, key=lambda r: r["views_per_second"]) if within else None
    shared = load.measure(url, 4, seconds, pids, shared=True)
    return {
        "runs": runs,
        "sustained_views_per_second": best["views_per_second"] if best else 0.0,
        "at_sessions": best["sessions"] if best else None,
        "cpu_seconds_per_view": best["server_cpu_seconds_per_view"] if best else None,
        "shared_views_4_sessions": shared,
    }


def measure(warehouse: Path, seconds: float) -> dict:
    server, url = start_dashboard(warehouse)  # one process
    try:
        one = _sweep(url, [server.pid], seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Two processes behind the proxy: the checked-in deployment (supervisord + HAProxy), in
    # local mode (no login: a benchmark on loopback).
    from tests.support import (
        service_user_home,
        start_deployment,
        stop_deployment,
        supervised_pids,
    )

    workdir = Path(tempfile.mkdtemp(prefix="terugkeer-bench-proxy-"))
    workdir.chmod(0o755)
    service_user_home(warehouse.parent)  # as root the dashboards run as the service user
    proxy_port = _free_port()
    ports = (proxy_port, _free_port(), _free_port(), _free_port())
    serve, env, _ = start_deployment(workdir, warehouse, ports, None)
    try:
        url = f"http://127.0.0.1:{proxy_port}"
        _wait_healthy(url, serve)
        two = _sweep(url, supervised_pids(env), seconds)
    finally:
        stop_deployment(serve)
        shutil.rmtree(workdir, ignore_errors=True)
    one_rate, two_rate = one["sustained_views_per_second"], two["sustained_views_per_second"]
    return {
        "seconds": seconds,
        "one_process": one,
        "two_processes_nginx": two,
        "two_vs_one": round(two_rate / one_rate, 2) if one_rate else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    write_result(measure(args.warehouse.resolve(), args.seconds), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
