"""A chart's text alternative in Dutch (WCAG 1.1.1): what it shows and its key values (the
latest value and the direction of each series, at its year or its day; a bar chart of
categories gives each value, or of many categories the highest and the lowest; units drawn as
dots are ranked by name), read from the figure's own data. Every figure is drawn from a
disclosed table, so every number here is one the table shows; a hidden or suppressed cell is a
gap in the figure and is never mentioned."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from dashboard import texts_a11y as t
from published.format import nl_date, nl_number

MAX_SERIES = 4
LISTED = 4  # a bar chart of at most this many categories lists them all, more are ranked


def _number(value: float, percent: bool, decimals: int | None = None) -> str:
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return nl_number(float(value), decimals) + ("%" if percent else "")


def _points(xs: Sequence | None, ys: Sequence | None) -> list[tuple[object, float]]:
    if xs is None or ys is None:
        return []
    return [
        (x, float(y))
        for x, y in zip(xs, ys, strict=False)
        if isinstance(y, int | float) and not isinstance(y, bool) and math.isfinite(y)
    ]


def _percent(figure: go.Figure) -> bool:
    axis = figure.layout.yaxis
    suffix = (axis.ticksuffix or "") if axis else ""
    title = (axis.title.text or "") if axis and axis.title else ""
    return "%" in suffix or "%" in title


def _at(x: object, axis: str) -> str:
    """Where a point lies on the x axis: a year or a category as it is; another number (the
    days after release) with the axis's title."""
    if isinstance(x, numbers.Real) and not isinstance(x, bool) and axis:
        if not (float(x).is_integer() and 1900 <= float(x) <= 2100):
            return t.ALT_AT_NUMBER.format(x=_number(float(x), False), axis=axis.lower())
        x = int(x)
    return t.ALT_AT.format(x=x)


def _series(name: str, points: list[tuple[object, float]], percent: bool, axis: str = "") -> str:
    """One series: its latest value and its direction since the first (the series' name
    only where a chart has several); `axis`: the x axis's title."""
    (x_first, y_first), (x_last, y_last) = points[0], points[-1]
    if len(points) == 1:
        text = t.ALT_ONE.format(name=name, at=_at(x_last, axis), y=_number(y_last, percent))
        return text.lstrip(": ")
    if y_last > y_first:
        direction = t.ALT_UP
    elif y_last < y_first:
        direction = t.ALT_DOWN
    else:
        direction = t.ALT_SAME
    text = t.ALT_SERIES.format(
        name=name,
        at=_at(x_last, axis),
        y=_number(y_last, percent),
        direction=direction,
        at_first=_at(x_first, axis),
        y_first=_number(y_first, percent),
    )
    return text.lstrip(": ")


def _ranking(points: list[tuple[object, float]], percent: bool) -> str:
    high = max(points, key=lambda p: p[1])
    low = min(points, key=lambda p: p[1])
    return t.ALT_RANKING.format(
        n=len(points),
        high=high[0],
        high_value=_number(high[1], percent),
        low=low[0],
        low_value=_number(low[1], percent),
    )


def _categories(figure: go.Figure) -> str | None:
    """A chart whose y axis names categories at numbered positions (tickvals and ticktext,
    as the odds ratios per factor): each category's value per series, in the axis's order,
    with the value axis's decimals and title. None for any other chart."""
    axis = figure.layout.yaxis
    if not axis or axis.tickvals is None or axis.ticktext is None:
        return None
    decimals = None
    x_axis = figure.layout.xaxis
    fmt = (x_axis.tickformat or "") if x_axis else ""
    if fmt.startswith(".") and fmt.endswith("f") and fmt[1:-1].isdigit():
        decimals = int(fmt[1:-1])
    ticks = zip(axis.tickvals, axis.ticktext, strict=False)
    positions = {round(float(v)): str(label) for v, label in ticks}
    values: dict[int, list[str]] = {position: [] for position in positions}
    for trace in figure.data:
        for x, y in _points(trace.y, trace.x):  # (position, value)
            position = round(float(x)) if isinstance(x, int | float) else None
            if position in values:
                number = _number(y, False, decimals)
                values[position].append(f"{trace.name} {number}" if trace.name else number)
    items = [
        t.ALT_CATEGORY.format(label=positions[p], values=", ".join(found))
        for p, found in sorted(values.items())
        if found
    ]
    if not items:
        return ""
    title = (x_axis.title.text or "") if x_axis and x_axis.title else ""
    return t.ALT_CATEGORIES.format(axis=title, items=" ".join(items)).lstrip(". ")


