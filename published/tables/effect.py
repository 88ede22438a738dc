"""Effectmeting's tables: one evaluation (published/effect.evaluate) as disclosed tables for
the page, its downloads and its Word report. The counts in the result carry the cell-key
noise already; here they pass the suppression rule like every other table, and the curves
publish only steps of at least the threshold's events (published/tables/survival.py)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from published import labels
from published.disclosure import Column, DisclosedTable, disclose
from published.tables.survival import Curves, survival_curves

L = labels.EFFECT_COLUMNS


@dataclass(frozen=True)
class EffectTables:
    groups: DisclosedTable
    differences: DisclosedTable
    balance: DisclosedTable
    curves: Curves
    milestones: DisclosedTable

    def tables(self) -> dict[str, DisclosedTable]:
        """Sheet name -> table, for the Excel workbook and the Word report."""
        return {
            "Groepen": self.groups,
            "Verschillen": self.differences,
            "Balans": self.balance,
            "Tijd tot recidive": self.milestones,
        }


def effect_tables(result: dict, threshold: int, names: dict[str, str]) -> EffectTables:
    return EffectTables(
        _groups(result, threshold),
        _differences(result, threshold),
        _balance(result, threshold, names),
        *survival_curves(result["curves"], threshold, lambda g: labels.EFFECT_CURVES[g]),
    )


def _groups(result: dict, threshold: int) -> DisclosedTable:
    treated, comparison = result["treated"], result["comparison"]
    rows = [
        {"grp": labels.EFFECT_GROUPS["found"], "n": treated["found"]},
        {"grp": labels.EFFECT_GROUPS["matched"], "n": treated["matched"],
         **{k: treated.get(k) for k in ("rate_1y", "rate_2y", "cases_per_100")}},
        {"grp": labels.EFFECT_GROUPS["comparison"], "n": comparison["n"],
         "effective_n": comparison["effective_n"],
         **{k: comparison.get(k) for k in ("rate_1y", "rate_2y", "cases_per_100")}},
    ]  # fmt: skip
    for row in rows:  # a figure of a group too small to show is not shown either
        if row["n"] < threshold:
            row.update(dict.fromkeys(("rate_1y", "rate_2y", "cases_per_100", "effective_n")))
    return _disclosed(
        rows,
        [("grp", pl.String, "text"), ("n", pl.Int64, "count"), ("effective_n", pl.Int64, "int"),
         ("rate_1y", pl.Float64, "pct"), ("rate_2y", pl.Float64, "pct"),
         ("cases_per_100", pl.Float64, "number")],
        threshold,
    )  # fmt: skip


def _differences(result: dict, threshold: int) -> DisclosedTable:
    rows = []
    for k in (1, 2):
        d = result.get(f"difference_{k}y")
        if d is not None:
            rows.append(
                {"grp": labels.EFFECT_ROWS["difference"].format(k=k),
                 **{c: d[c] for c in ("estimate", "low", "high", "detectable", "needed", "naive")},
                 "significant": labels.YES if d["significant"] else labels.NO}
            )  # fmt: skip
    for k in (1, 2):
        did = result.get(f"did_{k}y")
        if did is not None:
            significant = did["low"] > 0 or did["high"] < 0
            rows.append(
                {"grp": labels.EFFECT_ROWS["did"].format(k=k),
                 **{c: did[c] for c in ("estimate", "low", "high")},
                 "significant": labels.YES if significant else labels.NO}
            )  # fmt: skip
    return _disclosed(
        rows,
        [("grp", pl.String, "text"), ("estimate", pl.Float64, "number"),
         ("low", pl.Float64, "number"), ("high", pl.Float64, "number"),
         ("significant", pl.String, "text"), ("detectable", pl.Float64, "number"),
         ("needed", pl.Int64, "int"), ("naive", pl.Float64, "number")],
        threshold,
    )  # fmt: skip


def level_label(covariate: str, level: str, names: dict[str, str]) -> str:
    """A covariate's value in Dutch."""
    if covariate == "sex":
        return labels.SEXES.get(level, level)
    if covariate == "age_band":
        return labels.AGE_BANDS.get(level, level)
    if covariate == "length_band":
        return labels.LENGTH_BANDS.get(level, level)
    if covariate.endswith("_intake"):
        return labels.EFFECT_INTAKE_LEVELS.get(level, level)
    if covariate == "n_earlier_releases":
        return labels.EFFECT_EARLIER.get(level, level)
    if covariate == "pi_code":
        return names.get(level, level)
    return level


def _balance(result: dict, threshold: int, names: dict[str, str]) -> DisclosedTable:
    rows = [
        {
            "covariate": labels.EFFECT_COVARIATES.get(b["covariate"], b["covariate"]),
            "level": level_label(b["covariate"], b["level"], names),
            "smd_before": b["smd_before"],
            "smd_after": b["smd_after"],
            "flagged": labels.YES if b["flagged"] else labels.NO,
        }
        for b in result["balance"]
    ]
    return _disclosed(
        rows,
        [("covariate", pl.String, "text"), ("level", pl.String, "text"),
         ("smd_before", pl.Float64, "ratio"), ("smd_after", pl.Float64, "ratio"),
         ("flagged", pl.String, "text")],
        threshold,
    )  # fmt: skip


def _disclosed(
    rows: list[dict], columns: list[tuple[str, type[pl.DataType], str]], threshold: int
) -> DisclosedTable:
    """`rows` as a disclosed table: per column its name, type and kind (disclosure.Column),
    labelled from labels.EFFECT_COLUMNS, in that order."""
    frame = pl.DataFrame(rows, schema={name: dtype for name, dtype, _ in columns})
    return disclose(frame, [Column(name, L[name], kind) for name, _, kind in columns], threshold)
