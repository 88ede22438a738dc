"""Profiles: one unit on one page beside its province (or the other units) and the
Netherlands. Every table of the Gemeenteprofiel page and of its download is made here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from pipelines.disclosure import DisclosedTable
from published import labels, queries
from published.scope import Scope
from published.tables import comparison, factors, readiness, shared
from published.tables.outflow import outflow_by_year


@dataclass(frozen=True)
class Profile:
    """The published tables of one profile. `series`: the labels of the unit, its province
    and the Netherlands, in that order (the columns and lines of its charts)."""

    code: str
    name: str
    provincie: str
    inwoners: int | None
    series: tuple[str, str, str]
    outflow: DisclosedTable
    readiness: dict[str, DisclosedTable]  # per series: at intake, at release, verbeterd
    readiness_side: DisclosedTable  # % op orde at release, one column per series
    recidivism: DisclosedTable  # two-year recidivism per cohort, corrected for case mix
    process: DisclosedTable
    aftercare: DisclosedTable

    def tables(self) -> dict[str, DisclosedTable]:
        """Every table, by the sheet name of the profile's download."""
        out = {
            "Uitstroom": self.outflow,
            "Leefgebieden": self.readiness_side,
            "Recidive": self.recidivism,
            "Proces": self.process,
        }
        if self.aftercare.frame.height:
            out["Na 3 maanden"] = self.aftercare
        return out


@shared
def gemeente_profile(scope: Scope, threshold: int, code: str) -> Profile:
    """The Gemeenteprofiel of `code` within the period and the persons of `scope` (its
    municipality and province filters step aside: the profile chooses them)."""
    info = queries.gemeente_info()
    me = info.filter(pl.col("gemeente_code") == code).row(0, named=True)
    name, provincie = me["gemeente_naam"], me["provincie"]
    province_label = labels.PROVINCE.format(provincie=provincie)
    province_units = info.filter(pl.col("provincie") == provincie)["gemeente_code"].to_list()
    everywhere = dataclasses.replace(scope, gemeenten=(), provincies=())
    mine = dataclasses.replace(everywhere, gemeenten=(code,))
    # One scan per measure family, then the three scopes (municipality, province, country).
    by_gemeente = queries.readiness_by_gemeente(everywhere)
    units: dict[str, list[str] | None] = {
        name: [code],
        province_label: province_units,
        labels.NATIONAL: None,
    }
    ready = {
        label: readiness.readiness_intake_release(
            everywhere,
            threshold,
            by_gemeente
            if chosen is None
            else by_gemeente.filter(pl.col("gemeente_code").is_in(chosen)),
        )
        for label, chosen in units.items()
    }
    series = {label: chosen or ["*"] for label, chosen in units.items()}
    return Profile(
        code=code,
        name=name,
        provincie=provincie,
        inwoners=me["inwoners_2019"],
        series=(name, province_label, labels.NATIONAL),
        outflow=outflow_by_year(mine, threshold),
        readiness=ready,
        readiness_side=readiness.readiness_side_by_side(ready),
        recidivism=comparison.trend(everywhere, threshold, "gemeente_code", "recidive_2y", series),
        process=factors.process_by_scope(everywhere, threshold, units),
        aftercare=readiness.aftercare(mine, threshold),
    )
