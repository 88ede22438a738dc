"""The arguments of `terugkeer` and its commands (cli/main.py runs them)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from basis.contract import SOURCES


def parser() -> argparse.ArgumentParser:
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
    ingest.add_argument("--source", choices=list(SOURCES))
    warehouse_arg(ingest)
    ingest.add_argument("--dry-run", action="store_true", help="validate and report only")
    ingest.add_argument("--json", action="store_true", help="print the report as JSON")
    wait_arg(ingest)
    ingest.add_argument(
        "--organisation",
        metavar="CODE",
        help="refuse files holding rows of any other PI, municipality (GMxxxx) or JD",
    )

    build = sub.add_parser(
        "build",
        help="build the warehouse models",
        description="Run the SQL models (staging, core, marts) whose inputs changed, fit the "
        "statistical models when theirs did, and publish.",
    )
    build.add_argument(
        "--full",
        action="store_true",
        help="rebuild every model, also those whose inputs did not change",
    )
    wait_arg(build)
    warehouse_arg(build)

    contract = sub.add_parser(
        "contract",
        help="write the exchange format as a Frictionless Data Package",
        description="The exchange format as Table Schemas (one per export kind) and a Data "
        "Package, for suppliers to check an export before sending it: frictionless validate "
        "--schema DIR/pi.schema.json export.csv",
    )
    contract.add_argument("--out", type=Path, required=True, metavar="DIR")

    figures = sub.add_parser(
        "figures",
        help="print the published figures per release year",
        description="Figures per release year, national or of one unit.",
    )
    figures.add_argument("--gemeente", metavar="GMxxxx")
    figures.add_argument("--pi", metavar="CODE")
    figures.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
    figures.add_argument("--to", dest="year_to", type=int, metavar="YEAR")
    figures.add_argument(
        "--exact",
        action="store_true",
        help="counts without the cell-key noise (suppression still applies): the operator's "
        "reference on the server; every use is written to the audit trail",
    )
    warehouse_arg(figures)
    fmt = figures.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--csv", action="store_true")

    effect = sub.add_parser(
        "effect",
        help="evaluate a way of working or a process step: a matched comparison",
        description="Recidivism of the releases with a process step, or of the releases of "
        "municipalities and/or PIs from a month on, beside a comparison group matched on "
        "propensity scores (the Justice Data Lab's method): rates, the difference with its 95%% "
        "interval, balance, and the smallest effect the group could show.",
    )
    which = effect.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--condition",
        metavar="NAME",
        help="reintegratieplan, tbo_10_dagen, tijdig_gemeld, in_beeld, casemanager or "
        "onder_toezicht",
    )
    which.add_argument("--start", metavar="YYYY-MM", help="the month the way of working began")
    effect.add_argument("--gemeente", action="append", default=[], metavar="GMxxxx")
    effect.add_argument("--pi", action="append", default=[], metavar="CODE")
    effect.add_argument("--from", dest="year_from", type=int, metavar="YEAR")
    effect.add_argument("--to", dest="year_to", type=int, metavar="YEAR")
    effect.add_argument("--json", action="store_true")
    warehouse_arg(effect)

    export = sub.add_parser(
        "export",
        help="write every published table as open data (CSV, Parquet, metadata.json)",
        description="Every published table, national and disclosed, as CSV and Parquet with "
        "one metadata.json: the same tables as the dashboard.",
    )
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    warehouse_arg(export)

    dashboard = sub.add_parser(
        "dashboard", help="start the dashboard", description="Start the Streamlit dashboard."
    )
    warehouse_arg(dashboard)
    dashboard.add_argument("--port", type=int)
    dashboard.add_argument(
        "--address",
        help="address to listen on (default 127.0.0.1; another needs login: [auth] in secrets)",
    )

    api = sub.add_parser(
        "api",
        help="serve the published tables as an OData 4 API in CBS's form",
        description="The published tables at /odata/v1 (catalog TKM), readable with CBS's "
        "clients (cbsodata4). Read-only; serves the current publication.",
    )
    warehouse_arg(api)
    api.add_argument("--port", type=int, default=8502)
    api.add_argument("--address", default="127.0.0.1")

    tokens = sub.add_parser(
        "tokens",
        help="API tokens for the datasets per municipality, province or PI",
        description="Issue, list and revoke tokens of the OData API (the secret is shown once).",
    )
    token_commands = tokens.add_subparsers(dest="action", required=True, metavar="ACTION")
    token_add = token_commands.add_parser("add", help="issue a token")
    token_add.add_argument("name", help="who uses it (a person or organisation)")
    token_list = token_commands.add_parser("list", help="list the tokens and their use")
    token_revoke = token_commands.add_parser("revoke", help="revoke a token")
    token_revoke.add_argument("token_id", type=int, metavar="ID")
    for p in (token_add, token_list, token_revoke):
        warehouse_arg(p)

    users = sub.add_parser(
        "users",
        help="who may use the dashboard, with which role",
        description="Manage the users of the dashboard (roles: lezer, gemeente, "
        "aanleverancier, beheerder).",
    )
    user_commands = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = user_commands.add_parser("add", help="add a user or change their role")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["lezer", "gemeente", "aanleverancier",
                                                       "beheerder"])  # fmt: skip
    add.add_argument("--organisation", metavar="CODE", help="GMxxxx, a PI code, or JD")
    listing = user_commands.add_parser("list", help="list the users")
    remove = user_commands.add_parser("remove", help="remove a user")
    remove.add_argument("email")
    for p in (add, listing, remove):
        warehouse_arg(p)

    deliveries = sub.add_parser(
        "deliveries", help="list the deliveries", description="Every delivery in the store."
    )
    warehouse_arg(deliveries)
    deliveries.add_argument("--json", action="store_true")
    withdraw = sub.add_parser(
        "withdraw",
        help="withdraw a delivery",
        description="Remove a delivery's rows from the store (the log keeps who, when and "
        "why), rebuild and publish.",
    )
    withdraw.add_argument("delivery_id", type=int, metavar="ID")
    withdraw.add_argument("--reason", required=True)
    warehouse_arg(withdraw)
    wait_arg(withdraw)
    backup = sub.add_parser(
        "backup",
        help="back up the store and the application database",
        description="A consistent copy of the store, the SQLite application database and "
        "terugkeer.toml in a new folder, while the dashboards keep serving.",
    )
    backup.add_argument("folder", type=Path, metavar="DIR")
    warehouse_arg(backup)
    wait_arg(backup)
    restore = sub.add_parser(
        "restore",
        help="restore a backup and publish it",
        description="Put a backup made by 'terugkeer backup' in place and publish it.",
    )
    restore.add_argument("folder", type=Path, metavar="DIR")
    warehouse_arg(restore)
    wait_arg(restore)

    audit = sub.add_parser(
        "audit",
        help="print the audit trail",
        description="Who loaded which file, answered which Zelfscan question, changed which "
        "user, and when; newest first.",
    )
    warehouse_arg(audit)
    audit.add_argument("--since", type=_date, metavar="YYYY-MM-DD")
    audit.add_argument("--until", type=_date, metavar="YYYY-MM-DD")
    audit.add_argument("--who", metavar="PERSON", help="an e-mail address, or os:<user>")
    audit.add_argument("--json", action="store_true")
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
