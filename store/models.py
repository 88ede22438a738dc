"""Statistical models fitted at build time, once per data version (meetregels Vergelijken).

- Case-mix: per outcome window, a logistic regression of recidivism on sex, age band,
  detention-length band and the number of earlier releases (capped at five), fitted on the
  national cohorts with full follow-up. `mart_casemix` holds per cell the observed count and
  the expected count (the sum of predicted probabilities), so any selection's observed/expected
  ratio is a sum away.
- Success factors: per window, the odds ratio of each leefgebied at release and each process
  step, raw (2x2) and adjusted (one model with the case-mix covariates, PI, cohort year and all
  factors together). National, all cohorts with full follow-up.

The dashboard reads these tables; it never fits a model on a click.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import polars as pl

from store.cellkey import KEY_MODULUS
from store.stats import LogisticFit, Start, fit_logistic, levels_by_column, odds_ratio_2x2
from store.warehouse import scalar, table_names

WINDOWS = (1, 2)
CASEMIX_TABLES = ("mart_casemix", "model_casemix")
FACTOR_TABLES = ("model_factors",)
MODEL_TABLES = (*CASEMIX_TABLES, *FACTOR_TABLES)
CASEMIX_DESIGN_COLUMNS = ("sex", "age_band", "length_band", "n_earlier_releases")
CASEMIX_REFERENCES = {"sex": "M", "age_band": "30-39", "length_band": "90-364"}
LEEFGEBIED_FACTORS = (
    "id_bewijs",
    "onderdak",
    "werk_inkomen",
    "schulden",
    "zorg",
    "sociaal_netwerk",
)
PROCESS_FACTORS = (
    "reintegratieplan",
    "tbo_10_dagen",
    "tijdig_gemeld",
    "in_beeld",
    "casemanager",
    "onder_toezicht",
)
FACTORS = (*LEEFGEBIED_FACTORS, *PROCESS_FACTORS)
# Enough for intervals far narrower than the effects; keeps the fit to seconds at any scale.
FACTOR_MODEL_MAX_ROWS = 250_000


def _casemix_design(frame: pl.DataFrame) -> dict:
    design: dict = levels_by_column(
        frame, {c: CASEMIX_REFERENCES.get(c) for c in CASEMIX_DESIGN_COLUMNS[:3]}
    )
    design["n_earlier_releases"] = None
    return design


_PATTERN_COLUMNS = (*CASEMIX_DESIGN_COLUMNS, "available_1y", "available_2y")
# What the case-mix model is fitted on: the cohorts' case-mix cells (a SQL model).
CASEMIX_INPUT = "core_cohort_cells"
CASEMIX_CELLS = f"(SELECT * RENAME (earlier_releases AS n_earlier_releases) FROM {CASEMIX_INPUT})"


def fit_casemix(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(mart_casemix, model_casemix): expected counts per cell, and the coefficients.

    The model sees only the covariate patterns (a few hundred rows); the predicted probability
    of each pattern is then summed over the cells in DuckDB."""
    patterns = con.sql(
        f"SELECT {', '.join(_PATTERN_COLUMNS)}, "
        "CAST(sum(n_cohort) AS BIGINT) AS n_cohort, "
        "CAST(sum(n_reoffended_1y) AS BIGINT) AS n_reoffended_1y, "
        "CAST(sum(n_reoffended_2y) AS BIGINT) AS n_reoffended_2y "
        f"FROM {CASEMIX_CELLS} GROUP BY ALL ORDER BY ALL"
    ).pl()
    coefficients = []
    for k in WINDOWS:
        patterns = patterns.with_columns(pl.lit(None, pl.Float64).alias(f"p_{k}y"))
        fitted = patterns.filter(pl.col(f"available_{k}y"))
        if fitted.height == 0:
            continue
        fit = _try_fit(fitted, f"n_reoffended_{k}y", "n_cohort", _casemix_design(fitted))
        if fit is None:
            continue
        patterns = patterns.with_columns(pl.Series(f"p_{k}y", fit.predict(patterns)))
        coefficients += [
            {"years": k, "term": name, "coef": c, "low": lo, "high": hi, "n": fit.n}
            for name, c, lo, hi in zip(fit.names, fit.coef, fit.low, fit.high, strict=True)
        ]
    con.register("casemix_probabilities", patterns)
    try:
        # A cell without a fitted model keeps no expected count (a sum of NULLs is NULL, not 0).
        mart = con.sql(
            "SELECT f.cohort_year, f.pi_code, f.gemeente_code, f.provincie, f.sex, f.age_band, "
            "f.available_1y, f.available_2y, "
            "CAST(sum(f.n_cohort) AS BIGINT) AS n_cohort, "
            "CAST(sum(f.n_reoffended_1y) AS BIGINT) AS n_reoffended_1y, "
            "CAST(sum(f.n_reoffended_2y) AS BIGINT) AS n_reoffended_2y, "
            # The cell-key method: the key sums of the three counts (modulo 2^32).
            + ", ".join(
                f"CAST(sum(f.ck_{c}) % {KEY_MODULUS} AS BIGINT) AS ck_{c}"
                for c in ("cohort", "reoffended_1y", "reoffended_2y")
            )
            + ", sum(CASE WHEN f.available_1y THEN f.n_cohort * p.p_1y END) AS expected_1y, "
            "sum(CASE WHEN f.available_2y THEN f.n_cohort * p.p_2y END) AS expected_2y "
            f"FROM {CASEMIX_CELLS} AS f JOIN casemix_probabilities AS p ON "
            + " AND ".join(f"f.{c} IS NOT DISTINCT FROM p.{c}" for c in _PATTERN_COLUMNS)
            + " GROUP BY ALL"
        ).pl()
    finally:
        con.unregister("casemix_probabilities")
    return mart, pl.DataFrame(
        coefficients,
        schema={"years": pl.Int64, "term": pl.String, "coef": pl.Float64, "low": pl.Float64,
                "high": pl.Float64, "n": pl.Int64},
    )  # fmt: skip


