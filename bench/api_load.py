"""The OData API under load: 20 concurrent clients (each its own token) asking filtered
observations, for a number of seconds, against `terugkeer api` on the scale's store.
Reports requests/s, observations/s and latency percentiles, and any error.
Usage: python bench/api_load.py WAREHOUSE [--json F] [--seconds S] [--clients N]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from dashboard_memory import _free_port, write_result  # noqa: E402

QUERIES = (
    ("recidive_per_cohort", "Perioden eq '2020JJ00'"),
    ("per_gemeente_per_jaar_recidive_2y", "RegioS eq 'GM0363'"),
    ("per_gemeente_per_jaar_recidive_2y", "Perioden eq '2020JJ00'"),
    ("uitstroom_per_jaar_naar_pi_code", None),
    ("per_inrichting_per_jaar_tbo", "Measure eq 'rate'"),
)


def _get(url: str, token: str) -> tuple[int, int, float]:
    """(status, observations, seconds) of one request."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.loads(response.read())
            return response.status, len(body.get("value", [])), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, 0, time.perf_counter() - started


def measure(warehouse: Path, seconds: float, clients: int) -> dict:
    from people import appdb

    engine = appdb.open_database(warehouse)
    tokens = [appdb.add_token(engine, f"bench {i}", "os:bench")[1] for i in range(clients)]
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "api", "--warehouse", str(warehouse),
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/odata/v1/TKM"
    urls = [
        f"{base}/{dataset}/Observations" + (f"?$filter={urllib.parse.quote(f)}" if f else "")
        for dataset, f in QUERIES
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/odata/v1", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        first = [_get(url, tokens[0]) for url in urls]  # the first request of each dataset
        end = time.monotonic() + seconds

        def client(i: int) -> list[tuple[int, int, float]]:
            done = []
            while time.monotonic() < end:
                done.append(_get(urls[len(done) % len(urls)], tokens[i]))
            return done

        with concurrent.futures.ThreadPoolExecutor(clients) as pool:
            results = [r for rs in pool.map(client, range(clients)) for r in rs]
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(r[2] for r in results)

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 4)

    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(results),
        "errors": sum(r[0] != 200 for r in results),
        "requests_per_second": round(len(results) / seconds, 1),
        "observations_per_second": round(sum(r[1] for r in results) / seconds, 1),
        "p50_seconds": pct(0.5),
        "p95_seconds": pct(0.95),
        "first_request_seconds": round(max(r[2] for r in first), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    write_result(measure(args.warehouse.resolve(), args.seconds, args.clients), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
