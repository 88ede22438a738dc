"""Effectmeting (issue 35): did a way of working or a process step go with less recidivism
than in comparable releases without it? A matched comparison as the UK Justice Data Lab
makes one, self-service and within the disclosure rules.

The treated group is defined from what the data hold, within the cohorts of the selected
years that have a full year of follow-up:
- a **condition**: releases with a process step (`ja` on one of the success factors of
  meetregels Proces), against releases without it (`nee`; where the measure does not apply or
  is unknown, neither);
- a **start**: releases of residents of the chosen municipalities and/or from the chosen PIs
  from the first day of a month on, against releases of the other municipalities and PIs
  from the same month on.

Each treated release is compared with releases of the pool that were as likely to be treated,
judged by what the treatment cannot have changed: a propensity score (a logistic regression,
store/stats.fit_logistic) on sex, age band, detention-length band, the number of earlier
releases and the six leefgebieden at intake (and for a condition the PI), matched exactly on
the release year
and to the nearest pool releases on the logit of the score (scikit-learn's NearestNeighbors),
at most NEIGHBOURS of them, within a caliper of CALIPER standard deviations of that logit,
with replacement. Several neighbours with replacement because the pool is many times larger
than the treated group: it lowers the variance at little cost in bias (each neighbour is
within the caliper), and no treated release is dropped because a close neighbour was used by
another. Treated releases without any pool release within the caliper are dropped and
counted.

The rows are the cells of mart_factors (near person level: identical cohort members share a
cell, counted by n_cohort): a cell stands for n_cohort identical releases. Nothing
person-level leaves this module: counts (with the cell-key noise), rates, differences,
balance and curves only.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from published.reader import noise_table, read
from store.cellkey import KEY_MODULUS, perturb
from store.models import LEEFGEBIED_FACTORS, PROCESS_FACTORS
from store.stats import Z95

CONDITIONS = PROCESS_FACTORS
INTAKE = tuple(f"{lg}_intake" for lg in LEEFGEBIED_FACTORS)
COVARIATES = ("sex", "age_band", "length_band", "n_earlier_releases", *INTAKE)
NEIGHBOURS = 3
CALIPER = 0.2  # standard deviations of the logit of the propensity score (Austin 2011)
MIN_TREATED = 60  # as the Justice Data Lab: fewer treated people are not evaluated
BALANCE_LIMIT = 0.1  # a standardised mean difference at or above it is flagged
Z80 = 0.8416  # the normal quantile of 80% power
CASES_KEY_SHIFT = 0x9E3779B9  # a record-key offset for a second statistic of the same cells


class EffectError(ValueError):
    """A definition that cannot be evaluated: `code` names the reason (the dashboard says it
    in Dutch, the CLI in plain English), `params` its numbers."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Definition:
    """Who was treated: a process condition, or a way of working from a month on in the
    chosen municipalities and/or PIs; and the release years looked at."""

    condition: str | None = None
    start: dt.date | None = None
    gemeenten: tuple[str, ...] = ()
    pis: tuple[str, ...] = ()
    first_year: int | None = None
    last_year: int | None = None

    def __post_init__(self) -> None:
        if (self.condition is None) == (self.start is None):
            raise EffectError("definition", "give either a condition or a start date")
        if self.condition is not None and self.condition not in CONDITIONS:
            raise EffectError(
                "condition",
                f"unknown condition {self.condition!r}; known: {', '.join(CONDITIONS)}",
                condition=self.condition,
            )
        if self.start is not None:
            if not (self.gemeenten or self.pis):
                raise EffectError("units", "a start date needs municipalities or PIs")
            # Definitions stay coarse (issue 35: differencing): a start is a month.
            object.__setattr__(self, "start", self.start.replace(day=1))

    def describe(self) -> dict:
        return {
            "condition": self.condition,
            "start": self.start.isoformat() if self.start else None,
            "gemeenten": list(self.gemeenten),
            "pis": list(self.pis),
            "from": self.first_year,
            "to": self.last_year,
        }


@dataclass
class Groups:
    """The cells of the treated group and of the pool, as read."""

    treated: pl.DataFrame
    pool: pl.DataFrame
    covariates: tuple[str, ...] = field(default_factory=tuple)


