"""What many people ask for is computed once per process (dashboard/shared.py)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from streamlit.testing.v1 import AppTest

from dashboard import charts
from published import cache
from published.tables import outflow as outflow_tables


def test_a_published_table_is_computed_once_per_publication_and_arguments() -> None:
    version = ["snapshot-1"]
    calls: list[tuple] = []

    @cache.per_publication(lambda: (version[0],))
    def table(scope: tuple, threshold: int, names: dict) -> dict:
        calls.append((scope, threshold))
        return {"scope": scope}

    first = table(("GM0363",), 10, {"a": "Almelo"})
    assert table(("GM0363",), 10, {"a": "Almelo"}) is first  # dicts compared by value
    assert len(calls) == 1
    table(("GM0363",), 5, {"a": "Almelo"})
    table(("GM0363",), 10, {"a": "Almere"})
    assert len(calls) == 3
    version[0] = "snapshot-2"  # a newer publication: computed again, the old ones forgotten
    assert table(("GM0363",), 10, {"a": "Almelo"}) is not first
    assert len(calls) == 4
    assert len(table.cache.entries) == 1


def test_arguments_that_cannot_be_compared_by_value_are_not_cached() -> None:
    calls = []

    @cache.per_publication(lambda: ("snapshot",))
    def table(frame: pl.DataFrame) -> int:
        calls.append(1)
        return frame.height

    frame = pl.DataFrame({"a": [1, 2]})
    assert table(frame) == 2 and table(frame) == 2
    assert len(calls) == 2


def test_a_figure_is_kept_for_the_very_table_it_draws() -> None:
    frame = pl.DataFrame({"year": [2023, 2024], "n": [120, 130]})
    first = charts.sparkline(frame, "year", "n", "Uitstroom")
    assert charts.sparkline(frame, "year", "n", "Uitstroom") is first
    assert charts.sparkline(frame, "year", "n", "Anders") is not first
    # An equal frame that is another object is drawn again (its identity is the key).
    again = charts.sparkline(frame.clone(), "year", "n", "Uitstroom")
    assert again is not first
    assert list(again.data[0].y) == [120, 130]


def test_sessions_asking_the_same_share_the_tables_and_see_the_same(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    cache.clear()
    tables = outflow_tables.outflow_by_year.cache
    first = open_app(national_demo["warehouse"])
    misses = tables.misses
    second = open_app(national_demo["warehouse"])  # a new session: another user
    assert not first.exception and not second.exception
    assert tables.misses == misses  # nothing of the default view computed again
    assert [m.value for m in second.metric] == [m.value for m in first.metric]
    assert first.metric[0].value not in ("", "0")
