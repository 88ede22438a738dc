"""`make bench`: time every stage at national scale and ten times it; write the results.

    python bench/run.py [--scales 1 10] [--runs 5] [--warmup 1] [--cases demo ingest ...]

For each scale, each case runs `warmup + runs` times, every time in a fresh Python process
(so memory high-water marks and caches do not carry over), with fixed seeds. The first run
of `demo` writes the scale's demo exports and the first run of `ingest` the warehouse that
the later cases read. Medians, minima and maxima of the recorded runs go to
bench/results.json, and report.py writes the tables into bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import cases  # noqa: E402
import report  # noqa: E402

# The slowest deliveries under load once more, their command at the bench's own priority and
# with every core (dashboard_load.py --writer normal): what giving way to the readers costs.
NORMAL_WRITER = "dashboard_load_normal_"
NORMAL_WRITER_KINDS = ("pi", "recidive")
# Every delivery while readers ask for pages through Streamlit's own protocol, their browsers
# on their own machines (dashboard_load.py --readers protocol): four readers each asking a
# page two seconds after the last came, and two asking back to back (a dashboard process at
# full load). The longer prefix first: the cases are told apart by it.
READERS = {
    "dashboard_readers_busy_": ["--sessions", "2", "--think", "0"],
    "dashboard_readers_": ["--sessions", "4", "--think", "2"],
}
DEFAULT_CASES = (
    *cases.CASES,
    "dashboard",
    "dashboard_memory",
    *(f"dashboard_load_{kind}" for kind in cases.DELIVERIES),
    *(f"{NORMAL_WRITER}{kind}" for kind in NORMAL_WRITER_KINDS),
    *(f"{prefix}{kind}" for prefix in reversed(READERS) for kind in cases.DELIVERIES),
    "dashboard_protocol",
    "api_load",
)
# The cases whose first run leaves behind what later cases read.
KEEPS_FIRST_RUN = ("demo", "ingest", "build")


def _worker(case: str, scale: float, workdir: Path, keep: bool) -> dict:
    paths = cases.Paths(workdir / _scale_name(scale))
    paths.root.mkdir(parents=True, exist_ok=True)
    result = cases.CASES[case](paths, scale, keep)
    # A case that runs a command counts that command's peak too.
    result["peak_rss_mb"] = max(cases.peak_rss_mb(), result.pop("peak_rss_mb_child", 0.0))
    return result


def _scale_name(scale: float) -> str:
    return f"scale-{scale:g}"


def _run_once(case: str, scale: float, workdir: Path, keep: bool) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "worker", case]
    command += ["--scale", str(scale), "--workdir", str(workdir)] + (["--keep"] if keep else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{case} at scale {scale:g} failed: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(values: list[float], digits: int = 3) -> dict:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def run_case(case: str, scale: float, workdir: Path, runs: int, warmup: int) -> dict:
    recorded = []
    for i in range(warmup + runs):
        keep = i == 0 and case in KEEPS_FIRST_RUN
        result = _run_once(case, scale, workdir, keep)
        _log(f"  {case} run {i + 1}/{warmup + runs}: {result['seconds']:.2f} s")
        if i >= warmup:
            recorded.append(result)
    seconds = [r["seconds"] for r in recorded]
    summary = {
        "n": len(recorded),
        "seconds": _summary(seconds),
        "peak_rss_mb": _summary([r["peak_rss_mb"] for r in recorded], 1),
        "runs_seconds": [round(s, 3) for s in seconds],
    }
    if all("published_seconds" in r for r in recorded):
        summary["published_seconds"] = _summary([r["published_seconds"] for r in recorded])
    last = recorded[-1]
    for key, value in last.items():
        if key not in ("seconds", "peak_rss_mb", "published_seconds"):
            summary[key] = value
    rows = last.get("rows") or last.get("rows_loaded")
    if rows and case.startswith(("demo", "ingest")):
        summary["rows_per_second"] = round(rows / summary["seconds"]["median"])
    return summary


def _run_script(script: str, scale: float, workdir: Path, extra: list[str]) -> dict:
    """Run a dashboard measurement script on the scale's warehouse; its JSON result."""
    paths = cases.Paths(workdir / _scale_name(scale))
    out = paths.root / f"{Path(script).stem}.json"
    command = [sys.executable, str(BENCH / script), str(paths.warehouse), *extra]
    done = subprocess.run(command + ["--json", str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed: {done.stderr.strip()[-500:]}")
    return json.loads(out.read_text())


def run_dashboard(scale: float, workdir: Path, runs: int, warmup: int) -> dict:
    """Page timings through AppTest, in their own process (rounds = runs)."""
    extra = ["--rounds", str(runs), "--warmup", str(warmup)]
    return _run_script("dashboard_timings.py", scale, workdir, extra)


def run_dashboard_memory(scale: float, workdir: Path) -> dict:
    """The real server's memory while a browser opens every page."""
    return _run_script("dashboard_memory.py", scale, workdir, [])


def run_dashboard_load(
    scale: float,
    workdir: Path,
    runs: int,
    kind: str,
    writer: str = "yielding",
    readers: list[str] | None = None,
) -> dict:
    """The next delivery of `kind` while a browser loads pages (or, with `readers`, protocol
    readers: their options): until visible, and page loads (the median of `runs` loads, each
    on a fresh copy of the store); `writer`: how the command is started (dashboard_load.py)."""
    extra = ["--runs", str(runs), "--delivery", kind, "--writer", writer]
    extra += ["--readers", "protocol", *readers] if readers else []
    return _run_script("dashboard_load.py", scale, workdir, extra)


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(
    scales: list[float],
    runs: int,
    warmup: int,
    selected: list[str],
    workdir: Path,
    earlier: dict | None = None,
) -> dict:
    """Measure `selected` at every scale; with `earlier` results, keep what is not re-measured."""
    environment = cases.environment()
    results: dict = {
        "generated": dt.datetime.now().replace(microsecond=0).isoformat(),
        "environment": environment,
        "settings": {"seed": cases.SEED, "years": f"{cases.YEARS[0]}-{cases.YEARS[1]}"},
        "scales": dict(earlier["scales"]) if earlier else {},
    }
    for scale in scales:
        _log(f"scale {scale:g}")
        started = time.perf_counter()
        out: dict = dict(results["scales"].get(f"{scale:g}", {}))
        # Results of cases that no longer exist (renamed or replaced) are dropped.
        for stale in set(out) - set(DEFAULT_CASES) - {"measured", "wall_seconds", "ratios"}:
            del out[stale]
        out["measured"] = {c: m for c, m in out.get("measured", {}).items() if c in DEFAULT_CASES}
        stamp = {
            "at": results["generated"],
            "commit": environment["commit"],
            "runs": runs,
            "warmup": warmup,
        }
        out["measured"] = {**out.get("measured", {}), **{case: stamp for case in selected}}
        for case in selected:
            try:
                if case == "dashboard":
                    out[case] = run_dashboard(scale, workdir, runs, warmup)
                elif case == "dashboard_memory":
                    out[case] = run_dashboard_memory(scale, workdir)
                elif case.startswith(NORMAL_WRITER):
                    kind = case.removeprefix(NORMAL_WRITER)
                    out[case] = run_dashboard_load(scale, workdir, runs, kind, "normal")
                elif case.startswith("dashboard_load_"):
                    kind = case.removeprefix("dashboard_load_")
                    out[case] = run_dashboard_load(scale, workdir, runs, kind)
                elif case.startswith(tuple(READERS)):
                    prefix = next(p for p in READERS if case.startswith(p))
                    kind = case.removeprefix(prefix)
                    out[case] = run_dashboard_load(
                        scale, workdir, runs, kind, readers=READERS[prefix]
                    )
                elif case == "dashboard_protocol":
                    out[case] = _run_script("dashboard_protocol.py", scale, workdir, [])
                elif case == "api_load":
                    out[case] = _run_script("api_load.py", scale, workdir, [])
                else:
                    out[case] = run_case(case, scale, workdir, runs, warmup)
            except RuntimeError as exc:
                _log(f"  {exc}")
                out[case] = {"error": str(exc)}
        out["wall_seconds"] = round(time.perf_counter() - started, 1)
        results["scales"][f"{scale:g}"] = out
    results["scales"] = dict(sorted(results["scales"].items(), key=lambda item: float(item[0])))
    report.derive(results)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    worker = sub.add_parser("worker", help="run one case once (internal)")
    worker.add_argument("case", choices=list(cases.CASES))
    worker.add_argument("--scale", type=float, required=True)
    worker.add_argument("--workdir", type=Path, required=True)
    worker.add_argument("--keep", action="store_true")
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--cases", nargs="+", default=list(DEFAULT_CASES), metavar="CASE")
    parser.add_argument("--workdir", type=Path, default=BENCH / "tmp")
    parser.add_argument("--out", type=Path, default=BENCH / "results.json")
    parser.add_argument("--readme", type=Path, default=BENCH / "README.md")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the results of other scales and cases already in --out",
    )
    args = parser.parse_args(argv)
    if args.command == "worker":
        print(json.dumps(_worker(args.case, args.scale, args.workdir, args.keep)))
        return 0
    unknown = sorted(set(args.cases) - set(DEFAULT_CASES))
    if unknown:
        parser.error(f"unknown cases: {', '.join(unknown)} (known: {', '.join(DEFAULT_CASES)})")
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be at least 1 and --warmup at least 0")
    # The order matters: demo data and the warehouse come first.
    selected = [c for c in DEFAULT_CASES if c in args.cases]
    earlier = None
    if args.merge and args.out.exists():
        earlier = json.loads(args.out.read_text())
    results = run(args.scales, args.runs, args.warmup, selected, args.workdir, earlier)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    report.write_readme(results, args.readme)
    _log(f"wrote {args.out} and {args.readme}")
    failed = [
        f"{case} at scale {scale}"
        for scale, out in results["scales"].items()
        for case, value in out.items()
        if isinstance(value, dict) and "error" in value
    ]
    if failed:
        _log("failed: " + "; ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
