"""The published figures per release year (`terugkeer figures`), read from the marts.

Every number follows meetregels.md and passes disclosure control (pipelines/disclosure.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.contract import LEEFGEBIEDEN
from pipelines.disclosure import (
    SECONDARY_MARK,
    proportion_with_interval,
    share_pct,
    suppress_count,
)
from pipelines.reference import fold_pi, load_reference
from pipelines.warehouse import scalar

READINESS_GROUPS = (*LEEFGEBIEDEN, "alle")


class UnknownUnit(ValueError):
    """A municipality or PI that is not in the reference list."""


@dataclass(frozen=True)
class Scope:
    gemeente: str | None = None  # current CBS code
    pi: str | None = None  # pi_code
    year_from: int | None = None
    year_to: int | None = None

    def where(self, year_column: str) -> tuple[str, list]:
        """A parameterised WHERE clause for a mart with these filter columns."""
        return (
            f"(CAST(? AS VARCHAR) IS NULL OR gemeente_code = ?) "
            f"AND (CAST(? AS VARCHAR) IS NULL OR pi_code = ?) "
            f"AND (CAST(? AS INTEGER) IS NULL OR {year_column} >= ?) "
            f"AND (CAST(? AS INTEGER) IS NULL OR {year_column} <= ?)",
            [
                self.gemeente,
                self.gemeente,
                self.pi,
                self.pi,
                self.year_from,
                self.year_from,
                self.year_to,
                self.year_to,
            ],
        )


def resolve_scope(
    gemeente: str | None, pi: str | None, year_from: int | None, year_to: int | None
) -> Scope:
    """Check the unit names against the reference lists; old municipality codes are mapped."""
    ref = load_reference()
    code = None
    if gemeente:
        code = gemeente.strip().upper()
        if code not in ref.gemeente_codes:
            raise UnknownUnit(f"'{gemeente}' is not a CBS municipality code (GM + 4 digits)")
        merged = ref.herindelingen.filter(pl.col("oude_code") == code)
        if merged.height:
            code = merged["nieuwe_code"][0]
    pi_code = None
    if pi:
        pi_code = ref.pi_lookup.get(fold_pi(pi))
        if pi_code is None:
            raise UnknownUnit(f"'{pi}' is not a PI in the reference list")
    if year_from and year_to and year_from > year_to:
        raise ValueError("--from must not be later than --to")
    return Scope(code, pi_code, year_from, year_to)


def query(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params or []).pl()


def figures(con: duckdb.DuckDBPyConnection, scope: Scope, threshold: int) -> dict:
    """The figures of `scope`, per release year, as the JSON of `terugkeer figures`."""
    where, params = scope.where("release_year")
    readiness_sums = ", ".join(
        f"CAST(sum(n_{g}_{k}) AS BIGINT) AS n_{g}_{k}"
        for g in READINESS_GROUPS
        for k in ("op_orde", "niet_op_orde", "onbekend")
    )
    readiness = query(
        con,
        f"SELECT release_year, CAST(sum(n_releases) AS BIGINT) AS n_releases, {readiness_sums} "
        f"FROM mart_readiness WHERE {where} GROUP BY release_year ORDER BY release_year",
        params,
    )
    where_c, params_c = scope.where("cohort_year")
    recidivism = query(
        con,
        "SELECT cohort_year, CAST(sum(n_cohort) AS BIGINT) AS n_cohort, "
        "CAST(sum(n_reoffended_1y) AS BIGINT) AS k1, CAST(sum(n_reoffended_2y) AS BIGINT) AS k2, "
        "bool_and(available_1y) AS a1, bool_and(available_2y) AS a2 "
        f"FROM mart_recidivism WHERE {where_c} GROUP BY cohort_year",
        params_c,
    )
    peildatum = scalar(con, "SELECT peildatum FROM mart_data_status")
    by_year = {r["cohort_year"]: r for r in recidivism.iter_rows(named=True)}
    years = []
    for row in readiness.iter_rows(named=True):
        year = row["release_year"]
        ready = {}
        for group in READINESS_GROUPS:
            op, niet, onb = (row[f"n_{group}_{k}"] for k in ("op_orde", "niet_op_orde", "onbekend"))
            ready[group] = {
                "pct_op_orde": share_pct(op, op + niet, threshold),
                "pct_onbekend": share_pct(onb, row["n_releases"], threshold, about_records=True),
            }
        years.append(
            {
                "year": year,
                "releases": suppress_count(row["n_releases"], threshold),
                "readiness": ready,
                "recidivism": _recidivism(by_year.get(year), peildatum, threshold),
            }
        )
    return {
        "peildatum": peildatum.isoformat() if isinstance(peildatum, dt.date) else None,
        "suppression_threshold": threshold,
        "scope": {"gemeente": scope.gemeente, "pi": scope.pi},
        "years": years,
    }


def _recidivism(row: dict | None, peildatum: dt.date | None, threshold: int) -> dict | None:
    """Per window: counts and % with interval, or None before full follow-up."""
    if peildatum is None or row is None:
        return None
    out: dict[str, dict | None] = {}
    for k in (1, 2):
        if not row[f"a{k}"]:
            out[f"{k}y"] = None
            continue
        n, hits = row["n_cohort"], row[f"k{k}"]
        shown = proportion_with_interval(hits, n, threshold) or {"pct": None, "ci95": None}
        out[f"{k}y"] = {
            "cohort": suppress_count(n, threshold),
            "reoffenders": _reoffenders(hits, n, threshold),
            **shown,
        }
    return out


def _reoffenders(hits: int, n: int, threshold: int) -> int | str:
    """The re-offenders beside their cohort: '<t' when few, 'x' when the cohort is shown and
    the rest of it is few (cohort minus re-offenders would give it away)."""
    if 0 < hits < threshold:
        return f"<{threshold}"
    if n >= threshold and 0 < n - hits < threshold:
        return SECONDARY_MARK
    return int(hits)


def flat_rows(result: dict) -> list[dict]:
    """One flat row per year, for CSV and the readable table."""
    rows = []
    for year in result["years"]:
        row: dict = {"year": year["year"], "releases": year["releases"]}
        for group, values in year["readiness"].items():
            row[f"{group}_pct_op_orde"] = values["pct_op_orde"]
            row[f"{group}_pct_onbekend"] = values["pct_onbekend"]
        for window in ("1y", "2y"):
            rec = (year["recidivism"] or {}).get(window)
            row[f"recidive_{window}_cohort"] = rec["cohort"] if rec else None
            row[f"recidive_{window}_reoffenders"] = rec["reoffenders"] if rec else None
            row[f"recidive_{window}_pct"] = rec["pct"] if rec else None
            ci = rec["ci95"] if rec else None
            row[f"recidive_{window}_ci95_low"] = ci[0] if ci else None
            row[f"recidive_{window}_ci95_high"] = ci[1] if ci else None
        rows.append(row)
    return rows
