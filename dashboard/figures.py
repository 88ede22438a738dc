"""Page-independent figure tables: the queries' counts turned into disclosed tables.

Pages call these and draw; tests check them against the marts without Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from dashboard import queries, texts
from dashboard.queries import Filters
from pipelines.disclosure import Column, DisclosedTable, Rate, disclose
from pipelines.stats import SurvivalCurve, kaplan_meier

KM_MILESTONES = (90, 182, 365, 730, 1095)


def outflow_by_year(filters: Filters, threshold: int) -> DisclosedTable:
    frame = queries.outflow(filters, "year").select("year", "n_releases")
    return disclose(
        frame,
        [Column("year", texts.COL["year"]), Column("n_releases", texts.COL["n_releases"], "count")],
        threshold,
    )


def readiness_by_year(filters: Filters, threshold: int) -> DisclosedTable:
    """Per year and leefgebied: % op orde, % onbekend (with the counts behind them)."""
    frame = (
        queries.readiness_by_year(filters)
        .with_columns(
            (pl.col("n_op_orde") + pl.col("n_niet_op_orde")).alias("n_known"),
            pl.col("leefgebied").replace_strict(texts.LEEFGEBIEDEN).alias("label"),
        )
        .rename({"release_year": "year"})
    )
    return disclose(
        frame,
        [
            Column("year", texts.COL["year"]),
            Column("label", texts.COL["leefgebied"]),
            Column("n_releases", texts.COL["n_releases"], "count"),
            Column("n_op_orde", texts.COL["n_op_orde"], "count"),
            Column("n_niet_op_orde", texts.COL["n_niet_op_orde"], "count"),
            Column("n_onbekend", texts.COL["n_onbekend"], "count"),
            Column("pct_op_orde", texts.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", texts.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_op_orde", "n_op_orde", "n_known"),
            Rate("pct_onbekend", "n_onbekend", "n_releases"),
        ),
    )


def readiness_intake_release(
    filters: Filters, threshold: int, by_unit: pl.DataFrame | None = None
) -> DisclosedTable:
    """Per leefgebied over the period in scope: % op orde at intake and at release, and
    verbeterd tijdens detentie. `by_unit`: rows of queries.readiness_by_gemeente already
    narrowed to the scope (saves a scan when several scopes share one query)."""
    counts = queries.readiness_by_year(filters) if by_unit is None else by_unit
    frame = (
        counts.group_by("leefgebied")
        .agg(pl.exclude("release_year", "gemeente_code").sum())
        .with_columns(
            (pl.col("n_op_orde") + pl.col("n_niet_op_orde")).alias("n_known"),
            (pl.col("n_intake_op_orde") + pl.col("n_intake_niet_op_orde")).alias("n_known_in"),
            pl.col("leefgebied").replace_strict(texts.LEEFGEBIEDEN).alias("label"),
            pl.col("leefgebied")
            .replace_strict({k: i for i, k in enumerate(texts.LEEFGEBIEDEN)})
            .alias("order"),
        )
        .sort("order")
    )
    return disclose(
        frame,
        [
            Column("label", texts.COL["leefgebied"]),
            Column("n_releases", texts.COL["n_releases"], "count"),
            Column("pct_intake", texts.COL["pct_intake"], "pct"),
            Column("pct_op_orde", texts.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", texts.COL["pct_onbekend"], "pct"),
            Column("n_intake_niet_known", texts.COL["n_intake_niet"], "count"),
            Column("n_improved", texts.COL["pct_improved"].replace("% ", "").capitalize(), "count"),
            Column("pct_improved", texts.COL["pct_improved"], "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_intake", "n_intake_op_orde", "n_known_in"),
            Rate("pct_op_orde", "n_op_orde", "n_known"),
            Rate("pct_onbekend", "n_onbekend", "n_releases"),
            Rate("pct_improved", "n_improved", "n_intake_niet_known"),
        ),
    )


def readiness_by_pi(filters: Filters, threshold: int, names: dict[str, str]) -> DisclosedTable:
    frame = queries.readiness_by_pi(filters).with_columns(
        (pl.col("n_op_orde") + pl.col("n_niet_op_orde")).alias("n_known"),
        pl.col("leefgebied").replace_strict(texts.LEEFGEBIEDEN).alias("label"),
        pl.col("pi_code").replace_strict(names, default=pl.col("pi_code")).alias("pi"),
        pl.col("leefgebied")
        .replace_strict({k: i for i, k in enumerate(texts.LEEFGEBIEDEN)})
        .alias("order"),
    )
    frame = frame.sort("pi", "order")
    return disclose(
        frame,
        [
            Column("pi", texts.COL["pi"]),
            Column("label", texts.COL["leefgebied"]),
            Column("n_releases", texts.COL["n_releases"], "count"),
            Column("pct_op_orde", texts.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", texts.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_op_orde", "n_op_orde", "n_known"),
            Rate("pct_onbekend", "n_onbekend", "n_releases"),
        ),
    )


def _recidivism_columns(prefix: str) -> list[Column]:
    return [
        Column(f"n_{prefix}_1y", texts.COL["n_reoffended_1y"], "count"),
        Column("pct_1y", texts.COL["pct_1y"], "pct"),
        Column("pct_1y_low", texts.COL["pct_1y_low"], "pct"),
        Column("pct_1y_high", texts.COL["pct_1y_high"], "pct"),
        Column(f"n_{prefix}_2y", texts.COL["n_reoffended_2y"], "count"),
        Column("pct_2y", texts.COL["pct_2y"], "pct"),
        Column("pct_2y_low", texts.COL["pct_2y_low"], "pct"),
        Column("pct_2y_high", texts.COL["pct_2y_high"], "pct"),
    ]


def recidivism(
    filters: Filters,
    threshold: int,
    split: str | None = None,
    severe: bool = False,
    names: dict[str, str] | None = None,
) -> DisclosedTable:
    """Per cohort (and group): one- and two-year recidivism with Wilson intervals; a window
    without full follow-up has no count and no percentage ('nog niet beschikbaar')."""
    prefix = "severe" if severe else "reoffended"
    frame = queries.recidivism_by_cohort(filters, split)
    frame = frame.with_columns(
        pl.when(pl.col("available_1y")).then(pl.col(f"n_{prefix}_1y")).alias(f"n_{prefix}_1y"),
        pl.when(pl.col("available_2y")).then(pl.col(f"n_{prefix}_2y")).alias(f"n_{prefix}_2y"),
        pl.when(pl.col("available_2y"))
        .then(pl.lit(texts.AVAILABLE))
        .when(pl.col("available_1y"))
        .then(pl.lit(f"{texts.WINDOW_1Y.lower()}: {texts.AVAILABLE}"))
        .otherwise(pl.lit(texts.NOT_YET_AVAILABLE))
        .alias("availability"),
        _group_label(split, names or {}),
    )
    columns = [Column("cohort_year", texts.COL["cohort_year"])]
    if split:
        columns.append(Column("label", texts.SPLITS[split]))
    columns += [
        Column("n_cohort", texts.COL["n_cohort"], "count"),
        *_recidivism_columns(prefix),
        Column("availability", texts.COL["availability"]),
    ]
    return disclose(
        frame,
        columns,
        threshold,
        rates=(
            Rate("pct_1y", f"n_{prefix}_1y", "n_cohort", interval=True),
            Rate("pct_2y", f"n_{prefix}_2y", "n_cohort", interval=True),
        ),
    )


def _group_label(split: str | None, names: dict[str, str]) -> pl.Expr:
    labels = {
        "pi_code": names,
        "sex": texts.SEXES,
        "age_band": texts.AGE_BANDS,
        "length_band": texts.LENGTH_BANDS,
    }.get(split or "", {})
    return pl.col("grp").replace_strict(labels, default=pl.col("grp")).alias("label")


def reoffence_groups(filters: Filters, threshold: int) -> DisclosedTable:
    frame = (
        queries.reoffence_groups(filters)
        .filter(pl.col("available_2y"))
        .with_columns(
            pl.col("offence_group")
            .replace_strict(texts.OFFENCE_GROUPS, default=pl.col("offence_group"))
            .alias("label")
        )
    )
    return disclose(
        frame,
        [
            Column("cohort_year", texts.COL["cohort_year"]),
            Column("label", texts.COL["offence_group"]),
            Column("n_cohort", texts.COL["n_cohort"], "count"),
            Column("n_reoffended_2y", texts.COL["n_reoffended_2y"], "count"),
            Column("pct_group", texts.COL["pct_group"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_group", "n_reoffended_2y", "n_cohort"),),
    )


def survival_label(split: str, group: str | None) -> str:
    if split == "none" or group is None:
        return texts.NATIONAL if split == "none" else texts.UNKNOWN
    if split == "n_release_op_orde":
        return texts.N_OP_ORDE.format(n=group)
    mapping = {"alle_release": texts.ALLE_STATUS, "sex": texts.SEXES, "age_band": texts.AGE_BANDS}
    return mapping[split].get(group, group)


def survival(
    filters: Filters, threshold: int, split: str = "none"
) -> tuple[list[tuple[str, pl.DataFrame]], DisclosedTable]:
    """Kaplan-Meier curves per group in percent, cut where fewer than `threshold` persons are
    still followed; groups smaller than the threshold are left out. Also a table at fixed
    days (not the whole curve, which would be near person level)."""
    return _survival_curves(
        queries.survival(filters, split), threshold, lambda g: survival_label(split, g)
    )


def factor_survival(
    filters: Filters, threshold: int, factor: str
) -> tuple[list[tuple[str, pl.DataFrame]], DisclosedTable]:
    """Kaplan-Meier curves with (ja) and without (nee) one factor at release."""
    labels = {"ja": texts.FACTORS_WITH, "nee": texts.FACTORS_WITHOUT}
    return _survival_curves(
        queries.factor_survival(filters, factor), threshold, lambda g: labels.get(g, g)
    )


def _survival_curves(
    counts: pl.DataFrame, threshold: int, label_of: Callable[[str | None], str]
) -> tuple[list[tuple[str, pl.DataFrame]], DisclosedTable]:
    curves, rows = [], []
    for (group,), part in counts.group_by("grp", maintain_order=True):
        if part["n_events"].sum() + part["n_censored"].sum() < threshold:
            continue
        km = kaplan_meier(
            part["days"].to_numpy(), part["n_events"].to_numpy(), part["n_censored"].to_numpy()
        )
        keep = km.at_risk >= threshold
        label = label_of(group)
        curve = pl.DataFrame(
            {
                "days": np.concatenate([[0], km.time[keep]]),
                "survival": np.concatenate([[100.0], 100 * km.survival[keep]]),
                "low": np.concatenate([[100.0], 100 * km.low[keep]]),
                "high": np.concatenate([[100.0], 100 * km.high[keep]]),
            }
        )
        curves.append((group or "", label, curve))
        rows += [{"label": label, "days": day, **_survival_at(km, day, threshold)}
                 for day in KM_MILESTONES]  # fmt: skip
    curves.sort(key=lambda c: c[0])
    table = pl.DataFrame(
        rows,
        schema={
            "label": pl.String,
            "days": pl.Int64,
            "survival": pl.Float64,
            "low": pl.Float64,
            "high": pl.Float64,
            "at_risk": pl.Int64,
        },
    )
    disclosed = disclose(
        table,
        [
            Column("label", texts.COL["grp"]),
            Column("days", texts.COL["days"]),
            Column("survival", texts.COL["survival"], "pct"),
            Column("low", texts.COL["survival_low"], "pct"),
            Column("high", texts.COL["survival_high"], "pct"),
            Column("at_risk", texts.COL["at_risk"], "count"),
        ],
        threshold,
    )
    return [(label, curve) for _, label, curve in curves], disclosed


def _survival_at(km: SurvivalCurve, day: int, threshold: int) -> dict:
    """S(day) with its interval, shown only while at least `threshold` persons are still
    followed after that day."""
    leaving = km.at_risk - np.append(km.at_risk[1:], 0)  # events + censored per time
    left = km.at_risk[0] - leaving[km.time <= day].sum()
    if left < threshold:
        return {"survival": None, "low": None, "high": None, "at_risk": None}
    i = np.searchsorted(km.time, day, side="right") - 1
    s, lo, hi = (1.0, 1.0, 1.0) if i < 0 else (km.survival[i], km.low[i], km.high[i])
    return {
        "survival": round(100 * s, 1),
        "low": round(100 * lo, 1),
        "high": round(100 * hi, 1),
        "at_risk": int(left),
    }


PROCESS_MEASURES = {
    "plan": ("n_plan_yes", "n_plan_known"),
    "tbo": ("n_tbo_within_10_days", "n_tbo_scope"),
    "tijdig": ("n_notice_timely", "n_notice_known"),
    "in_beeld": ("n_known_to_gemeente", "n_known_scope"),
}


def process_by_pi(filters: Filters, threshold: int, names: dict[str, str]) -> DisclosedTable:
    """Per PI and process indicator: numerator, denominator and the percentage."""
    wide = queries.process_by_pi(filters)
    long = pl.concat(
        [
            wide.select(
                pl.col("pi_code").replace_strict(names, default=pl.col("pi_code")).alias("pi"),
                pl.lit(texts.PROCESS_LABELS[key]).alias("label"),
                pl.col(numerator).alias("k"),
                pl.col(denominator).alias("n"),
            )
            for key, (numerator, denominator) in PROCESS_MEASURES.items()
        ]
    ).sort("pi")
    return disclose(
        long,
        [
            Column("pi", texts.COL["pi"]),
            Column("label", texts.COL["indicator"]),
            Column("n", texts.COL["n"], "count"),
            Column("k", texts.COL["k"], "count"),
            Column("pct", texts.COL["rate"], "pct"),
        ],
        threshold,
        rates=(Rate("pct", "k", "n"),),
    )


def unit_figures(
    filters: Filters,
    threshold: int,
    code: str,
    peers: list[str],
    measures: tuple[str, ...],
) -> dict[str, tuple[str, str, str]]:
    """Per measure: (the municipality, its peers, the Netherlands) as Dutch text; recidivism
    corrected for case mix except for the national figure itself; '–' below the threshold."""
    from dashboard import comparison
    from dashboard.format import nl_pct

    out = {}
    all_rates = queries.unit_rates_many(filters, "gemeente_code", measures)
    for measure in measures:
        rates = all_rates.filter(pl.col("measure") == measure)
        corrected = measure.startswith("recidive")
        national = comparison.national_rate(rates)
        shown = []
        for units in ([code], peers, None):
            part = rates if units is None else rates.filter(pl.col("unit").is_in(units))
            k, n = part["k"].sum(), part["n"].sum()
            if n < max(threshold, 1):
                shown.append(nl_pct(None))
            elif corrected and units is not None:
                e = part["e"].sum()
                shown.append(nl_pct(100 * k / e * national) if e else nl_pct(None))
            else:
                shown.append(nl_pct(100 * k / n))
        out[measure] = tuple(shown)
    return out
