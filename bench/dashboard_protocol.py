"""How many page views per second the dashboard sustains: one process, and two processes
behind nginx (deploy/serve.py), under 1, 2, 4 and 8 concurrent protocol-level sessions
(bench/load.py: Streamlit's websocket messages, no browser).
Usage: python bench/dashboard_protocol.py WAREHOUSE [--json F] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
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
    env = {**os.environ, "TERUGKEER_WAREHOUSE": str(warehouse)}
    server, url = start_dashboard(warehouse)  # one process
    try:
        one = _sweep(url, [server.pid], seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Two processes behind nginx.
    workdir = Path(tempfile.mkdtemp(prefix="terugkeer-bench-proxy-"))
    proxy_port, first = _free_port(), _free_port()
    # As root, serve.py runs the dashboards as the service user: the store becomes theirs.
    from tests.support import service_user_home

    service_user_home(workdir)
    user, _ = service_user_home(warehouse.parent)
    serve = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "serve.py"), "--store", str(warehouse),
         "--dashboards", "2", "--first-port", str(first), "--port", str(proxy_port),
         "--workdir", str(workdir), "--local", *user],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        state_file = workdir / "state.json"
        deadline = time.monotonic() + 120
        while True:
            state = json.loads(state_file.read_text()) if state_file.exists() else {}
            members = state.get("dashboards", {})
            if len(members) == 2 and all(d["in_proxy"] for d in members.values()):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the two-process deployment did not come up")
            time.sleep(1)
        url = f"http://127.0.0.1:{proxy_port}"
        _wait_healthy(url, serve)
        two = _sweep(url, [d["pid"] for d in members.values()], seconds)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
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
