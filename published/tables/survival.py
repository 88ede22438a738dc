"""Tijd tot recidive: Kaplan-Meier curves per group, and the table at fixed days.

A curve is a count of events per day; drawn day by day it would show each re-offence of a
small group. So a published curve (and the table) only steps where at least `threshold`
events have happened since the previous point, and stops where fewer than `threshold`
persons are still followed. Groups smaller than the threshold are left out.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from published import labels, queries, queries_factors
from published.disclosure import Column, DisclosedTable, disclose
from published.scope import Scope
from published.tables import shared
from store.stats import SurvivalCurve, kaplan_meier

KM_MILESTONES = (90, 182, 365, 730, 1095)
Curves = list[tuple[str, pl.DataFrame]]


def survival_label(split: str, group: str | None) -> str:
    if split == "none" or group is None:
        return labels.NATIONAL if split == "none" else labels.UNKNOWN
    if split == "n_release_op_orde":
        return labels.N_OP_ORDE.format(n=group)
    mapping = {
        "alle_release": labels.ALLE_STATUS,
        "sex": labels.SEXES,
        "age_band": labels.AGE_BANDS,
    }
    return mapping[split].get(group, group)


@shared
def survival(filters: Scope, threshold: int, split: str = "none") -> tuple[Curves, DisclosedTable]:
    """Kaplan-Meier curves per group in percent, and a table at fixed days."""
    return survival_curves(
        queries.survival(filters, split), threshold, lambda g: survival_label(split, g)
    )


@shared
def factor_survival(filters: Scope, threshold: int, factor: str) -> tuple[Curves, DisclosedTable]:
    """Kaplan-Meier curves with (ja) and without (nee) one factor at release."""
    levels = {"ja": labels.FACTORS_WITH, "nee": labels.FACTORS_WITHOUT}
    return survival_curves(
        queries_factors.factor_survival(filters, factor), threshold, lambda g: levels.get(g, g)
    )


def published_steps(km: SurvivalCurve, threshold: int) -> np.ndarray:
    """Which times of the curve are published: at least `threshold` persons still at risk,
    and at least `threshold` events since the previous published time."""
    keep = np.zeros(km.time.size, dtype=bool)
    since = 0.0
    for j in range(km.time.size):
        if km.at_risk[j] < threshold:
            break
        since += km.events[j]
        if since >= threshold:
            keep[j] = True
            since = 0.0
    return keep


def survival_curves(
    counts: pl.DataFrame, threshold: int, label_of: Callable[[str | None], str]
) -> tuple[Curves, DisclosedTable]:
    """Curves and the milestone table from events and censorings per group and day."""
    curves, rows = [], []
    for (group,), part in counts.group_by("grp", maintain_order=True):
        if part["n_events"].sum() + part["n_censored"].sum() < threshold:
            continue
        km = kaplan_meier(
            part["days"].to_numpy(), part["n_events"].to_numpy(), part["n_censored"].to_numpy()
        )
        keep = published_steps(km, threshold)
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
        rows += [{"label": label, **row} for row in milestones(km, threshold)]
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
            Column("label", labels.COL["grp"]),
            Column("days", labels.COL["days"]),
            Column("survival", labels.COL["survival"], "pct"),
            Column("low", labels.COL["survival_low"], "pct"),
            Column("high", labels.COL["survival_high"], "pct"),
            Column("at_risk", labels.COL["at_risk"], "count"),
        ],
        threshold,
    )
    return [(label, curve) for _, label, curve in curves], disclosed


def milestones(km: SurvivalCurve, threshold: int) -> list[dict]:
    """S(day) with its interval at each milestone, shown only while at least `threshold`
    persons are still followed after that day and the events since the previous shown
    milestone are 0 or at least `threshold` (else their number could be worked back)."""
    leaving = km.at_risk - np.append(km.at_risk[1:], 0)  # events + censored per time
    events_before = 0.0
    rows = []
    for day in KM_MILESTONES:
        left = km.at_risk[0] - leaving[km.time <= day].sum()
        events = km.events[km.time <= day].sum()
        new = events - events_before
        if left < threshold or 0 < new < threshold:
            rows.append({"days": day, "survival": None, "low": None, "high": None, "at_risk": None})
            continue
        events_before = events
        i = np.searchsorted(km.time, day, side="right") - 1
        s, lo, hi = (1.0, 1.0, 1.0) if i < 0 else (km.survival[i], km.low[i], km.high[i])
        rows.append(
            {
                "days": day,
                "survival": round(100 * s, 1),
                "low": round(100 * lo, 1),
                "high": round(100 * hi, 1),
                "at_risk": int(left),
            }
        )
    return rows
