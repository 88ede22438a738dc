"""`terugkeer`: the command line of the Terugkeermonitor."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.settings import ROOT, STREAMLIT_CONFIG, SettingsError, load_settings, warehouse_path

if TYPE_CHECKING:
    import duckdb

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2


class CliError(Exception):
    """A plain message for the user; exit code 1."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="terugkeer",
        description="Terugkeermonitor: ingest exports, build the warehouse, publish figures.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def warehouse_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--warehouse",
            metavar="PATH",
            help="warehouse file (default: $TERUGKEER_WAREHOUSE or data/warehouse.duckdb)",
        )

    def wait_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--wait",
            type=float,
            default=600.0,
            metavar="SECONDS",
            help="how long to wait for another load to finish (default 600)",
        )

    demo = sub.add_parser(
        "demo",
        help="write synthetic national demo exports",
        description="Write synthetic exports in exchange format v1.",
    )
    demo.add_argument("--out", required=True, type=Path, metavar="DIR")
    demo.add_argument("--years", default="2015-2024", help="release years, e.g. 2015-2024")
    demo.add_argument("--scale", type=float, default=1.0, help="1.0 = the size of the Netherlands")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument(
        "--messy",
        type=float,
        default=0.005,
        help="share of rows that break a row rule (default 0.005)",
    )

    ingest = sub.add_parser(
        "ingest",
        help="validate and load export files",
        description="Validate export files and load them into the warehouse.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    ingest.add_argument("--source", choices=["pi", "gemeente", "recidive"])
    warehouse_arg(ingest)
    ingest.add_argument("--dry-run", action="store_true", help="validate and report only")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    wait_arg(ingest)

    build = sub.add_parser(
        "build",
        help="build the warehouse models",
        description="Run the SQL models (staging, core, marts).",
    )
    wait_arg(build)
    warehouse_arg(build)

    figures = sub.add_parser(
        "figures",
        help="print the published figures per release year",
        description="Figures per release year, national or of one unit.",
    )
    figures.add_argument("--gemeente", metavar="GMxxxx")
    figures.add_argument("--pi", metavar="CODE")
    figures.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
    figures.add_argument("--to", dest="year_to", type=int, metavar="YEAR")
    warehouse_arg(figures)
    fmt = figures.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    dashboard = sub.add_parser(
        "dashboard", help="start the dashboard", description="Start the Streamlit dashboard."
    )
    warehouse_arg(dashboard)
    dashboard.add_argument("--port", type=int)
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from pipelines.demo.generate import generate_demo, parse_years

    try:
        years = parse_years(args.years)
        result = generate_demo(args.out, years, args.scale, args.seed, args.messy)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(
        f"wrote {len(result.files)} files to {args.out}: {result.n_episodes:,} episodes, "
        f"{result.n_trajectories:,} trajectories, {result.n_cases:,} cases "
        f"in {result.seconds:.1f} s (synthetic data)"
    )
    return EXIT_OK


def _progress(i: int, n: int, name: str) -> None:
    width = 30
    done = int(width * i / n) if n else width
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {name[:40]:<40}")
    if i == n:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _waiting(store: Path) -> Callable[[dict], None]:
    def say(holder: dict) -> None:
        print(
            f"terugkeer: waiting for another load into {store} to finish "
            f"(process {holder.get('pid', '?')}, {holder.get('what', 'ingest')} "
            f"since {holder.get('since', '?')})",
            file=sys.stderr,
            flush=True,
        )

    return say


def finish(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """Bring the publication up to the store: build when the marts are behind the deliveries,
    publish when the current snapshot is behind the build (after a crash, or an older
    version's warehouse). The caller holds the writer lock."""
    from pipelines.build import build, is_built
    from pipelines.publish import is_published, publish

    if not is_built(con):
        build(con)
    elif not is_published(con, store):
        publish(con, store)


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.ingest import expand_paths, ingest_paths
    from pipelines.publish import writer_lock
    from pipelines.warehouse import connect

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    if not expand_paths(args.paths):
        raise CliError("no export files found (CSV, XLSX or Parquet)")
    path = warehouse_path(args.warehouse)
    show_progress = not args.json and sys.stderr.isatty()
    if args.dry_run:
        reports = ingest_paths(None, args.paths, source=args.source, dry_run=True)
    else:
        with writer_lock(path, args.wait, _waiting(path), "ingest"):
            con = connect(path)
            try:
                reports = ingest_paths(
                    con,
                    args.paths,
                    source=args.source,
                    progress=_progress if show_progress else None,
                )
                finish(con, path)
            finally:
                con.close()
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        _print_ingest(reports, args.dry_run, path)
    return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK


def _print_ingest(reports: list, dry_run: bool, path: Path) -> None:
    for r in reports:
        if r.status == "refused":
            print(f"REFUSED  {r.file}: {r.reason}")
            continue
        status = "checked" if dry_run else r.status
        print(
            f"{status.upper():<8} {r.file} ({r.source}): {r.rows_read:,} rows read, "
            f"{r.rows_loaded:,} valid, {r.rows_quarantined:,} quarantined, "
            f"{r.rows_duplicate:,} duplicates dropped"
        )
        if r.error_counts:
            print("         errors: " + ", ".join(f"{k} {v}" for k, v in r.error_counts.items()))
        if r.ignored_columns:
            print("         ignored columns: " + ", ".join(r.ignored_columns))
    refused = sum(r.status == "refused" for r in reports)
    where = "nothing stored (dry run)" if dry_run else f"warehouse {path}"
    print(f"{len(reports)} files, {refused} refused; {where}")


def cmd_build(args: argparse.Namespace) -> int:
    from pipelines.build import build
    from pipelines.publish import writer_lock
    from pipelines.warehouse import connect

    path = warehouse_path(args.warehouse)
    with writer_lock(path, args.wait, _waiting(path), "build"):
        con = connect(path)
        try:
            timings = build(con)
        finally:
            con.close()
    print(f"built and published {len(timings)} steps in {sum(timings.values()):.1f} s from {path}")
    return EXIT_OK


def ensure_publication(store: Path, wait_seconds: float = 600.0) -> Path | None:
    """The current snapshot, after finishing any work a crash left (a build or publication
    behind the store). While another load runs, its snapshot is served as it is: that load
    publishes when done. None when there is no store and no publication."""
    from pipelines.publish import WriterBusy, current, writer_active, writer_lock
    from pipelines.warehouse import connect

    snapshot = current(store)
    if not store.exists() or (snapshot is not None and writer_active(store)):
        return snapshot
    try:
        with writer_lock(
            store, wait_seconds if snapshot is None else 0, _waiting(store), "publish"
        ):
            con = connect(store)
            try:
                finish(con, store)
            finally:
                con.close()
    except WriterBusy:
        if snapshot is None:
            raise
    return current(store)


def cmd_figures(args: argparse.Namespace) -> int:
    from pipelines.figures import UnknownUnit, figures, flat_rows, resolve_scope
    from pipelines.warehouse import connect

    path = warehouse_path(args.warehouse)
    try:
        scope = resolve_scope(args.gemeente, args.pi, args.year_from, args.year_to)
    except (UnknownUnit, ValueError) as exc:
        raise CliError(str(exc)) from None
    snapshot = ensure_publication(path)
    if snapshot is None:
        raise CliError(f"no warehouse at {path}: run 'terugkeer ingest' first")
    con = connect(snapshot, read_only=True)
    try:
        result = figures(con, scope, load_settings().suppression_threshold)
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return EXIT_OK
    rows = flat_rows(result)
    if args.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["year"])
        writer.writeheader()
        writer.writerows(rows)
        print(out.getvalue(), end="")
        return EXIT_OK
    _print_table(result, rows)
    return EXIT_OK


def _print_table(result: dict, rows: list[dict]) -> None:
    def cell(value: object) -> str:
        return "-" if value is None else str(value)

    print(
        f"peildatum {result['peildatum'] or '(no recidivism data)'}; counts 1-"
        f"{result['suppression_threshold'] - 1} read <{result['suppression_threshold']}"
    )
    header = [
        "year",
        "releases",
        "alle op orde %",
        "onderdak %",
        "werk %",
        "recid 1y %",
        "1y ci95",
        "recid 2y %",
        "2y ci95",
    ]
    print("  ".join(f"{h:>14}" for h in header))
    for r in rows:
        ci1 = (
            f"{r['recidive_1y_ci95_low']}-{r['recidive_1y_ci95_high']}"
            if r["recidive_1y_ci95_low"] is not None
            else None
        )
        ci2 = (
            f"{r['recidive_2y_ci95_low']}-{r['recidive_2y_ci95_high']}"
            if r["recidive_2y_ci95_low"] is not None
            else None
        )
        values = [
            r["year"],
            r["releases"],
            r["alle_pct_op_orde"],
            r["onderdak_pct_op_orde"],
            r["werk_inkomen_pct_op_orde"],
            r["recidive_1y_pct"],
            ci1,
            r["recidive_2y_pct"],
            ci2,
        ]
        print("  ".join(f"{cell(v):>14}" for v in values))


def streamlit_flags(config: Path = STREAMLIT_CONFIG, port: int | None = None) -> list[str]:
    """Every setting of streamlit_config.toml as a Streamlit command-line flag."""
    try:
        settings = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CliError(f"{config.name} cannot be read: {exc}") from None
    flags = []
    for section, values in settings.items():
        for key, value in values.items():
            if section == "server" and key == "port" and port is not None:
                value = port
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags.append(f"--{section}.{key}={text}")
    return flags


def cmd_dashboard(args: argparse.Namespace) -> int:
    from pipelines.publish import WriterBusy

    store = warehouse_path(args.warehouse).resolve()
    # While a load runs, it publishes when done, and the dashboard picks that up.
    with contextlib.suppress(WriterBusy):
        ensure_publication(store, wait_seconds=5)
    env = dict(os.environ)
    env["TERUGKEER_WAREHOUSE"] = str(store)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        *streamlit_flags(port=args.port),
    ]
    return subprocess.call(command, env=env, cwd=ROOT)


COMMANDS = {
    "demo": cmd_demo,
    "ingest": cmd_ingest,
    "build": cmd_build,
    "figures": cmd_figures,
    "dashboard": cmd_dashboard,
}


def main(argv: list[str] | None = None) -> int:
    from pipelines.publish import WriterBusy
    from pipelines.warehouse import WarehouseBroken, WarehouseBusy

    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (CliError, SettingsError, WarehouseBusy, WarehouseBroken, WriterBusy) as exc:
        print(f"terugkeer {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"terugkeer {args.command}: interrupted; nothing half-stored", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # never a traceback: a library's message may quote data values
        if os.environ.get("TERUGKEER_DEBUG"):
            raise
        print(
            f"terugkeer {args.command}: unexpected error ({type(exc).__name__}); "
            "set TERUGKEER_DEBUG=1 to see the details",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