def _labelled(trace: object) -> list[tuple[object, float]] | None:
    """A scatter of units as dots (the funnel plot): its points by the units' names (its
    customdata or text); None for any other trace."""
    mode = getattr(trace, "mode", None) or ""
    if getattr(trace, "type", "") != "scatter" or "markers" not in mode or "lines" in mode:
        return None
    names = trace.customdata if trace.customdata is not None else trace.text
    if names is None or isinstance(names, str) or not all(isinstance(n, str) for n in names):
        return None
    return _points(names, trace.y)


def _periods(trace: object) -> str | None:
    """Horizontal bars from a date (`base`) over a length in milliseconds (the timeline of
    deliveries): each unit's period, or of many the earliest and the latest end; None for any
    other trace."""
    if getattr(trace, "type", "") != "bar" or trace.base is None or trace.orientation != "h":
        return None
    periods = []
    for label, base, length in zip(trace.y or [], trace.base, trace.x or [], strict=False):
        try:
            start = dt.date.fromisoformat(str(base)[:10])
        except ValueError:
            continue
        if isinstance(length, int | float) and math.isfinite(length):
            periods.append((label, start, start + dt.timedelta(milliseconds=float(length))))
    if not periods:
        return None
    if len(periods) <= LISTED:
        return (
            "; ".join(
                t.ALT_PERIOD.format(label=label, start=nl_date(start), end=nl_date(end))
                for label, start, end in periods
            )
            + "."
        )
    low = min(periods, key=lambda p: p[2])
    high = max(periods, key=lambda p: p[2])
    return t.ALT_PERIODS.format(
        n=len(periods), low=low[0], low_end=nl_date(low[2]), high=high[0], high_end=nl_date(high[2])
    )


def _named(name: str, text: str) -> str:
    """A series' text after its name, or (a chart of one) as a sentence of its own."""
    return f"{name}: {text}" if name else text[:1].upper() + text[1:]


def _units(name: str, points: list[tuple[object, float]], percent: bool) -> str:
    """Values per unit or category: each of a few (at most LISTED), or the highest and the
    lowest of many."""
    if len(points) > LISTED:
        return _named(name, _ranking(points, percent))
    items = ", ".join(t.ALT_VALUE.format(label=x, value=_number(y, percent)) for x, y in points)
    return t.ALT_VALUES.format(name=name, items=items).lstrip(": ")


def describe(figure: go.Figure, title: str = "") -> str:
    """One paragraph: the chart's title, then each series (at most MAX_SERIES): its trend,
    or its categories' values, or the ranking of its units; guides (interval bands, a
    funnel's limits) are left out."""
    heading = title or (figure.layout.title.text or "") or t.ALT_CHART
    categories = _categories(figure)
    if categories is not None:
        if not categories:
            return t.ALT_EMPTY.format(title=heading)
        return t.ALT_PREFIX.format(title=heading) + " " + categories
    percent = _percent(figure)
    x_axis = figure.layout.xaxis
    axis = (x_axis.title.text or "") if x_axis and x_axis.title else ""
    parts: list[str] = []
    # Per trace with data: its name and how it reads under a name. The guides are left out:
    # a trace without hover (an interval band, a funnel's limits) only frames the others.
    entries: list[tuple[str | None, Callable[[str], str]]] = []
    for trace in figure.data:
        if getattr(trace, "type", "") == "heatmap":
            rows = trace.z if trace.z is not None else []
            cells = [
                (f"{y} – {x}", float(v))
                for y, row in zip(trace.y or [], rows, strict=False)
                for x, v in zip(trace.x or [], row, strict=False)
                if isinstance(v, int | float) and math.isfinite(v)
            ]
            if cells:
                parts.append(_named("", _ranking(cells, percent)))
            continue
        if getattr(trace, "hoverinfo", None) == "skip":
            continue
        periods = _periods(trace)
        if periods is not None:
            entries.append((trace.name, lambda name, text=periods: _named(name, text)))
            continue
        points = _labelled(trace)
        if points is not None:
            entries.append((trace.name, lambda name, p=points: _units(name, p, percent)))
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        points = _points(*((trace.y, trace.x) if horizontal else (trace.x, trace.y)))
        if not points:
            continue
        if getattr(trace, "type", "") == "bar" and not all(
            isinstance(x, int) or str(x)[:4].isdigit() for x, _ in points
        ):
            entries.append((trace.name, lambda name, p=points: _units(name, p, percent)))
        else:
            entries.append((trace.name, lambda name, p=points: _series(name, p, percent, axis)))
    for shown, (trace_name, render) in enumerate(entries):
        if shown == MAX_SERIES:
            parts.append(t.ALT_MORE.format(n=len(entries) - MAX_SERIES))
            break
        named = len(entries) > 1 and trace_name != heading
        parts.append(render((trace_name or heading) if named else ""))
    if not parts:
        return t.ALT_EMPTY.format(title=heading)
    return t.ALT_PREFIX.format(title=heading) + " " + " ".join(parts)
