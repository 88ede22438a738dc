"""Many people at once, without browsers: N concurrent sessions speak Streamlit's own websocket
protocol (the BackMsg/ForwardMsg protobufs that ship with streamlit) to a running dashboard,
each asking for page after page, and the time from asking until the script run has finished
is counted. Loopback only, bounded in sessions and seconds.

    python bench/load.py http://127.0.0.1:8501 --sessions 4 --seconds 20 [--pid PID] [--json F]

A page view = one `rerun_script` for a page (its URL path and a filter selection as query
string) until the server's `script_finished`. With --pid (the server's process, or several
comma-separated), the server CPU seconds spent per page view are read from /proc.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

PAGES = ("", "uitstroom", "leefgebieden", "recidive", "vergelijken", "gemeenteprofiel")
SELECTIONS = ("", "pi=zwolle", "geslacht=V", "gemeente=GM0363", "van=2020", "leeftijd=18-22")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def cpu_seconds(pids: list[int]) -> float:
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


def stream_url(url: str) -> str:
    """The websocket address of Streamlit's protocol on the server at `url`."""
    return url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"


async def view(ws: Any, page: str, query: str = "") -> tuple[float, int, bytes]:
    """One page view on an open session: (seconds until the script run finished, the error
    boxes it drew, every message it sent as received)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.page_name = page
    back.rerun_script.query_string = query
    started = time.perf_counter()
    await ws.send(back.SerializeToString())
    errors, received = 0, []
    while True:
        raw = await ws.recv()
        received.append(raw)
        message = ForwardMsg()
        message.ParseFromString(raw)
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
            errors += 1
        if kind == "script_finished":
            return time.perf_counter() - started, errors, b"".join(received)


async def _session(url: str, index: int, until: float, shared: bool, out: list[float]) -> int:
    import websockets

    errors = 0
    async with websockets.connect(stream_url(url), subprotocols=["streamlit"], max_size=None) as ws:
        step = 0
        while time.monotonic() < until:
            page = PAGES[(index + step) % len(PAGES)]
            # shared: everyone asks for the default views (the same for everyone)
            query = "" if shared else SELECTIONS[(index * 7 + step) % len(SELECTIONS)]
            seconds, drawn, _ = await view(ws, page, query)
            errors += drawn
            out.append(seconds)
            step += 1
    return errors


async def _run(url: str, sessions: int, seconds: float, shared: bool) -> tuple[list[float], int]:
    latencies: list[float] = []
    until = time.monotonic() + seconds
    errors = await asyncio.gather(
        *(_session(url, i, until, shared, latencies) for i in range(sessions))
    )
    return latencies, sum(errors)


def measure(
    url: str, sessions: int, seconds: float, pids: list[int] | None = None, shared: bool = False
) -> dict:
    host = url.split("//", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if host not in LOOPBACK:
        raise SystemExit("the load generator talks to loopback only")
    if not 1 <= sessions <= 64 or not 0 < seconds <= 600:
        raise SystemExit("1-64 sessions for at most 600 seconds")
    cpu_before = cpu_seconds(pids) if pids else None
    started = time.perf_counter()
    latencies, errors = asyncio.run(_run(url, sessions, seconds, shared))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    result = {
        "sessions": sessions,
        "seconds": round(elapsed, 2),
        "page_views": len(latencies),
        "views_per_second": round(len(latencies) / elapsed, 2),
        "p50": round(statistics.median(ordered), 3) if ordered else None,
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3)
        if ordered
        else None,
        "exceptions": errors,
        "shared_views": shared,
    }
    if pids:
        cpu = cpu_seconds(pids) - cpu_before
        result["server_cpu_seconds_per_view"] = round(cpu / max(len(latencies), 1), 3)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--pid", help="server process id(s), comma-separated")
    parser.add_argument("--shared", action="store_true", help="everyone asks the default views")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    pids = [int(p) for p in args.pid.split(",")] if args.pid else None
    result = measure(args.url, args.sessions, args.seconds, pids, args.shared)
    text = json.dumps(result, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
