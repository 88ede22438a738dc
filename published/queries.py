"""The count queries of the published tables: each returns a Polars frame of counts (never
person-level rows) read from the marts of the current publication (published/reader.py).
The table functions (published/tables) disclose them; nothing else reads marts.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from basis.contract import LEEFGEBIEDEN
from published.reader import publication, read
from published.scope import Scope
from store.cellkey import KEY_MODULUS, KEY_SUFFIX
from store.warehouse import WarehouseBroken, WarehouseBusy

READINESS_GROUPS = (*LEEFGEBIEDEN, "alle")
# Breakdowns a page may ask for, mapped to mart columns (user input never becomes SQL).
OUTFLOW_SPLITS = ("pi_code", "release_reason", "sex", "age_band", "length_band")
COHORT_SPLITS = ("pi_code", "sex", "age_band", "length_band")
SURVIVAL_SPLITS = ("none", "n_release_op_orde", "alle_release", "sex", "age_band")
PERIODS = {
    "year": ("release_year", "NULL", "NULL"),
    "quarter": ("release_year", "release_quarter", "NULL"),
    "month": ("release_year", "NULL", "release_month"),
}


def total(expression: str, name: str) -> str:
    """The SQL of one published count: the sum of a mart's count column(s) as `name`, and
    beside it `name`__ck, the sum of the same records' keys (ck_ for n_) modulo 2^32. The
    reader gives the count its cell-key noise from it (store/cellkey.py)."""
    keys = re.sub(r"\bn_", "ck_", expression)
    return (
        f"CAST(sum({expression}) AS BIGINT) AS {name}, "
        f"CAST(sum({keys}) % {KEY_MODULUS} AS BIGINT) AS {name}{KEY_SUFFIX}"
    )


def filter_options() -> dict[str, pl.DataFrame]:
    """The choices of the sidebar: years with releases, PIs, municipalities, provinces."""
    return {
        "years": read("SELECT DISTINCT release_year FROM mart_outflow ORDER BY 1"),
        "pis": read(
            "SELECT p.pi_code, p.pi_naam FROM ref_pis AS p "
            "WHERE p.pi_code IN (SELECT DISTINCT pi_code FROM mart_outflow) ORDER BY p.pi_naam"
        ),
        "gemeenten": read(
            "SELECT gemeente_code, gemeente_naam, provincie FROM ref_gemeenten "
            "WHERE current_code = gemeente_code ORDER BY gemeente_naam"
        ),
        "provincies": read(
            "SELECT DISTINCT provincie FROM ref_gemeenten WHERE current_code = gemeente_code "
            "ORDER BY 1"
        ),
    }


def pi_info() -> pl.DataFrame:
    """The PIs with releases, with name and place."""
    return read(
        "SELECT pi_code, pi_naam, vestigingsplaats FROM ref_pis "
        "WHERE pi_code IN (SELECT DISTINCT pi_code FROM mart_outflow) ORDER BY pi_naam"
    )


def unit_names() -> dict[str, str]:
    """Code -> name of every PI and municipality, for labels."""
    frame = read(
        "SELECT pi_code AS code, pi_naam AS name FROM ref_pis UNION ALL "
        "SELECT gemeente_code, gemeente_naam FROM ref_gemeenten"
    )
    return dict(zip(frame["code"], frame["name"], strict=True))


# --- uitstroom ------------------------------------------------------------------------------


def outflow(scope: Scope, period: str = "year", split: str | None = None) -> pl.DataFrame:
    """Releases per period (year, quarter or month), optionally split by one breakdown."""
    year, quarter, month = PERIODS[period]
    group = split if split in OUTFLOW_SPLITS else "NULL"
    where, params = scope.where("release_year")
    return read(
        f"SELECT {year} AS year, {quarter} AS quarter, {month} AS month, "
        f"CAST({group} AS VARCHAR) AS grp, {total('n_releases', 'n_releases')} "
        f"FROM mart_outflow WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


def releases_by_gemeente(scope: Scope) -> pl.DataFrame:
    """Releases in scope per municipality ('onbekend' included, as a row), most first."""
    where, params = scope.where("release_year")
    return read(
        f"WITH counts AS (SELECT gemeente_code, {total('n_releases', 'n_releases')} "
        f"FROM mart_outflow WHERE {where} GROUP BY ALL) "
        "SELECT c.gemeente_code, COALESCE(g.gemeente_naam, c.gemeente_code) AS gemeente_naam, "
        "c.n_releases, c.n_releases__ck "
        "FROM counts AS c LEFT JOIN ref_gemeenten AS g USING (gemeente_code) "
        "ORDER BY c.n_releases DESC, gemeente_naam",
        params,
    )


# --- leefgebieden ---------------------------------------------------------------------------


READINESS_MEASURES = (
    "op_orde",
    "niet_op_orde",
    "onbekend",
    "improved",
    "intake_niet_known",
    "intake_op_orde",
    "intake_niet_op_orde",
)
# Counts of intake and release together, from mart_readiness_improvement (long).
IMPROVEMENT_MEASURES = ("improved", "intake_niet_known")


def _readiness_long(group_by: str, scope: Scope) -> pl.DataFrame:
    """One scan of the wide mart and one of the improvement mart, then one row per group and
    leefgebied (six + 'alle')."""
    where, params = scope.where("release_year")
    status_measures = [m for m in READINESS_MEASURES if m not in IMPROVEMENT_MEASURES]
    # Without a choice of municipalities or provinces the roll-up per PI is enough.
    by_pi = group_by != "gemeente_code" and not scope.gemeenten and not scope.provincies
    mart, (pi_where, pi_params) = "mart_readiness", (where, params)
    if by_pi:
        mart = "mart_readiness_pi"
        pi_where, pi_params = scope.where("release_year", ("pis", "sexes", "age_bands"))
    sums = ", ".join(
        total(f"n_{lg}_{m}", f"{lg}__{m}")
        for lg in READINESS_GROUPS  # constants, not user input
        for m in status_measures
    )
    wide = read(
        f"SELECT {group_by}, {total('n_releases', 'n_releases')}, {sums} "
        f"FROM {mart} WHERE {pi_where} GROUP BY ALL ORDER BY ALL",
        pi_params,
    )
    improvement = read(
        f"SELECT {group_by}, leefgebied, "
        + ", ".join(total(f"n_{m}", f"n_{m}") for m in IMPROVEMENT_MEASURES)
        + f" FROM mart_readiness_improvement WHERE {where} GROUP BY ALL",
        params,
    )
    long = pl.concat(
        [
            wide.select(
                group_by,
                pl.lit(lg).alias("leefgebied"),
                *(pl.col(f"{lg}__{m}").alias(f"n_{m}") for m in status_measures),
                "n_releases",
            )
            for lg in READINESS_GROUPS
        ]
    )
    # A group without any release niet op orde at intake has no improvement row: 0 and 0.
    return (
        long.join(improvement, on=[group_by, "leefgebied"], how="left")
        .with_columns(pl.col(f"n_{m}").fill_null(0) for m in IMPROVEMENT_MEASURES)
        .select(group_by, "leefgebied", *(f"n_{m}" for m in READINESS_MEASURES), "n_releases")
        .sort(group_by, "leefgebied")
    )


def readiness_by_year(scope: Scope) -> pl.DataFrame:
    """Per release year and leefgebied (six + 'alle'): status counts at release."""
    return _readiness_long("release_year", scope)


def readiness_by_gemeente(scope: Scope) -> pl.DataFrame:
    """Per municipality and leefgebied: status counts at release and intake."""
    return _readiness_long("gemeente_code", scope)


def readiness_by_pi(scope: Scope) -> pl.DataFrame:
    """Per PI and leefgebied: status counts at release over the whole period in scope."""
    return _readiness_long("pi_code", scope)


# --- recidive -------------------------------------------------------------------------------


def recidivism_by_cohort(scope: Scope, split: str | None = None) -> pl.DataFrame:
    """Per cohort (and breakdown): size, re-offenders within one and two years, severe too."""
    group = split if split in COHORT_SPLITS else "NULL"
    where, params = scope.where("cohort_year")
    return read(
        f"SELECT cohort_year, CAST({group} AS VARCHAR) AS grp, "
        + "".join(
            total(c, c) + ", "
            for c in (
                "n_cohort",
                "n_reoffended_1y",
                "n_reoffended_2y",
                "n_severe_1y",
                "n_severe_2y",
            )
        )  # fmt: skip
        + "bool_and(available_1y) AS available_1y, bool_and(available_2y) AS available_2y "
        f"FROM mart_recidivism WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


def reoffence_groups(scope: Scope) -> pl.DataFrame:
    """Per cohort: persons re-offending within two years by the offence group of the first
    new case, with the cohort size as denominator."""
    where, params = scope.where("cohort_year")
    return read(
        "WITH groups AS (SELECT cohort_year, offence_group, "
        f"{total('n_reoffended_2y', 'n_reoffended_2y')} "
        f"FROM mart_reoffence_groups WHERE {where} GROUP BY ALL), "
        f"cohorts AS (SELECT cohort_year, {total('n_cohort', 'n_cohort')}, "
        f"bool_and(available_2y) AS available_2y FROM mart_recidivism WHERE {where} "
        "GROUP BY ALL) "
        "SELECT c.cohort_year, g.offence_group, g.n_reoffended_2y, g.n_reoffended_2y__ck, "
        "c.n_cohort, c.n_cohort__ck, c.available_2y "
        "FROM cohorts AS c JOIN groups AS g USING (cohort_year) ORDER BY ALL",
        params * 2,
    )


def survival(scope: Scope, split: str = "none") -> pl.DataFrame:
    """Events and censorings per day after release, per group, for Kaplan-Meier curves."""
    group = split if split in SURVIVAL_SPLITS and split != "none" else "NULL"
    where, params = scope.where("cohort_year")
    return read(
        f"SELECT CAST({group} AS VARCHAR) AS grp, days, "
        "CAST(sum(n_events) AS BIGINT) AS n_events, "
        "CAST(sum(n_censored) AS BIGINT) AS n_censored "
        f"FROM mart_survival WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


# --- datakwaliteit --------------------------------------------------------------------------


def deliveries() -> pl.DataFrame:
    """The ingest log, newest first (file names and counts; no row values)."""
    return read("SELECT * FROM mart_deliveries ORDER BY ingested_at DESC, delivery_id DESC")


def quarantine_by_rule() -> pl.DataFrame:
    """Quarantined rows still current, per supplier, source and rule."""
    return read(
        "SELECT q.source, q.supplier, COALESCE(p.pi_naam, g.gemeente_naam, q.supplier) "
        "AS supplier_name, q.rule, CAST(sum(q.n_rows_rule) AS BIGINT) AS n_rows "
        "FROM (SELECT DISTINCT delivery_id, source, supplier, rule, n_rows_rule "
        "FROM current_quarantine_counts) AS q "
        "LEFT JOIN ref_pis AS p ON p.pi_code = q.supplier "
        "LEFT JOIN ref_gemeenten AS g ON g.gemeente_code = q.supplier "
        "GROUP BY ALL ORDER BY n_rows DESC, supplier_name, q.rule"
    )


COMPLETENESS_FIELDS = (
    "gemeente",
    "reintegration_plan",
    "notice_date",
    "tbo_date",
    *(f"{lg}_{moment}" for moment in ("intake", "release") for lg in LEEFGEBIEDEN),
)


def completeness_by_pi(scope: Scope) -> pl.DataFrame:
    """Per PI: releases in scope and, per field, how many lack it."""
    where, params = scope.where("release_year")
    sums = ", ".join(total(f"n_missing_{f}", f"n_missing_{f}") for f in COMPLETENESS_FIELDS)
    return read(
        f"SELECT pi_code, {total('n_releases', 'n_releases')}, {sums} "
        f"FROM mart_completeness WHERE {where} GROUP BY ALL ORDER BY pi_code",
        params,
    )


def is_loaded(sha256: str) -> bool:
    """Whether a file with these bytes was loaded before (then loading it changes nothing)."""
    if publication() is None:
        return False
    try:
        found = read(
            "SELECT count(*) AS n FROM deliveries WHERE file_sha256 = ? AND status = 'loaded'",
            [sha256],
        )
    except (duckdb.Error, WarehouseBroken, WarehouseBusy):
        return False
    return bool(found["n"][0])


# --- vergelijken, succesfactoren, gemeenteprofiel -------------------------------------------

# Measure -> (mart, year column, numerator, denominator, expected or None, available or None).
# Constants: a page picks a key, never SQL.
MEASURES: dict[str, tuple[str, str, str, str, str | None, str | None]] = {
    "recidive_2y": ("mart_casemix", "cohort_year", "n_reoffended_2y", "n_cohort",
                    "expected_2y", "available_2y"),
    "recidive_1y": ("mart_casemix", "cohort_year", "n_reoffended_1y", "n_cohort",
                    "expected_1y", "available_1y"),
    **{
        f"op_orde_{lg}": ("mart_readiness", "release_year", f"n_{lg}_op_orde",
                          f"n_{lg}_op_orde + n_{lg}_niet_op_orde", None, None)
        for lg in READINESS_GROUPS
    },
    **{
        f"onbekend_{lg}": ("mart_readiness", "release_year", f"n_{lg}_onbekend", "n_releases",
                           None, None)
        for lg in READINESS_GROUPS
    },
    "plan": ("mart_process", "release_year", "n_plan_yes", "n_plan_known", None, None),
    "tbo": ("mart_process", "release_year", "n_tbo_within_10_days", "n_tbo_scope", None, None),
    "tijdig": ("mart_process", "release_year", "n_notice_timely", "n_notice_known", None, None),
    "in_beeld": ("mart_process", "release_year", "n_known_to_gemeente", "n_known_scope",
                 None, None),
    "toezicht": ("mart_probation", "release_year", "n_supervised", "n_covered", None, None),
    "reclassering_tbo": ("mart_probation", "release_year", "n_probation_at_tbo",
                         "n_tbo_covered", None, None),
}  # fmt: skip
# The measures Vergelijken offers (the rest of MEASURES: % onbekend, for the Zelfscan).
COMPARE_MEASURES = (
    "recidive_2y", "recidive_1y", *(f"op_orde_{k}" for k in READINESS_GROUPS), "plan", "tbo",
    "tijdig", "in_beeld", "toezicht", "reclassering_tbo",
)  # fmt: skip
UNIT_COLUMNS = ("gemeente_code", "pi_code")


def unit_rates(scope: Scope, unit: str, measure: str) -> pl.DataFrame:
    """Per year and unit (municipality or PI): numerator k, denominator n and, for
    recidivism, the case-mix expected count e. Years without full follow-up are left out."""
    return unit_rates_many(scope, unit, (measure,)).drop("measure")


def unit_rates_many(scope: Scope, unit: str, measures: tuple[str, ...]) -> pl.DataFrame:
    """`unit_rates` of several measures, with a column `measure`: one scan per mart (and
    follow-up condition) instead of one per measure."""
    column = unit if unit in UNIT_COLUMNS else "pi_code"
    groups: dict[tuple, list[str]] = {}
    for measure in measures:
        mart, year, _, _, _, available = MEASURES[measure]
        groups.setdefault((mart, year, available), []).append(measure)
    parts = []
    for (mart, year, available), members in groups.items():
        sums = ", ".join(
            f"{total(MEASURES[m][2], f'k{i}')}, {total(MEASURES[m][3], f'n{i}')}, "
            + (f"sum({MEASURES[m][4]})" if MEASURES[m][4] else "CAST(NULL AS DOUBLE)")
            + f" AS e{i}"
            for i, m in enumerate(members)
        )
        where, params = scope.where(year)
        wide = read(
            f"SELECT {year} AS year, {column} AS unit, {sums} FROM {mart} WHERE {where} "
            f"{f'AND {available}' if available else ''} GROUP BY ALL ORDER BY ALL",
            params,
        )
        parts += [
            wide.select(
                "year",
                "unit",
                pl.col(f"k{i}").alias("k"),
                pl.col(f"n{i}").alias("n"),
                pl.col(f"e{i}").alias("e"),
                pl.lit(m).alias("measure"),
            )
            for i, m in enumerate(members)
        ]
    return pl.concat(parts)


def gemeente_info() -> pl.DataFrame:
    """Current municipalities with province and population (for peer groups)."""
    return read(
        "SELECT gemeente_code, gemeente_naam, provincie, inwoners_2019 FROM ref_gemeenten "
        "WHERE current_code = gemeente_code ORDER BY gemeente_naam"
    )


def aftercare(scope: Scope) -> pl.DataFrame:
    """Per leefgebied: status three months after release, from the nazorg-exports (the
    municipality, PI and period of the scope apply: the nazorg-export has no sex or age; its
    PI is that of the release it follows)."""
    where, params = scope.where("year", ("gemeenten", "pis"))
    return read(
        "SELECT leefgebied, "
        + ", ".join(
            total(c, c) for c in ("n_trajectories", "n_op_orde", "n_niet_op_orde", "n_onbekend")
        )  # fmt: skip
        + " "
        f"FROM mart_aftercare WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    )
