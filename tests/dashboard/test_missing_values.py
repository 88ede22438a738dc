"""Empty cells are told apart the same way everywhere: 0, '<10' (suppressed), 'x', '–' (not
shown), 'nog niet beschikbaar' (follow-up incomplete) and 'niet geleverd' (no export)."""

from __future__ import annotations

import polars as pl

from dashboard.components import csv_bytes
from published import reader
from published.disclosure import Column, Missing, Rate, disclose
from published.export import machine_frame
from published.format import display_frame
from published.scope import Scope
from published.tables import factors, recidivism


def test_a_declared_reason_reads_in_place_of_the_empty_cell() -> None:
    frame = pl.DataFrame(
        {
            "unit": ["a", "b", "c", "d"],
            "n": [40, 0, 14, 25],
            "k": [0, 0, 5, None],
            "available": [True, True, True, False],
        }
    )
    table = disclose(
        frame.with_columns(pl.when(pl.col("available")).then(pl.col("k")).alias("k")),
        [Column("unit", "Eenheid"), Column("n", "N", "count"), Column("k", "K", "count"),
         Column("pct", "%", "pct")],
        10,
        rates=(Rate("pct", "k", "n"),),
        missing=(
            Missing(("n", "k", "pct"), pl.col("n") == 0, "niet geleverd"),
            Missing(("k", "pct"), ~pl.col("available"), "nog niet beschikbaar"),
        ),
    )  # fmt: skip
    shown = display_frame(table)
    assert shown.rows() == [
        ("a", "40", "0", "0,0%"),  # a real zero
        ("b", "niet geleverd", "niet geleverd", "niet geleverd"),
        ("c", "14", "<10", "–"),  # suppressed, and a percentage that would give it away
        ("d", "25", "nog niet beschikbaar", "nog niet beschikbaar"),
    ]
    machine = machine_frame(table)
    assert machine["k_status"].to_list() == [None, "niet geleverd", "<10", "nog niet beschikbaar"]
    assert machine["k"].to_list() == [0, 0, None, None]


def test_the_published_tables_say_why_a_cell_is_empty(national_demo: dict) -> None:
    reader.use_store(national_demo["warehouse"])
    try:
        recid = recidivism.recidivism(Scope(), 10)
        process = factors.process_by_pi(Scope(), 10, {})
    finally:
        reader.release()
    rows = {r[0]: r for r in display_frame(recid).rows()}
    # Cohort 2024: neither window has passed by the peildatum of 30 June 2025.
    assert rows["2024"][2] == "nog niet beschikbaar"
    assert rows["2023"][2] != "nog niet beschikbaar"  # one year followed up
    assert rows["2023"][6] == "nog niet beschikbaar"
    # A PI that sends no TBO dates: its TBO indicator is not delivered, not zero.
    tbo = display_frame(process).filter(pl.col("Indicator") == "TBO binnen 10 dagen")
    assert "niet geleverd" in tbo["Percentage"].to_list()
    # The dashboard's CSV download says the same.
    assert "nog niet beschikbaar" in csv_bytes(recid).decode("utf-8-sig")