def _factor_rows(con: duckdb.DuckDBPyConnection, k: int) -> pl.DataFrame:
    """The rows of window k, at most FACTOR_MODEL_MAX_ROWS of them (a few more only should
    rows share a 64-bit hash): a fixed pseudo-random selection, those with the smallest hashes
    of their content, so that a rebuild of the same data fits the same model. (DuckDB's
    reservoir sample depends on the table's physical layout.) The hash that bounds them is
    found first, on the hashes alone: a third of the time of ordering the rows themselves."""
    columns = ", ".join(("cohort_year", "pi_code", *CASEMIX_DESIGN_COLUMNS, *FACTORS))
    row_hash = f"hash({columns}, gemeente_code, days, event)"
    where = f"available_{k}y"
    if scalar(con, f"SELECT count(*) FROM mart_factors WHERE {where}") > FACTOR_MODEL_MAX_ROWS:
        bound = scalar(
            con,
            f"SELECT max(h) FROM (SELECT {row_hash} AS h FROM mart_factors WHERE {where} "
            f"ORDER BY h LIMIT {FACTOR_MODEL_MAX_ROWS})",
        )
        where += f" AND {row_hash} <= {bound}"
    return con.sql(
        f"SELECT {columns}, CAST(cohort_year AS VARCHAR) AS cohort, n_cohort, "
        f"n_reoffended_{k}y AS k FROM mart_factors WHERE {where}"
    ).pl()


def _factor_design(frame: pl.DataFrame) -> dict:
    references = {c: CASEMIX_REFERENCES.get(c) for c in CASEMIX_DESIGN_COLUMNS[:3]}
    levels = levels_by_column(
        frame, {**references, "pi_code": None, "cohort": None, **dict.fromkeys(FACTORS, "nee")}
    )
    design = {c: levels[c] for c in references} | {"n_earlier_releases": None}
    design |= {"pi_code": levels["pi_code"], "cohort": levels["cohort"]}
    # 'onbekend' is left out where it only repeats another column: a factor that a whole PI
    # does not deliver (TBO dates) is absorbed by the PI, and two factors that are unknown on
    # the same rows (in beeld, casemanager) need one indicator, not two.
    unknown_per_pi = frame.group_by("pi_code").agg(pl.col(FACTORS).is_null().mean())
    unknown = frame.select(pl.col(FACTORS).is_null())
    for i, factor in enumerate(FACTORS):
        factor_levels = levels[factor]
        repeats = any(unknown[factor].equals(unknown[other]) for other in FACTORS[:i])
        if "onbekend" in factor_levels and (
            unknown_per_pi[factor].is_in([0.0, 1.0]).all() or repeats
        ):
            factor_levels.remove("onbekend")
        design[factor] = factor_levels
    return design


# The factor model's last estimates, per window: where the next build's fit sets out from
# (store/stats.fit_logistic). In the store only; never published.
START_TABLE = "fit_start"


def _starts(con: duckdb.DuckDBPyConnection) -> dict[int, Start]:
    if START_TABLE not in table_names(con):
        return {}
    columns = {c[0] for c in con.execute(f"DESCRIBE {START_TABLE}").fetchall()}
    if "information" not in columns:  # kept by an earlier version
        return {}
    rows = con.execute(f"SELECT years, names, coef, information FROM {START_TABLE}").fetchall()
    return {years: (tuple(names), coef, information) for years, names, coef, information in rows}


