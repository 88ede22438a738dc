"""`terugkeer`: the command line of the Terugkeermonitor."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from basis.settings import (
    ROOT,
    STREAMLIT_CONFIG,
    SettingsError,
    private_files,
    warehouse_path,
)
from cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REFUSED,
    CliError,
    _waiting,
    ensure_publication,
    finish,
)
from cli.parser import parser

if TYPE_CHECKING:
    pass


def cmd_demo(args: argparse.Namespace) -> int:
    from intake.demo.generate import generate_demo, parse_years

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
    for name, effect in (result.truth or {}).items():
        print(
            f"planted effect {name}: {effect['n']:,} treated releases, true effect on the "
            f"treated {effect['att_1y']} (1 year) and {effect['att_2y']} (2 years) "
            "percentage points"
        )
    return EXIT_OK


def _progress(i: int, n: int, name: str) -> None:
    width = 30
    done = int(width * i / n) if n else width
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {name[:40]:<40}")
    if i == n:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_ingest(args: argparse.Namespace) -> int:
    from store import priority
    from store.ingest import expand_paths, ingest_paths
    from store.publish import writer_lock
    from store.warehouse import connect

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
            priority.share(con)
            try:
                reports = ingest_paths(
                    con,
                    args.paths,
                    source=args.source,
                    progress=_progress if show_progress else None,
                    organisation=args.organisation,
                )
                finish(con, path)
            finally:
                con.close()
        _audit_ingest(path, reports)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    else:
        _print_ingest(reports, args.dry_run, path)
    return EXIT_REFUSED if any(r.status == "refused" for r in reports) else EXIT_OK


def _audit_ingest(store: Path, reports: list) -> None:
    """Who loaded, or was refused, which file: one audit line per file, under the
    operating-system user (never a name given on the command line)."""
    from people import appdb

    engine = appdb.open_database(store)
    for r in reports:
        detail = {"source": r.source, "rows_read": r.rows_read, "rows_loaded": r.rows_loaded}
        if r.status == "refused":
            detail["reason"] = r.reason
        appdb.record(engine, appdb.os_user(), f"file_{r.status}", r.file, detail)


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
    from store import priority
    from store.build import OTHER_STEPS, build
    from store.publish import writer_lock
    from store.warehouse import connect

    path = warehouse_path(args.warehouse)
    with writer_lock(path, args.wait, _waiting(path), "build"):
        con = connect(path)
        priority.share(con)
        try:
            timings = build(con, full=args.full)
        finally:
            con.close()
    steps = [s for s in timings if s not in OTHER_STEPS]
    print(
        f"built {len(steps)} models (the others unchanged) and published in "
        f"{sum(timings.values()):.1f} s from {path}"
    )
    return EXIT_OK


def streamlit_flags(config: Path = STREAMLIT_CONFIG, port: int | None = None) -> list[str]:
    """Every setting of dashboard/.streamlit/config.toml as a Streamlit command-line flag."""
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
    from people import login
    from store.publish import WriterBusy

    store = warehouse_path(args.warehouse).resolve()
    address = args.address or "127.0.0.1"
    try:
        auth = login.auth_section(login.read_secrets(login.secrets_files(ROOT)))
    except login.LoginConfigError as exc:
        raise CliError(f"the login configuration cannot be used: {exc}") from None
    if auth is None and address not in LOOPBACK:
        raise CliError(
            f"refusing to listen on {address}: without login ([auth] in .streamlit/secrets.toml) "
            "the dashboard runs in local mode, for this machine only (127.0.0.1)"
        )
    # While a load runs, it publishes when done, and the dashboard picks that up.
    with contextlib.suppress(WriterBusy):
        ensure_publication(store, wait_seconds=5)
    env = {k: v for k, v in os.environ.items() if k != login.LOCAL_MODE_ENV}
    env["TERUGKEER_WAREHOUSE"] = str(store)
    if auth is None:
        env[login.LOCAL_MODE_ENV] = "1"  # chosen here, explicitly: loopback and no login
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        *streamlit_flags(port=args.port),
        f"--server.address={address}",
    ]
    # Streamlit takes this process's place: a SIGTERM from a service manager reaches it.
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    os.execve(sys.executable, command, env)
    return EXIT_OK  # not reached


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def cmd_contract(args: argparse.Namespace) -> int:
    from intake.contract_package import write_package

    if args.out.exists() and not args.out.is_dir():
        raise CliError(f"{args.out} exists and is not a folder")
    written = write_package(args.out)
    print(f"wrote {', '.join(p.name for p in written)} to {args.out}")
    return EXIT_OK


def cmd_api(args: argparse.Namespace) -> int:
    """The OData API (api/app.py) on uvicorn; no access log (a token may be in a path)."""
    import uvicorn

    from api.app import create_app
    from store.publish import WriterBusy

    store = warehouse_path(args.warehouse).resolve()
    with contextlib.suppress(WriterBusy):
        ensure_publication(store, wait_seconds=5)
    uvicorn.run(
        create_app(store), host=args.address, port=args.port, access_log=False,
        log_level="warning", server_header=False,
    )  # fmt: skip
    return EXIT_OK


COMMANDS = {
    "api": cmd_api,
    "contract": cmd_contract,
    "demo": cmd_demo,
    "ingest": cmd_ingest,
    "build": cmd_build,
    "dashboard": cmd_dashboard,
}
# The reading commands (cli/figures.py) and the operator's (cli/admin.py).
FIGURE_COMMANDS = ("figures", "export", "effect")
# The commands that write the store and publish: they give way to the dashboards.
LOAD_COMMANDS = ("ingest", "build", "withdraw")
ADMIN_COMMANDS = ("users", "tokens", "audit", "deliveries", "withdraw", "backup", "restore")


def main(argv: list[str] | None = None) -> int:
    """The command line (`argv` None: the process's own arguments). A load run as a command
    gives way to the dashboards; a program that calls this with arguments of its own (a
    test) keeps its priority and threads."""
    args = parser().parse_args(argv)
    private_files()  # the store, snapshots, databases and backups: for this user only
    load = args.command in LOAD_COMMANDS and not getattr(args, "dry_run", False)
    if load and argv is None:
        from store import priority

        priority.give_way_to_readers()  # before polars and numpy are imported
    from store.publish import WriterBusy
    from store.warehouse import WarehouseBroken, WarehouseBusy

    if args.command in ADMIN_COMMANDS:
        from cli import admin as cli_admin

        handler = getattr(cli_admin, f"cmd_{args.command}")
    elif args.command in FIGURE_COMMANDS:
        from cli import figures as cli_figures

        handler = getattr(cli_figures, f"cmd_{args.command}")
    else:
        handler = COMMANDS[args.command]
    try:
        return handler(args)
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
