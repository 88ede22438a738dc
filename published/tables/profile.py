"""Profiles: one unit on one page beside its province (or the other PIs) and the Netherlands.
Every table of the Gemeenteprofiel and Inrichtingsprofiel pages and of their downloads is
made here."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import polars as pl

from published import labels, queries
from published.disclosure import DisclosedTable
from published.scope import Scope
from published.tables import comparison, factors, readiness, shared
from published.tables.outflow import outflow_by_year, top_gemeenten

# The municipalities a PI's people return to, shown by name (the rest summed in one row).
PI_TOP_GEMEENTEN = 10


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


@dataclass(frozen=True)
class PiProfile:
    """The published tables of one PI beside the other PIs and the Netherlands. `series`: the
    labels of the PI, the other PIs and the Netherlands, in that order."""

    code: str
    name: str
    place: str | None
    series: tuple[str, str, str]
    outflow: DisclosedTable
    readiness: dict[str, DisclosedTable]  # per series: at intake, at release, verbeterd
    readiness_side: DisclosedTable  # % op orde at release, one column per series
    recidivism: dict[int, DisclosedTable]  # per window (1, 2): corrected rate per cohort
    funnel: dict[int, DisclosedTable]  # per window: every PI, with its place in the funnel
    funnel_limits: dict[int, pl.DataFrame]  # per window: the funnel's control limits
    process: DisclosedTable
    gemeenten: DisclosedTable  # where its people return to
    aftercare: DisclosedTable

    def tables(self) -> dict[str, DisclosedTable]:
        """Every table, by the sheet name of the profile's download."""
        out = {
            "Uitstroom": self.outflow,
            "Gemeenten van terugkeer": self.gemeenten,
            "Leefgebieden": self.readiness[self.name],
            "Leefgebieden vergeleken": self.readiness_side,
            "Recidive 1 jaar": self.recidivism[1],
            "Recidive 2 jaar": self.recidivism[2],
            "Trechter 2 jaar": self.funnel[2],
            "Proces": self.process,
        }
        if self.aftercare.frame.height:
            out["Na 3 maanden"] = self.aftercare
        return out


@shared
def pi_profile(scope: Scope, threshold: int, code: str, names: dict[str, str]) -> PiProfile:
    """The Inrichtingsprofiel of PI `code` within the period and the persons of `scope` (its
    unit filters, PI, municipality and province, step aside: the profile chooses the PI)."""
    pis = queries.pi_info()
    me = pis.filter(pl.col("pi_code") == code).row(0, named=True)
    others = [c for c in pis["pi_code"].to_list() if c != code]
    everywhere = dataclasses.replace(scope, pis=(), gemeenten=(), provincies=())
    mine = dataclasses.replace(everywhere, pis=(code,))
    by_pi = queries.readiness_by_pi(everywhere)
    units: dict[str, list[str] | None] = {
        me["pi_naam"]: [code],
        labels.OTHER_PIS: others,
        labels.NATIONAL: None,
    }
    ready = {
        label: readiness.readiness_intake_release(
            everywhere,
            threshold,
            by_pi if chosen is None else by_pi.filter(pl.col("pi_code").is_in(chosen)),
        )
        for label, chosen in units.items()
    }
    series = {label: chosen or ["*"] for label, chosen in units.items()}
    return PiProfile(
        code=code,
        name=me["pi_naam"],
        place=me["vestigingsplaats"],
        series=(me["pi_naam"], labels.OTHER_PIS, labels.NATIONAL),
        outflow=outflow_by_year(mine, threshold),
        readiness=ready,
        readiness_side=readiness.readiness_side_by_side(ready),
        recidivism={
            k: comparison.trend(everywhere, threshold, "pi_code", f"recidive_{k}y", series)
            for k in (1, 2)
        },
        funnel={
            k: comparison.units(everywhere, threshold, "pi_code", f"recidive_{k}y", names)
            for k in (1, 2)
        },
        funnel_limits={
            k: comparison.funnel(everywhere, threshold, "pi_code", f"recidive_{k}y") for k in (1, 2)
        },
        process=factors.process_by_scope(everywhere, threshold, units, unit="pi_code"),
        gemeenten=top_gemeenten(mine, threshold, limit=PI_TOP_GEMEENTEN),
        aftercare=readiness.aftercare(mine, threshold),
    )
