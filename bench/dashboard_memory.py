"""Memory of the real dashboard server while headless Chromium visits every page.

Starts `streamlit run dashboard/app.py` with the project's settings against a warehouse, opens
each page under several filter selections (through the link's query parameters, as a shared
link would), waits for each run to finish, and reads the server process's resident memory:
idle after start, and its high-water mark (VmHWM) at the end.
Usage: python bench/dashboard_memory.py WAREHOUSE [--json F]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PAGES = (
    "",
    "uitstroom",
    "leefgebieden",
    "recidive",
    "vergelijken",
    "succesfactoren",
    "effectmeting",
    "gemeenteprofiel",
    "zelfscan",
    "datakwaliteit",
    "aanleveren",
)
SELECTIONS = ("", "?pi=zwolle", "?geslacht=V&leeftijd=18-22", "?gemeente=GM0363", "?van=2020")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def _wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the dashboard server did not start") from None
            time.sleep(0.5)


def start_dashboard(warehouse: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run` of the dashboard on `warehouse`, on loopback; (process, url) once healthy."""
    from cli.main import streamlit_flags

    port = _free_port()
    # Local mode, as `terugkeer dashboard` on loopback without login chooses it.
    env = {**os.environ, "TERUGKEER_WAREHOUSE": str(warehouse), "TERUGKEER_LOCAL_MODE": "1"}
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
               *streamlit_flags(port=port), "--server.address=127.0.0.1"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
    except RuntimeError:
        process.kill()
        raise
    return process, url


def write_result(result: dict, path: Path | None) -> None:
    """Print a measurement as JSON, and write it to `path` too when given."""
    text = json.dumps(result, indent=1)
    if path:
        path.write_text(text)
    print(text)


def _settle(page) -> None:
    page.wait_for_selector("h1", timeout=120_000)
    for busy in ("stStatusWidget", "stSkeleton"):
        page.wait_for_function(
            f"() => !document.querySelector('[data-testid=\"{busy}\"]')", timeout=300_000
        )


def measure(warehouse: Path) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        return {"skipped": "Debian's chromium is not installed"}
    process, url = start_dashboard(warehouse)
    try:
        idle = _memory_mb(process.pid)["VmRSS"]
        views = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            for selection in SELECTIONS:
                for name in PAGES:
                    page.goto(f"{url}/{name}{selection}")
                    _settle(page)
                    views += 1
            browser.close()
        memory = _memory_mb(process.pid)
        return {
            "idle_rss_mb": idle,
            "end_rss_mb": memory["VmRSS"],
            "peak_rss_mb": memory["VmHWM"],
            "page_views": views,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    write_result(measure(args.warehouse), args.json)


if __name__ == "__main__":
    main()
