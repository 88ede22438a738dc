"""What many people ask for is computed once per process (dashboard/shared.py)."""

from __future__ import annotations

import contextlib
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
    version[0] = "snapshot-2"  # a newer publication: computed again
    assert table(("GM0363",), 10, {"a": "Almelo"}) is not first
    assert len(calls) == 4
    # The older one's results stay while its readers may still ask (until they are moved on,
    # or the publication after the next appears).
    assert len(table.cache.entries) == 4
    version[0] = "snapshot-3"
    table(("GM0363",), 10, {"a": "Almelo"})
    assert {key[0] for key in table.cache.entries} == {("snapshot-2",), ("snapshot-3",)}
    cache.retire(("snapshot-2",))
    assert {key[0] for key in table.cache.entries} == {("snapshot-3",)}


def test_what_was_asked_of_one_publication_is_asked_again_of_the_next() -> None:
    version = ["warm-1"]
    calls: list[tuple] = []

    @cache.per_publication(lambda: (version[0],))
    def query(sql: str) -> str:
        calls.append((version[0], sql))
        if sql == "broken":
            raise ValueError("no such table")
        return f"{sql} of {version[0]}"

    @cache.per_publication(lambda: (version[0],))
    def table(scope: str, names: dict) -> str:
        calls.append((version[0], scope))
        return query(f"counts {scope}")

    table("GM0363", {"a": "Almelo"})
    query("status")
    with contextlib.suppress(ValueError):
        query("broken")  # (an error is not kept: asked again by the next reader)
    table("GM0014", {})
    table("GM0363", {"a": "Almelo"})  # the most recently asked
    asked = sorted(table.asked(("warm-1",)), key=lambda a: a[0], reverse=True)
    assert [a[1:] for a in asked] == [(("GM0363", {"a": "Almelo"}), {}), (("GM0014", {}), {})]
    calls.clear()
    version[0] = "warm-2"
    assert cache.warm(("warm-1",), lambda: True) == 5  # 2 tables, 3 queries (an error is not kept)
    # The most recently asked first: a table before the queries it read (cached on its way).
    assert calls == [
        ("warm-2", "GM0363"), ("warm-2", "counts GM0363"),
        ("warm-2", "GM0014"), ("warm-2", "counts GM0014"),
        ("warm-2", "status"),
    ]  # fmt: skip
    misses = table.cache.misses + query.cache.misses
    assert table("GM0014", {}) == "counts GM0014 of warm-2"
    assert query("status") == "status of warm-2"
    assert table.cache.misses + query.cache.misses == misses  # a reader finds them warm
    # It stops when told to.
    version[0] = "warm-3"
    calls.clear()
    asked = iter([True, False])
    assert cache.warm(("warm-2",), lambda: next(asked)) == 1
    assert calls == [("warm-3", "status")]  # the last asked of warm-2


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