def _units(definition: Definition) -> tuple[pl.Expr, pl.Expr]:
    """For a way of working: the releases of the chosen units (residents of the chosen
    municipalities released from the chosen PIs, when both are given) and those of the
    others (neither)."""
    in_g = pl.col("gemeente_code").is_in(definition.gemeenten)
    in_p = pl.col("pi_code").is_in(definition.pis)
    if definition.gemeenten and definition.pis:
        return in_g & in_p, ~in_g & ~in_p
    if definition.gemeenten:
        return in_g, ~in_g
    return in_p, ~in_p


def _cells(definition: Definition) -> Groups:
    columns = ", ".join(
        (
            "cohort_year", "release_month", "pi_code", "gemeente_code", *COVARIATES,
            "days", "event", "available_2y", "n_cohort", "ck_cohort",
            "n_reoffended_1y", "ck_reoffended_1y", "n_reoffended_2y", "ck_reoffended_2y",
            "sum_cases_1y",
        )
    )  # fmt: skip
    where, params = ["available_1y"], []
    if definition.first_year is not None:
        where.append("cohort_year >= ?")
        params.append(definition.first_year)
    if definition.last_year is not None:
        where.append("cohort_year <= ?")
        params.append(definition.last_year)
    # Only the releases that can be in either group are read: for a condition those with ja
    # or nee (the name is one of CONDITIONS, checked by Definition), for a start those from
    # its month on.
    if definition.condition is not None:
        columns += f", {definition.condition}::VARCHAR AS treated_level"
        where.append(f"{definition.condition} IN ('ja', 'nee')")
    else:
        where.append("cohort_year * 12 + release_month >= ?")
        params.append(definition.start.year * 12 + definition.start.month)
    frame = read(f"SELECT {columns} FROM mart_factors WHERE {' AND '.join(where)}", params)
    frame = frame.with_columns(pl.col(c).cast(pl.String).fill_null("onbekend") for c in COVARIATES)
    if definition.condition is not None:
        scope = frame
        if definition.gemeenten:
            scope = scope.filter(pl.col("gemeente_code").is_in(definition.gemeenten))
        if definition.pis:
            scope = scope.filter(pl.col("pi_code").is_in(definition.pis))
        level = pl.col("treated_level")
        return Groups(
            scope.filter(level == "ja"), scope.filter(level == "nee"), (*COVARIATES, "pi_code")
        )
    mine, others = _units(definition)
    return Groups(frame.filter(mine), frame.filter(others), COVARIATES)


def _propensity(both: pl.DataFrame, covariates: tuple[str, ...]) -> np.ndarray:
    """The logit of each cell's propensity score: a logistic regression of being treated on
    the covariates and the release year (one dummy per level but the most frequent), the
    cells weighted by their releases. Fitted with store/stats.fit_logistic, the project's
    Newton-Raphson with the analytic Hessian, checked against statsmodels to 1e-6
    (tests/store/test_stats.py): statsmodels' GLM took 10 s here at national scale (its
    IRLS solves a least-squares problem on the whole design at every step), scikit-learn's
    LogisticRegression 7 s, this 1 s. Where a level holds no treated release at all (a
    youth age band in an adult PI's way of working: separation) the maximum-likelihood
    estimate does not exist and Newton does not converge; then scikit-learn's L2-penalised
    LogisticRegression (C = 1, negligible beside thousands of weighted releases but finite
    for a separated level) gives the score."""
    from store.stats import design_matrix, fit_logistic, levels_by_column

    columns = [*covariates, "cohort_year"]
    frame = both.with_columns(
        pl.col("cohort_year").cast(pl.String),
        pl.when(pl.col("treated")).then(pl.col("n_cohort")).otherwise(0).alias("k"),
    )
    design = levels_by_column(frame, dict.fromkeys(columns))
    # One row per covariate pattern (treated out of releases): the same likelihood as the
    # cells', from fewer rows; each cell then takes its pattern's logit, found by a 64-bit
    # hash of the pattern (one column to group and join on instead of eleven strings).
    frame = frame.with_columns(pl.struct(columns).hash(seed=35).alias("pattern"))
    patterns = frame.group_by("pattern").agg(
        *(pl.col(c).first() for c in columns), pl.col("k").sum(), pl.col("n_cohort").sum()
    )
    x, names = design_matrix(patterns, design)
    try:
        fit = fit_logistic(patterns, "k", "n_cohort", design, group=False, matrix=(x, names))
        logit = x @ fit.coef
    except (ValueError, np.linalg.LinAlgError):
        from sklearn.linear_model import LogisticRegression

        features = x[:, 1:]  # without the intercept column: it fits its own
        k = patterns["k"].cast(pl.Float64).to_numpy()
        n = patterns["n_cohort"].cast(pl.Float64).to_numpy()
        model = LogisticRegression(C=1.0, max_iter=1000, tol=1e-8)
        model.fit(
            np.vstack([features, features]),
            np.concatenate([np.ones(len(k)), np.zeros(len(k))]),
            sample_weight=np.concatenate([k, n - k]),
        )
        logit = model.decision_function(features)
    return (
        frame.select("pattern")
        .join(patterns.select("pattern", pl.Series("logit", logit)), on="pattern", how="left",
              maintain_order="left")["logit"]
        .to_numpy()
    )  # fmt: skip


