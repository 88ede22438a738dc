"""The reading commands of `terugkeer`: the published figures and the open data, read from the
current publication the same way the dashboard reads them."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

from basis.settings import load_settings, warehouse_path
from cli.common import EXIT_OK, CliError, _published_tables


def _audit_noise_off(warehouse: str | None, command: str) -> None:
    """Counts without the cell-key noise by setting (terugkeer.toml or the environment
    variable) are recorded in the audit trail like `--exact`."""
    from people import appdb

    if load_settings().cell_key_max_noise == 0:
        store = warehouse_path(warehouse)
        if store.exists():
            appdb.record(appdb.open_database(store), appdb.os_user(), "figures_exact_env", command)


def cmd_figures(args: argparse.Namespace) -> int:
    from published.figures import figures
    from published.scope import UnknownUnit, resolve_scope

    _audit_noise_off(args.warehouse, "figures")

    try:
        scope = resolve_scope(args.gemeente, args.pi, args.year_from, args.year_to)
    except (UnknownUnit, ValueError) as exc:
        raise CliError(str(exc)) from None
    with _published_tables(args.warehouse):
        if args.exact:
            _exact_counts(warehouse_path(args.warehouse), scope)
        result = figures(scope, load_settings().suppression_threshold)
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return EXIT_OK
    from published.figures import flat_rows

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


def _exact_counts(store: Path, scope: object) -> None:
    """`figures --exact`: this process reads counts without the cell-key noise; recorded."""
    from people import appdb
    from published import reader

    appdb.record(
        appdb.open_database(store),
        appdb.os_user(),
        "figures_exact",
        str(store),
        {"scope": str(scope)},
    )
    reader.exact_counts()


def cmd_export(args: argparse.Namespace) -> int:
    from published.export import write_table_set

    if args.out.exists() and not args.out.is_dir():
        raise CliError(f"{args.out} exists and is not a folder")
    _audit_noise_off(args.warehouse, "export")
    with _published_tables(args.warehouse):
        metadata = write_table_set(args.out, load_settings().suppression_threshold)
    print(
        f"wrote {len(metadata['tables'])} tables (CSV and Parquet) and metadata.json to "
        f"{args.out}; peildatum {metadata['peildatum'] or '(no recidivism data)'}"
    )
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


def cmd_effect(args: argparse.Namespace) -> int:
    """`terugkeer effect`: the matched comparison of published/effect.py, as the Effectmeting
    page gives it; every evaluation is written to the audit trail (who, the definition)."""
    import datetime as dt

    from people import appdb
    from published.effect import Definition, EffectError, audited_evaluation
    from published.scope import UnknownUnit, resolve_scope

    try:
        start = dt.date.fromisoformat(f"{args.start}-01") if args.start else None
    except ValueError:
        raise CliError(f"--start must be a month as YYYY-MM, not {args.start!r}") from None
    try:
        gemeenten = [resolve_scope(g, None, None, None).gemeenten[0] for g in args.gemeente]
        pis = [resolve_scope(None, p, None, None).pis[0] for p in args.pi]
        definition = Definition(
            condition=args.condition, start=start, gemeenten=tuple(gemeenten), pis=tuple(pis),
            first_year=args.year_from, last_year=args.year_to,
        )  # fmt: skip
    except (UnknownUnit, EffectError) as exc:
        raise CliError(str(exc)) from None
    _audit_noise_off(args.warehouse, "effect")
    store = warehouse_path(args.warehouse)
    settings = load_settings()
    engine = appdb.open_database(store) if store.exists() else None
    with _published_tables(args.warehouse):
        try:
            result = audited_evaluation(
                definition, engine, appdb.os_user(), settings.effect_min_treated,
                settings.effect_max_per_day,
            )  # fmt: skip
        except EffectError as exc:
            if exc.code == "limit":
                raise CliError(str(exc)) from None
            raise CliError(f"cannot evaluate this definition: {exc}") from None
    result.pop("curves")
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return EXIT_OK
    _print_effect(result)
    return EXIT_OK


def _print_effect(result: dict) -> None:
    t, c = result["treated"], result["comparison"]
    print(
        f"treated: {t['found']:,} releases found, {t['matched']:,} matched "
        f"({result['dropped']:,} without a comparison within the caliper)"
    )
    print(f"comparison: {c['n']:,} releases (effectively {c['effective_n']:,})")
    for k in (1, 2):
        d = result.get(f"difference_{k}y")
        if d is None:
            print(f"{k}-year recidivism: too few treated releases with {k} years of follow-up")
            continue
        verdict = "significant" if d["significant"] else "not significant"
        print(
            f"{k}-year recidivism: treated {t[f'rate_{k}y']}%, comparison {c[f'rate_{k}y']}%; "
            f"difference {d['estimate']} points (95% interval {d['low']} to {d['high']}, "
            f"{verdict}; the smallest difference this group could show: {d['detectable']} "
            "points)"
        )
    flagged = [b for b in result["balance"] if b["flagged"]]
    print(
        "balance after matching: "
        + (
            "every standardised difference below 0.1"
            if not flagged
            else f"{len(flagged)} covariate levels at or above 0.1"
        )  # fmt: skip
    )
