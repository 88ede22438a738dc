"""The count queries of Succesfactoren and the process indicators per unit: success factors
(mart_factors and the fitted model_factors), process and probation per PI or municipality,
supervision by kader and its endings. Like published/queries.py, counts only."""

from __future__ import annotations

import polars as pl

from basis.contract import SUPERVISION_FRAMES
from published.queries import UNIT_COLUMNS, total
from published.reader import read
from published.scope import Scope
from store.models import FACTORS

FACTOR_COLUMNS = FACTORS  # the columns of mart_factors that are success factors


def factor_outcomes(scope: Scope, years: int) -> pl.DataFrame:
    """Per factor and level (ja/nee): cohort size and re-offenders within `years` years, for
    cohorts with full follow-up in the selection."""
    k = 1 if years == 1 else 2
    where, params = scope.where("cohort_year")
    factors = ", ".join(FACTOR_COLUMNS)
    return read(
        f"WITH scope AS (SELECT {factors}, n_cohort, ck_cohort, n_reoffended_{k}y AS n_k, "
        f"ck_reoffended_{k}y AS ck_k FROM mart_factors WHERE available_{k}y AND {where}) "
        f"SELECT factor, level, {total('n_cohort', 'n')}, {total('n_k', 'k')} "
        f"FROM (UNPIVOT scope ON {factors} INTO NAME factor VALUE level) "
        "GROUP BY ALL ORDER BY ALL",
        params,
    )


def factor_survival(scope: Scope, factor: str) -> pl.DataFrame:
    """Events and censorings per day after release, by the level (ja/nee) of one factor."""
    column = factor if factor in FACTOR_COLUMNS else "onderdak"
    where, params = scope.where("cohort_year")
    return read(
        f"SELECT {column} AS grp, days, "
        "CAST(COALESCE(sum(n_cohort) FILTER (WHERE event), 0) AS BIGINT) AS n_events, "
        "CAST(COALESCE(sum(n_cohort) FILTER (WHERE NOT event), 0) AS BIGINT) AS n_censored "
        f"FROM mart_factors WHERE {column} IS NOT NULL AND {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


def model_factors(years: int) -> pl.DataFrame:
    return read("SELECT * FROM model_factors WHERE years = ? ORDER BY factor", [years])


def process_by_pi(scope: Scope, unit: str = "pi_code") -> pl.DataFrame:
    """Per PI (or municipality): numerators and denominators of the process indicators (the
    probation ones from mart_probation: 0 outside the reclassering coverage)."""
    column = unit if unit in UNIT_COLUMNS else "pi_code"
    where, params = scope.where("release_year")
    process = read(
        f"SELECT {column}, "
        + ", ".join(
            total(c, c)
            for c in (
                "n_releases",
                "n_plan_yes",
                "n_plan_known",
                "n_tbo_within_10_days",
                "n_tbo_scope",
                "n_notice_timely",
                "n_notice_known",
                "n_known_to_gemeente",
                "n_known_scope",
            )
        )  # fmt: skip
        + f" FROM mart_process WHERE {where} GROUP BY ALL ORDER BY {column}",
        params,
    )
    probation = read(
        f"SELECT {column}, "
        + ", ".join(
            total(c, c)
            for c in ("n_covered", "n_supervised", "n_tbo_covered", "n_probation_at_tbo")
        )
        + f" FROM mart_probation WHERE {where} GROUP BY ALL",
        params,
    )
    return process.join(probation, on=column, how="left", nulls_equal=True).fill_null(0)


def supervision_by_frame(scope: Scope) -> pl.DataFrame:
    """Per release year: covered releases and those under supervision, in total and by kader."""
    where, params = scope.where("release_year")
    return read(
        "SELECT release_year AS year, "
        + ", ".join(
            total(c, c)
            for c in (
                "n_covered",
                "n_supervised",
                *(f"n_supervised_{f}" for f in SUPERVISION_FRAMES),
            )
        )
        + f" FROM mart_probation WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    )


def supervision_endings() -> pl.DataFrame:
    """Per year of ending: supervisions ended with a known afloop, and ended regularly
    (national: a probation trajectory has no PI or municipality)."""
    return read(
        "SELECT end_year AS year, "
        + ", ".join(total(c, c) for c in ("n_ended_known", "n_ended_regular"))
        + " FROM mart_supervision_endings GROUP BY ALL ORDER BY ALL"
    )