def fit_factors(
    con: duckdb.DuckDBPyConnection, starts: dict[int, Start] | None = None
) -> tuple[pl.DataFrame, list[tuple[int, list[str], list[float], list[float]]]]:
    """Per window and factor: recidivism with and without, raw and adjusted odds ratios; and
    per window the model's names and estimates (where the next fit sets out from)."""
    rows = []
    starts, fitted = starts or {}, []
    for k in WINDOWS:
        frame = _factor_rows(con, k)
        if frame.height == 0:
            continue
        # Its rows are nearly all distinct covariate patterns (230,000 of 250,000 at national
        # scale): grouping them first would cost more than it saves.
        fit = _try_fit(
            frame, "k", "n_cohort", _factor_design(frame), group=False, start=starts.get(k)
        )
        if fit is None:
            continue
        fitted.append((k, list(fit.names), [float(c) for c in fit.coef],
                       [float(v) for v in fit.information.ravel()]))  # fmt: skip
        # Per factor and level: persons and re-offenders (one pass over the frame).
        counts = frame.select(
            pl.col(c).filter(pl.col(f) == level).sum().alias(f"{f}|{level}|{c}")
            for f in FACTORS
            for level in ("ja", "nee")
            for c in ("n_cohort", "k")
        ).row(0, named=True)
        for factor in FACTORS:
            n_ja, k_ja = (counts[f"{factor}|ja|{c}"] for c in ("n_cohort", "k"))
            n_nee, k_nee = (counts[f"{factor}|nee|{c}"] for c in ("n_cohort", "k"))
            raw = (None, None, None)
            if min(k_ja, n_ja - k_ja, k_nee, n_nee - k_nee) > 0:
                raw = odds_ratio_2x2(k_ja, n_ja - k_ja, k_nee, n_nee - k_nee)
            term = f"{factor}=ja"
            adjusted = fit.odds_ratio(term) if term in fit.names else (None,) * 3
            se = float(fit.se[fit.names.index(term)]) if term in fit.names else None
            rows.append(
                {
                    "years": k, "factor": factor, "n_ja": n_ja, "k_ja": k_ja,
                    "n_nee": n_nee, "k_nee": k_nee,
                    "raw_or": raw[0], "raw_low": raw[1], "raw_high": raw[2],
                    "adj_or": adjusted[0], "adj_low": adjusted[1], "adj_high": adjusted[2],
                    "adj_log_se": se,
                    "n_model": fit.n,
                }
            )  # fmt: skip
    return pl.DataFrame(rows, schema=FACTOR_SCHEMA), fitted


FACTOR_SCHEMA = {
    "years": pl.Int64, "factor": pl.String, "n_ja": pl.Int64, "k_ja": pl.Int64,
    "n_nee": pl.Int64, "k_nee": pl.Int64, "raw_or": pl.Float64, "raw_low": pl.Float64,
    "raw_high": pl.Float64, "adj_or": pl.Float64, "adj_low": pl.Float64,
    "adj_high": pl.Float64, "adj_log_se": pl.Float64, "n_model": pl.Int64,
}  # fmt: skip


def _try_fit(
    frame: pl.DataFrame, successes: str, totals: str, design: dict, **options: Any
) -> LogisticFit | None:
    """The fit, or None when the data cannot carry the model (too few rows or categories,
    collinear covariates, no convergence): the build goes on and the pages say that there is
    no model, rather than showing unstable numbers."""
    try:
        with np.errstate(over="ignore"):  # exp() of a diverging fit: caught below
            fit = fit_logistic(frame, successes, totals, design, **options)
    except (ValueError, np.linalg.LinAlgError):
        return None
    return fit if np.isfinite(fit.coef).all() and np.isfinite(fit.se).all() else None


def _store(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    for name, frame in tables.items():
        con.register("incoming_model", frame)
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM incoming_model")
        con.unregister("incoming_model")


def build_casemix(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create mart_casemix and model_casemix inside the build's transaction."""
    mart, coefficients = fit_casemix(con)
    _store(con, {"mart_casemix": mart, "model_casemix": coefficients})


def build_factors(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create model_factors, and the estimates the next fit sets out from."""
    factors, fitted = fit_factors(con, _starts(con))
    con.execute(
        f"CREATE OR REPLACE TABLE {START_TABLE} "
        "(years INTEGER, names VARCHAR[], coef DOUBLE[], information DOUBLE[])"
    )
    if fitted:
        con.executemany(f"INSERT INTO {START_TABLE} VALUES (?, ?, ?, ?)", fitted)
    _store(con, {"model_factors": factors})
