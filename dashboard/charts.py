"""Plotly figures drawn from disclosed tables: a suppressed or hidden value is never plotted
(it is null, and nulls leave a gap).

A figure is kept for as long as the very table it draws is kept (dashboard/shared.py), so the
views that many people ask for are drawn once; figures are never changed after they are made."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl

from dashboard.theme import INTERVAL_FILL, PALETTE, SEQUENTIAL, figure
from published.cache import per_input
from published.disclosure import DisclosedTable
from published.tables.comparison import series_wide


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


@per_input()
def bars(
    frame: pl.DataFrame,
    x: str,
    series: dict[str, str],
    title: str,
    y_title: str,
    stacked: bool = False,
    horizontal: bool = False,
    hover: str = "%{y:,.0f}",
    percent: bool = False,
) -> go.Figure:
    """One bar trace per column in `series` (column -> legend label)."""
    categories = frame[x].to_list()
    value_axis = "x" if horizontal else "y"
    template = hover.replace("%{y", "%{x") if horizontal else hover
    data = [
        {
            "type": "bar",
            value_axis: frame[column].to_list(),
            ("y" if horizontal else "x"): categories,
            "name": label,
            "orientation": "h" if horizontal else "v",
            "marker": {"color": _colour(i)},
            "hovertemplate": template + f"<extra>{label}</extra>",
        }
        for i, (column, label) in enumerate(series.items())
    ]
    values = {"ticksuffix": "%", "range": [0, 100]} if percent else {}
    if horizontal:
        return figure(
            data,
            title,
            None,
            barmode="stack" if stacked else "group",
            showlegend=len(series) > 1,
            hovermode="y unified",
            yaxis={"autorange": "reversed", "type": "category", "dtick": 1},
            xaxis=values,
            height=max(420, 24 * len(categories) + 120),
        )
    return figure(
        data,
        title,
        y_title,
        barmode="stack" if stacked else "group",
        showlegend=len(series) > 1,
        xaxis={"type": "category"},
        yaxis=values,
    )


def _whiskers(values: list, lows: list, highs: list) -> dict:
    return {
        "type": "data",
        "symmetric": False,
        "array": [h - v if v is not None and h is not None else None
                  for v, h in zip(values, highs, strict=True)],
        "arrayminus": [v - lo if v is not None and lo is not None else None
                       for v, lo in zip(values, lows, strict=True)],
        "thickness": 1.2,
        "width": 4,
    }  # fmt: skip


@per_input()
def lines_with_intervals(
    frame: pl.DataFrame,
    x: str,
    series: list[tuple[str, str, str | None, str | None]],
    title: str,
    y_title: str,
    hover_extra: dict[str, str] | None = None,
) -> go.Figure:
    """Lines (value, label, low, high) with interval whiskers; gaps where a value is null."""
    data = []
    for i, (column, label, low, high) in enumerate(series):
        values = frame[column].to_list()
        extra = (hover_extra or {}).get(column)
        trace = {
            "type": "scatter",
            "x": frame[x].to_list(),
            "y": values,
            "name": label,
            "mode": "lines+markers",
            "line": {"color": _colour(i), "width": 2.5},
            "connectgaps": False,
            "hovertemplate": "%{y:.1f}%"
            + (" (onbekend %{customdata:.1f}%)" if extra else "")
            + f"<extra>{label}</extra>",
        }
        if low and high:
            trace["error_y"] = _whiskers(values, frame[low].to_list(), frame[high].to_list())
        if extra:
            trace["customdata"] = frame[extra].to_list()
        data.append(trace)
    return figure(data, title, y_title, xaxis={"type": "category"}, yaxis={"ticksuffix": "%"})


@per_input()
def heatmap(
    frame: pl.DataFrame,
    x: str,
    y: str,
    value: str,
    title: str,
    hover: str | None = None,
    hover_text: str = "",
) -> go.Figure:
    """A categorical heatmap of a percentage; missing cells stay blank."""
    xs = list(dict.fromkeys(frame[x].to_list()))
    ys = list(dict.fromkeys(frame[y].to_list()))
    grid = {(r[x], r[y]): r for r in frame.iter_rows(named=True)}
    z = [[grid.get((cx, cy), {}).get(value) for cx in xs] for cy in ys]
    custom = [[grid.get((cx, cy), {}).get(hover) if hover else None for cx in xs] for cy in ys]
    trace = {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": z,
        "colorscale": [[i / (len(SEQUENTIAL) - 1), c] for i, c in enumerate(SEQUENTIAL)],
        "zmin": 0,
        "zmax": 100,
        "colorbar": {"ticksuffix": "%"},
        "hoverongaps": False,
        "hovertemplate": "%{y} · %{x}: %{z:.1f}%"
        + (" (onbekend %{customdata:.1f}%)" if hover else hover_text)
        + "<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    if hover:
        trace["customdata"] = custom
    return figure(
        [trace],
        title,
        None,
        hovermode="closest",
        yaxis={"autorange": "reversed", "type": "category", "dtick": 1, "tickformat": ""},
        height=max(420, 22 * len(ys) + 160),
    )


@per_input()
def survival_curves(
    curves: list[tuple[str, pl.DataFrame]], title: str, x_title: str, y_title: str
) -> go.Figure:
    """Kaplan-Meier step lines with shaded 95% intervals; each frame: days, survival, low, high."""
    data = []
    for i, (label, curve) in enumerate(curves):
        # numpy arrays: Plotly checks lists element by element, which is slow for curves.
        days = curve["days"].to_numpy()
        band = INTERVAL_FILL if len(curves) == 1 else _transparent(_colour(i))
        data.append(
            {
                "type": "scatter",
                "x": np.concatenate([days, days[::-1]]),
                "y": np.concatenate([curve["high"].to_numpy(), curve["low"].to_numpy()[::-1]]),
                "fill": "toself",
                "fillcolor": band,
                "line": {"width": 0, "shape": "hv"},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
        data.append(
            {
                "type": "scatter",
                "x": days,
                "y": curve["survival"].to_numpy(),
                "name": label,
                "mode": "lines",
                "line": {"color": _colour(i), "width": 2.5, "shape": "hv"},
                "hovertemplate": "dag %{x}: %{y:.1f}%" + f"<extra>{label}</extra>",
            }
        )
    return figure(
        data,
        title,
        y_title,
        hovermode="x",
        xaxis={"title": {"text": x_title}},
        yaxis={"ticksuffix": "%", "rangemode": "normal"},
    )


def _transparent(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, 0.12)"


@per_input()
def sparkline(frame: pl.DataFrame, x: str, y: str, title: str, suffix: str = "") -> go.Figure:
    trace = {
        "type": "scatter",
        "x": frame[x].to_list(),
        "y": frame[y].to_list(),
        "mode": "lines+markers",
        "line": {"color": PALETTE[0], "width": 2.5},
        "hovertemplate": "%{x}: %{y:,.1f}" + suffix + "<extra></extra>",
        "connectgaps": False,
    }
    return figure(
        [trace],
        title,
        None,
        height=260,
        showlegend=False,
        title_font_size=15,
        xaxis={"type": "category"},
        yaxis={"ticksuffix": suffix},
    )


@per_input()
def timeline(
    frame: pl.DataFrame, label: str, start: str, end: str, colour: str, title: str
) -> go.Figure:
    """Horizontal bars from `start` to `end` (dates) per `label`, one colour per `colour`."""
    data = []
    for i, (key,) in enumerate(frame.select(colour).unique(maintain_order=True).rows()):
        part = frame.filter(pl.col(colour) == key)
        starts, ends = part[start].to_list(), part[end].to_list()
        data.append(
            {
                "type": "bar",
                "y": part[label].to_list(),
                "x": [(e - s).days * 86_400_000 for s, e in zip(starts, ends, strict=True)],
                "base": [s.isoformat() for s in starts],
                "orientation": "h",
                "name": key,
                "marker": {"color": _colour(i)},
                "hovertemplate": "%{y}: %{base|%d-%m-%Y} – %{x|%d-%m-%Y}<extra></extra>",
            }
        )
    return figure(
        data,
        title,
        None,
        barmode="overlay",
        hovermode="closest",
        xaxis={"type": "date", "tickformat": "%Y"},
        yaxis={"autorange": "reversed", "type": "category", "dtick": 1, "tickformat": ""},
        height=max(420, 20 * frame.height + 120),
    )


@per_input()
def funnel_plot(
    units: pl.DataFrame,
    limits: pl.DataFrame,
    value: str,
    chosen: list[str],
    title: str,
    x_title: str,
    y_title: str,
    labels: dict[str, str],
    x_column: str = "n",
) -> go.Figure:
    """Units as dots on (size, rate) with 95% and 99.8% limits; the chosen units stand out.
    `x_column`: the units' column on the x-axis (n, or the expected count e of a corrected rate:
    the limits are drawn over the same quantity)."""
    n = limits["size"].to_numpy()
    line = {"color": "#555555", "width": 1.2}
    data: list[dict] = [
        {"type": "scatter", "x": n, "y": limits["national"].to_numpy(), "mode": "lines",
         "name": labels["national"], "line": {**line, "width": 1.8}, "hoverinfo": "skip"},
    ]  # fmt: skip
    for low, high, dash, label in (
        ("low95", "high95", "dash", labels["95"]),
        ("low998", "high998", "dot", labels["998"]),
    ):
        for column, legend in ((low, True), (high, False)):
            data.append(
                {"type": "scatter", "x": n, "y": limits[column].to_numpy(), "mode": "lines",
                 "name": label, "legendgroup": label, "showlegend": legend,
                 "line": {**line, "dash": dash, "shape": "hv"}, "hoverinfo": "skip"}
            )  # fmt: skip
    others = units.filter(~pl.col("unit").is_in(chosen))
    mine = units.filter(pl.col("unit").is_in(chosen))
    for frame, name, colour, size in (
        (others, labels["units"], "#9AA5B1", 7),
        (mine, labels["chosen"], PALETTE[5], 13),
    ):
        if frame.height == 0:
            continue
        data.append(
            {
                "type": "scatter",
                "x": frame[x_column].to_list(),
                "y": frame[value].to_list(),
                "mode": "markers+text" if frame is mine else "markers",
                "text": frame["label"].to_list() if frame is mine else None,
                "textposition": "top center",
                "customdata": frame["label"].to_list(),
                "name": name,
                "marker": {"color": colour, "size": size, "line": {"width": 1, "color": "#333"}},
                "hovertemplate": "%{customdata}: %{y:.1f}% ("
                + labels.get(x_column, x_column)
                + " = %{x:,.0f})<extra></extra>",
            }
        )
    return figure(
        data,
        title,
        y_title,
        hovermode="closest",
        xaxis={"title": {"text": x_title}, "type": "log", "tickformat": ","},
        yaxis={"ticksuffix": "%", "rangemode": "normal", "tickformat": ""},
        height=480,
    )


@per_input()
def forest(frame: pl.DataFrame, title: str, x_title: str, labels: dict[str, str]) -> go.Figure:
    """Odds ratios with 95% intervals per factor: adjusted (filled) and raw (open)."""
    rows = frame["label"].to_list()
    data = []
    for prefix, name, symbol, colour, shift in (
        ("raw", labels["raw"], "circle-open", "#7A7A7A", -0.15),
        ("adj", labels["adjusted"], "diamond", PALETTE[0], 0.15),
    ):
        odds = frame[f"{prefix}_or"].to_list()
        data.append(
            {
                "type": "scatter",
                "x": odds,
                "y": [i + shift for i in range(len(rows))],
                "mode": "markers",
                "name": name,
                "marker": {"symbol": symbol, "size": 11, "color": colour},
                "error_x": _whiskers(
                    odds, frame[f"{prefix}_low"].to_list(), frame[f"{prefix}_high"].to_list()
                ),
                "customdata": rows,
                "hovertemplate": "%{customdata}: %{x:.2f}" + f"<extra>{name}</extra>",
            }
        )
    return figure(
        data,
        title,
        None,
        hovermode="closest",
        shapes=[{"type": "line", "x0": 1, "x1": 1, "y0": -0.5, "y1": len(rows) - 0.5,
                 "line": {"color": "#333", "width": 1}}],
        xaxis={"type": "log", "title": {"text": x_title}, "tickformat": ".2f"},
        yaxis={"tickmode": "array", "tickvals": list(range(len(rows))), "ticktext": rows,
               "autorange": "reversed", "rangemode": "normal", "tickformat": ""},
        height=max(420, 36 * len(rows) + 140),
    )  # fmt: skip


@per_input()
def series_lines(
    table: DisclosedTable, series: tuple[str, ...], title: str, y_title: str
) -> go.Figure:
    """The series of a table of rates per year (`series`, `year`, `rate`, `low`, `high`), each a
    line with its interval, in the order of `series`."""
    wide = series_wide(table)
    present = [s for s in series if f"{s}__rate" in wide.columns]
    return lines_with_intervals(
        wide,
        "year",
        [(f"{s}__rate", s, f"{s}__low", f"{s}__high") for s in present],
        title,
        y_title,
    )


@per_input()
def scope_bars(table: DisclosedTable, series: tuple[str, ...], title: str) -> go.Figure:
    """A percentage per label (`label`, `scope`, `pct`), one bar per scope in `series`."""
    wide = table.frame.pivot(on="scope", index="label", values="pct")
    return bars(
        wide, "label", {s: s for s in series if s in wide.columns}, title, "%",
        hover="%{y:.1f}%", percent=True,
    )  # fmt: skip