def _match(both: pl.DataFrame, logit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per treated cell, whether it was matched; per pool cell, the weight it carries (the
    treated releases it stands for: each treated cell's n_cohort shared by its neighbours).
    Exact on the release year, nearest on the logit, within the caliper, with replacement."""
    from sklearn.neighbors import NearestNeighbors

    treated = both["treated"].to_numpy()
    n = both["n_cohort"].cast(pl.Float64).to_numpy()
    year = both["cohort_year"].to_numpy()
    # The caliper on the pooled standard deviation of the logit (releases, not cells).
    mean = np.average(logit, weights=n)
    sd = math.sqrt(np.average((logit - mean) ** 2, weights=n))
    caliper = CALIPER * sd
    matched = np.zeros(both.height, dtype=bool)
    weight = np.zeros(both.height)
    for y in np.unique(year[treated]):
        mine = np.flatnonzero(treated & (year == y))
        pool = np.flatnonzero(~treated & (year == y))
        if pool.size == 0:
            continue
        finder = NearestNeighbors(n_neighbors=min(NEIGHBOURS, pool.size)).fit(logit[pool, None])
        distance, index = finder.kneighbors(logit[mine, None])
        within = distance <= caliper
        found = within.sum(axis=1)
        matched[mine] = found > 0
        share = np.where(found > 0, n[mine] / np.maximum(found, 1), 0.0)
        np.add.at(weight, pool[index[within]], np.repeat(share, found))
    return matched, weight


def _smd(part_t: float, total_t: float, part_c: float, total_c: float) -> float:
    """Standardised mean difference of a level's share between two weighted groups."""
    # Shares clamped to [0, 1]: a level's sum and the total are added in different orders, so
    # a level every release has can come out as 1.0000000000000002 (and the spread negative).
    pt = min(1.0, max(0.0, part_t / total_t)) if total_t else 0.0
    pc = min(1.0, max(0.0, part_c / total_c)) if total_c else 0.0
    spread = math.sqrt(max(0.0, (pt * (1 - pt) + pc * (1 - pc)) / 2))
    return 0.0 if spread == 0 else (pt - pc) / spread


def _balance(both: pl.DataFrame, covariates: tuple[str, ...], matched: np.ndarray,
             weight: np.ndarray) -> list[dict]:  # fmt: skip
    """Per level of every covariate: its share among the treated and the pool before
    matching, and among the matched treated and the weighted comparison after, as
    standardised mean differences."""
    n = both["n_cohort"].cast(pl.Float64)
    treated = both["treated"]
    groups = both.select(
        *(pl.col(c).cast(pl.String) for c in (*covariates, "cohort_year")),
        t=n * treated, p=n * ~treated, m=n * (treated & pl.Series(matched)),
        c=pl.Series(weight),
    )  # fmt: skip
    totals = groups.select(pl.col("t", "p", "m", "c").sum()).row(0, named=True)
    rows = []
    for column in (*covariates, "cohort_year"):
        sums = groups.group_by(column).agg(pl.col("t", "p", "m", "c").sum()).sort(column)
        for level, t, p, m, c in sums.iter_rows():
            # To two decimals, as shown (docs/cellkey.md: the shares are exact), and flagged
            # as shown.
            before = round(_smd(t, totals["t"], p, totals["p"]), 2)
            after = round(_smd(m, totals["m"], c, totals["c"]), 2)
            rows.append(
                {"covariate": column, "level": level, "smd_before": before,
                 "smd_after": after, "flagged": bool(abs(after) >= BALANCE_LIMIT)}
            )  # fmt: skip
    return rows


def _noisy(count: float, key_sum: float, statistic: int = 0) -> int:
    """A count (or a weighted count, rounded) with its cell-key noise (store/cellkey.py):
    the key is the sum of the record keys of the cells counted, shifted by `statistic` so
    that two figures of the same records (releases, their new cases) draw apart. Never
    below 0."""
    key = (int(key_sum) + statistic * CASES_KEY_SHIFT) % KEY_MODULUS
    return max(0, perturb(noise_table(), round(count), key))


def difference_interval(
    p_t: float, n_t: float, p_c: float, n_c_effective: float
) -> tuple[float, float, float]:
    """The difference p_t - p_c with its 95% Wald interval, the comparison group counted by
    its effective size (matching with replacement: (sum of weights)^2 / sum of weights^2 per
    release). Fractions."""
    se = math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c_effective)
    d = p_t - p_c
    return d, d - Z95 * se, d + Z95 * se


def detectable(p_c: float, n_t: float, n_c_effective: float) -> float:
    """The smallest difference (fraction) this design finds with 80% power at 5% (two-sided)."""
    return (Z95 + Z80) * math.sqrt(p_c * (1 - p_c) * (1 / n_t + 1 / n_c_effective))


def needed(difference: float, p_c: float, ratio: float) -> int | None:
    """The treated releases needed to find `difference` with 80% power, the comparison group
    `ratio` times as large (effectively) as now."""
    if difference == 0:
        return None
    return math.ceil((Z95 + Z80) ** 2 * p_c * (1 - p_c) * (1 + 1 / ratio) / difference**2)


def evaluate(definition: Definition, min_treated: int = MIN_TREATED) -> dict:
    """The matched comparison of the definition's treated releases (see the module)."""
    groups = _cells(definition)
    found = float(groups.treated["n_cohort"].sum() or 0)
    found_ck = float(groups.treated["ck_cohort"].sum() or 0)
    if found < min_treated:
        raise EffectError(
            "too_few",
            f"{'fewer than ' + str(min_treated) if found else 'no'} treated releases with a "
            f"year of follow-up (at least {min_treated} are needed)",
            minimum=min_treated,
        )
    both = pl.concat(
        [
            groups.treated.with_columns(treated=pl.lit(True)),
            groups.pool.with_columns(treated=pl.lit(False)),
        ]
    )
    logit = _propensity(both, groups.covariates)
    matched, weight = _match(both, logit)
    treated = both["treated"].to_numpy()
    n = both["n_cohort"].cast(pl.Float64).to_numpy()
    chosen = treated & matched
    n_t = float(n[chosen].sum())
    if n_t < min_treated:
        raise EffectError(
            "too_few_matched",
            f"fewer than {min_treated} treated releases found a comparison",
            minimum=min_treated,
        )
    used = weight > 0
    v = weight[used]
    n_c = float(n[used].sum())
    effective = v.sum() ** 2 / float((v**2 / n[used]).sum())

    def column(name: str) -> np.ndarray:
        return both[name].cast(pl.Float64).fill_null(0).to_numpy()

    result: dict = {"definition": definition.describe()}
    out_t = {"found": _noisy(found, found_ck),
             "matched": _noisy(n_t, column("ck_cohort")[chosen].sum())}  # fmt: skip
    out_c = {"n": _noisy(n_c, column("ck_cohort")[used].sum()), "effective_n": round(effective)}
    for k in (1, 2):
        window = chosen if k == 1 else chosen & both["available_2y"].to_numpy()
        pool_k = used if k == 1 else used & both["available_2y"].to_numpy()
        n_tk = float(n[window].sum())
        if n_tk < min_treated:
            out_t[f"rate_{k}y"] = out_c[f"rate_{k}y"] = result[f"difference_{k}y"] = None
            continue
        k_t = column(f"n_reoffended_{k}y")[window].sum()
        shown_k = _noisy(k_t, column(f"ck_reoffended_{k}y")[window].sum())
        shown_n = _noisy(n_tk, column("ck_cohort")[window].sum())
        p_t = shown_k / shown_n
        # The comparison's rate from its weighted counts (treated-equivalent releases: the
        # weights add up to the matched treated), its re-offenders with their own noise, so
        # that one release more or less in the pool is hidden as well as in the treated.
        w_c = float(weight[pool_k].sum())
        rates = column(f"n_reoffended_{k}y") / n
        k_c = float(np.sum(weight[pool_k] * rates[pool_k]))
        shown_kc = _noisy(k_c, column(f"ck_reoffended_{k}y")[pool_k].sum())
        p_c = min(1.0, shown_kc / w_c)
        v_k = weight[pool_k]
        eff_k = v_k.sum() ** 2 / float((v_k**2 / n[pool_k]).sum())
        d, low, high = difference_interval(p_t, shown_n, p_c, eff_k)
        out_t[f"rate_{k}y"] = round(100 * p_t, 1)
        out_c[f"rate_{k}y"] = round(100 * p_c, 1)
        result[f"difference_{k}y"] = {
            "estimate": round(100 * d, 1), "low": round(100 * low, 1),
            "high": round(100 * high, 1), "significant": bool(low > 0 or high < 0),
            "detectable": round(100 * detectable(p_c, shown_n, eff_k), 1),
            "needed": None if (low > 0 or high < 0) else needed(d, p_c, eff_k / shown_n),
            "naive": round(100 * _naive(both, k, rates, n), 1),
        }  # fmt: skip
    # New cases within a year per 100: the treated's and the comparison's (weighted) sums of
    # cases with noise keyed on their releases' keys (a statistic apart from their count).
    cases = column("sum_cases_1y") / n
    for out, mask, w in ((out_t, chosen, n), (out_c, used, weight)):
        total = float(np.sum(w[mask] * cases[mask]))
        shown = _noisy(total, column("ck_cohort")[mask].sum(), statistic=1)
        out["cases_per_100"] = round(100 * shown / float(w[mask].sum()), 1)
    result |= {"treated": out_t, "comparison": out_c, "dropped": out_t["found"] - out_t["matched"]}
    result["balance"] = _balance(both, groups.covariates, matched, weight)
    result["curves"] = _curves(both, chosen, weight)
    if definition.start is not None:
        months = _unit_months()
        for k in (1, 2):
            did = _difference_in_differences(definition, k, months)
            matched_k = result.get(f"difference_{k}y")
            if did is not None and matched_k is not None:
                # The two estimates disagree when neither interval holds the other's estimate.
                did["disagrees"] = bool(
                    not did["low"] <= matched_k["estimate"] <= did["high"]
                    and not matched_k["low"] <= did["estimate"] <= matched_k["high"]
                )
            result[f"did_{k}y"] = did
    return result


def audited_evaluation(
    definition: Definition,
    engine: object | None,
    actor: str,
    min_treated: int = MIN_TREATED,
    max_per_day: int | None = None,
) -> dict:
    """What the Effectmeting page and `terugkeer effect` both run: refuse when `actor` made
    `max_per_day` evaluations today (EffectError "limit"), evaluate, and write the evaluation
    to the audit trail of `engine` (the application database; None: no trail, as for a store
    without one). Refusals are not counted: only an evaluation that gave a result."""
    from people import appdb

    if engine is not None and max_per_day is not None:
        done = appdb.evaluations_today(engine, actor)
        if done >= max_per_day:
            raise EffectError(
                "limit",
                f"you made {done} evaluations today, the most a person may make in a day "
                "(setting effect_max_per_day): try again tomorrow",
                done=done,
            )
    result = evaluate(definition, min_treated)
    if engine is not None:
        appdb.record(
            engine, actor, "effect_evaluated", definition.condition or "start",
            definition.describe(),
        )  # fmt: skip
    return result


def _unit_months() -> pl.DataFrame:
    """The releases with a year's follow-up, summed per release month (`m`: months since
    year 0), PI and municipality: releases, re-offenders within one and two years, and their
    key sums. What the difference-in-differences of both windows reads, in one pass."""
    sums = ", ".join(
        f"CAST(sum({c}) AS BIGINT) AS {c}"
        for c in ("n_cohort", "ck_cohort", "n_reoffended_1y", "ck_reoffended_1y",
                  "n_reoffended_2y", "ck_reoffended_2y")
    )  # fmt: skip
    return read(
        "SELECT cohort_year * 12 + release_month - 1 AS m, pi_code, gemeente_code, "
        f"available_2y, {sums} FROM mart_factors WHERE available_1y GROUP BY ALL"
    )


def _difference_in_differences(definition: Definition, k: int, months: pl.DataFrame) -> dict | None:
    """For a way of working from a month on: (the treated units' rate after - before) -
    (the other units' rate after - before), the before period as many release months
    before the start as the after period has (with k years of follow-up), in percentage
    points with its 95% interval (four independent binomial rates). None where there is no
    before period or a group is below the minimum. `months`: _unit_months()."""
    start = definition.start
    first = start.year * 12 + start.month - 1
    frame = months.filter(pl.col("available_2y") if k == 2 else pl.lit(True)).rename(
        {f"n_reoffended_{k}y": "k", f"ck_reoffended_{k}y": "ck_k"}
    )
    after = frame.filter(pl.col("m") >= first)
    if after.height == 0:
        return None
    length = int(after["m"].max()) - first + 1
    before = frame.filter((pl.col("m") < first) & (pl.col("m") >= first - length))
    if before.height == 0:
        return None
    mine, others = _units(definition)
    rates = []
    for period in (after, before):
        for group in (mine, others):
            part = period.filter(group)
            # Each of the four groups' counts with its cell-key noise, like every count shown:
            # a start a month later drops one month's releases, which the noise hides.
            n = _noisy(float(part["n_cohort"].sum() or 0), float(part["ck_cohort"].sum() or 0))
            hits = _noisy(float(part["k"].sum() or 0), float(part["ck_k"].sum() or 0))
            if n < MIN_TREATED:
                return None
            rates.append((hits / n, n))
    (ta, nta), (ca, nca), (tb, ntb), (cb, ncb) = rates
    estimate = (ta - tb) - (ca - cb)
    se = math.sqrt(sum(p * (1 - p) / n for p, n in rates))
    return {
        "estimate": round(100 * estimate, 1),
        "low": round(100 * (estimate - Z95 * se), 1),
        "high": round(100 * (estimate + Z95 * se), 1),
        "before_months": length,
    }


def _naive(both: pl.DataFrame, k: int, rates: np.ndarray, n: np.ndarray) -> float:
    """The difference without matching: every treated release against the whole pool (what
    a comparison of the two groups as they are would say)."""
    treated = both["treated"].to_numpy()
    window = np.ones(both.height, dtype=bool) if k == 1 else both["available_2y"].to_numpy()
    mine, pool = treated & window, ~treated & window
    return float(
        np.average(rates[mine], weights=n[mine]) - np.average(rates[pool], weights=n[pool])
    )


def _curves(both: pl.DataFrame, chosen: np.ndarray, weight: np.ndarray) -> pl.DataFrame:
    """The days to the first new case (cut at three years) of the matched treated releases
    and of the weighted comparison, as events and censorings per group and day (the input of
    published/tables/survival.survival_curves, which publishes only steps of at least the
    threshold's events). The comparison's counts are its weights: it stands for as many
    releases as the matched treated group."""
    days = both["days"].cast(pl.Int64).to_numpy()
    event = both["event"].to_numpy().astype(float)
    n = both["n_cohort"].cast(pl.Float64).to_numpy()
    parts = []
    for name, w in (("treated", n * chosen), ("comparison", weight)):
        keep = w > 0
        parts.append(
            pl.DataFrame(
                {
                    "grp": name,
                    "days": days[keep],
                    "n_events": w[keep] * event[keep],
                    "n_censored": w[keep] * (1 - event[keep]),
                }
            )
        )
    return (
        pl.concat(parts)
        .group_by("grp", "days", maintain_order=True)
        .agg(pl.col("n_events").sum(), pl.col("n_censored").sum())
        .sort("grp", "days", descending=[True, False])
    )
