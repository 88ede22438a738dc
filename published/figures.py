"""The published figures per release year (`terugkeer figures`): the dashboard's own tables
(published/tables), read as JSON. Nothing is computed here: releases come from the Uitstroom
table, readiness from the Leefgebieden table, recidivism from the Recidive table, each with
the disclosure control it has on screen (a small count reads '<t', a count that would give
one away 'x', a figure not shown null).
"""

from __future__ import annotations

import datetime as dt

from published import labels, queries, reader
from published.disclosure import DisclosedTable
from published.scope import Scope
from published.tables import factors, outflow, readiness, recidivism

READINESS_GROUPS = queries.READINESS_GROUPS
_CODE_OF_LABEL = {label: code for code, label in labels.LEEFGEBIEDEN.items()}


def _cell(table: DisclosedTable, column: str, row: int) -> object:
    """A count as published: the number, or its mark ('<10', 'x'); None when not shown."""
    return table.mark(column, row) or table.frame[column][row]


def figures(scope: Scope, threshold: int) -> dict:
    """The figures of `scope`, per release year, as the JSON of `terugkeer figures`."""
    releases = outflow.outflow_by_year(scope, threshold)
    ready = readiness.readiness_by_year(scope, threshold)
    recid = recidivism.recidivism(scope, threshold)
    supervision = factors.supervision_by_frame(scope, threshold)
    supervision_rows = {y: i for i, y in enumerate(supervision.frame["year"].to_list())}
    peildatum = reader.data_status().get("peildatum")
    recid_rows = {year: i for i, year in enumerate(recid.frame["cohort_year"].to_list())}
    ready_rows: dict[int, dict[str, int]] = {}
    for i, (year, label) in enumerate(ready.frame.select("year", "label").rows()):
        ready_rows.setdefault(year, {})[_CODE_OF_LABEL[label]] = i
    years = []
    for i, year in enumerate(releases.frame["year"].to_list()):
        rows = ready_rows.get(year, {})
        years.append(
            {
                "year": year,
                "releases": _cell(releases, "n_releases", i),
                "readiness": {
                    group: {
                        "pct_op_orde": ready.frame["pct_op_orde"][rows[group]],
                        "pct_onbekend": ready.frame["pct_onbekend"][rows[group]],
                    }
                    for group in READINESS_GROUPS
                    if group in rows
                },
                "recidivism": None
                if peildatum is None or year not in recid_rows
                else windows(recid, recid_rows[year]),
                "supervision": _supervision(supervision, supervision_rows.get(year)),
            }
        )
    return {
        "peildatum": peildatum.isoformat() if isinstance(peildatum, dt.date) else None,
        "suppression_threshold": threshold,
        "scope": {
            "gemeente": scope.gemeenten[0] if scope.gemeenten else None,
            "pi": scope.pis[0] if scope.pis else None,
        },
        "years": years,
    }


def _supervision(table: DisclosedTable, row: int | None) -> dict | None:
    """% onder toezicht na uitstroom of a release year; None where not delivered (outside the
    reclassering coverage)."""
    if row is None or table.mark("n_covered", row) == labels.NOT_DELIVERED:
        return None
    return {
        "covered": _cell(table, "n_covered", row),
        "supervised": _cell(table, "n_supervised", row),
        "pct": table.frame["pct_supervised"][row],
    }


def windows(table: DisclosedTable, row: int) -> dict[str, dict | None]:
    """One cohort of the recidivism table: per window the cohort, the re-offenders, the
    percentage and its interval; None for a window without full follow-up."""
    out: dict[str, dict | None] = {}
    for k in (1, 2):
        hits = f"n_reoffended_{k}y"
        if table.frame[hits][row] is None and not table.is_suppressed(hits, row):
            out[f"{k}y"] = None  # not yet available
            continue
        pct = table.frame[f"pct_{k}y"][row]
        low, high = table.frame[f"pct_{k}y_low"][row], table.frame[f"pct_{k}y_high"][row]
        out[f"{k}y"] = {
            "cohort": _cell(table, "n_cohort", row),
            "reoffenders": _cell(table, hits, row),
            "pct": pct,
            "ci95": [low, high] if pct is not None else None,
        }
    return out


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
        supervision = year.get("supervision") or {}
        row["onder_toezicht_pct"] = supervision.get("pct")
        rows.append(row)
    return rows
