"""The Zelfscan's tables: the figures beside each theme of the questionnaire, and the change
of the scores since an earlier scan (scores are of the municipality's own answers, not of
persons; they pass through disclose only to be shown and downloaded like every table)."""

from __future__ import annotations

import polars as pl

from basis.contract import LEEFGEBIEDEN
from published import labels, queries
from published.disclosure import Column, DisclosedTable, disclose
from published.scope import Scope
from published.tables import comparison, shared

# Theme of the questionnaire -> the measures (published/queries.MEASURES) shown beside it.
THEME_MEASURES = {
    "regie_beleid": ("op_orde_alle",),
    "informatie_melding": ("tijdig", "in_beeld"),
    **{k: (f"op_orde_{k}", f"onbekend_{k}") for k in LEEFGEBIEDEN},
    "samenwerking": ("tbo",),
    "sturing": ("recidive_2y",),
}


@shared
def theme_figures(scope: Scope, threshold: int, gemeente: str) -> dict[str, list[tuple]]:
    """Per theme: (measure, the municipality, the other municipalities of its province, the
    Netherlands) as Dutch text ('–' where a figure may not be shown)."""
    peers = comparison.peers(queries.gemeente_info(), [gemeente], "provincie")
    measures = tuple(m for ms in THEME_MEASURES.values() for m in ms)
    numbers = comparison.unit_figures(scope, threshold, gemeente, peers, measures)
    return {
        theme: [(labels.MEASURE_LABELS[m], *numbers[m]) for m in chosen]
        for theme, chosen in THEME_MEASURES.items()
    }


def score_change(
    themes: list[str],
    before: list[float | None],
    now: list[float | None],
    columns: tuple[str, str, str, str],
    threshold: int,
) -> DisclosedTable:
    """Scores of an earlier scan and of this one per theme, and the change in points;
    `columns`: the labels of theme, before, now and change."""
    frame = pl.DataFrame(
        {"theme": themes, "before": before, "now": now},
        schema={"theme": pl.String, "before": pl.Float64, "now": pl.Float64},
    ).with_columns((pl.col("now") - pl.col("before")).alias("change"))
    return disclose(
        frame,
        [
            Column("theme", columns[0]),
            Column("before", columns[1], "pct"),
            Column("now", columns[2], "pct"),
            Column("change", columns[3], "number"),
        ],
        threshold,
    )
