"""Plotly figures drawn from disclosed tables: a suppressed or hidden value is never plotted
(it is null, and nulls leave a gap)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.theme import INTERVAL_FILL, PALETTE, SEQUENTIAL, style


def bars(
    frame: pl.DataFrame,
    x: str,
    series: dict[str, str],
    title: str,
    y_title: str,
    stacked: bool = False,
    horizontal: bool = False,
    hover: str = "%{y:,.0f}",
) -> go.Figure:
    """One bar trace per column in `series` (column -> legend label)."""
    figure = go.Figure()
    for i, (column, label) in enumerate(series.items()):
        values = frame[column].to_list()
        categories = frame[x].to_list()
        figure.add_bar(
            x=values if horizontal else categories,
            y=categories if horizontal else values,
            name=label,
            orientation="h" if horizontal else "v",
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate=(hover.replace("%{y", "%{x") if horizontal else hover)
            + f"<extra>{label}</extra>",
        )
    figure.update_layout(barmode="stack" if stacked else "group", showlegend=len(series) > 1)
    if horizontal:
        figure.update_yaxes(autorange="reversed", type="category")
        figure.update_layout(hovermode="y unified")
    else:
        figure.update_xaxes(type="category")
    return style(figure, title, None if horizontal else y_title)


def lines_with_intervals(
    frame: pl.DataFrame,
    x: str,
    series: list[tuple[str, str, str | None, str | None]],
    title: str,
    y_title: str,
    hover_extra: dict[str, str] | None = None,
) -> go.Figure:
    """Lines (value, label, low, high) with interval whiskers; gaps where a value is null."""
    figure = go.Figure()
    for i, (column, label, low, high) in enumerate(series):
        values = frame[column].to_list()
        error = None
        if low and high:
            lows, highs = frame[low].to_list(), frame[high].to_list()
            error = {
                "type": "data",
                "symmetric": False,
                "array": [h - v if v is not None and h is not None else None
                          for v, h in zip(values, highs, strict=True)],
                "arrayminus": [v - lo if v is not None and lo is not None else None
                               for v, lo in zip(values, lows, strict=True)],
                "thickness": 1.2,
                "width": 4,
            }  # fmt: skip
        extra = (hover_extra or {}).get(column)
        figure.add_scatter(
            x=frame[x].to_list(),
            y=values,
            name=label,
            mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
            error_y=error,
            customdata=frame[extra].to_list() if extra else None,
            hovertemplate="%{y:.1f}%"
            + (" (onbekend %{customdata:.1f}%)" if extra else "")
            + f"<extra>{label}</extra>",
            connectgaps=False,
        )
    figure.update_xaxes(type="category")
    figure.update_yaxes(ticksuffix="%")
    return style(figure, title, y_title)


def heatmap(
    frame: pl.DataFrame, x: str, y: str, value: str, title: str, hover: str | None = None
) -> go.Figure:
    """A categorical heatmap of a percentage; missing cells stay blank."""
    xs = list(dict.fromkeys(frame[x].to_list()))
    ys = list(dict.fromkeys(frame[y].to_list()))
    grid = {(r[x], r[y]): r for r in frame.iter_rows(named=True)}
    z = [[grid.get((cx, cy), {}).get(value) for cx in xs] for cy in ys]
    custom = [[grid.get((cx, cy), {}).get(hover) if hover else None for cx in xs] for cy in ys]
    figure = go.Figure(
        go.Heatmap(
            x=xs,
            y=ys,
            z=z,
            customdata=custom,
            colorscale=SEQUENTIAL,
            zmin=0,
            zmax=100,
            colorbar={"ticksuffix": "%"},
            hoverongaps=False,
            hovertemplate="%{y} · %{x}: %{z:.1f}%"
            + (" (onbekend %{customdata:.1f}%)" if hover else "")
            + "<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    figure.update_yaxes(autorange="reversed", type="category", dtick=1)
    figure.update_layout(hovermode="closest")
    figure = style(figure, title)
    figure.update_layout(height=max(420, 22 * len(ys) + 160))
    return figure


def survival_curves(
    curves: list[tuple[str, pl.DataFrame]], title: str, x_title: str, y_title: str
) -> go.Figure:
    """Kaplan-Meier step lines with shaded 95% intervals; each frame: days, survival, low, high."""
    figure = go.Figure()
    for i, (label, curve) in enumerate(curves):
        colour = PALETTE[i % len(PALETTE)]
        days = curve["days"].to_list()
        figure.add_scatter(
            x=days + days[::-1],
            y=curve["high"].to_list() + curve["low"].to_list()[::-1],
            fill="toself",
            fillcolor=INTERVAL_FILL if len(curves) == 1 else _transparent(colour),
            line={"width": 0, "shape": "hv"},
            hoverinfo="skip",
            showlegend=False,
        )
        figure.add_scatter(
            x=days,
            y=curve["survival"].to_list(),
            name=label,
            mode="lines",
            line={"color": colour, "width": 2.5, "shape": "hv"},
            hovertemplate="dag %{x}: %{y:.1f}%" + f"<extra>{label}</extra>",
        )
    figure.update_yaxes(ticksuffix="%", rangemode="normal")
    figure.update_layout(hovermode="x")
    return style(figure, title, y_title).update_xaxes(title=x_title)


def _transparent(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, 0.12)"


def sparkline(frame: pl.DataFrame, x: str, y: str, title: str, suffix: str = "") -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=frame[x].to_list(),
            y=frame[y].to_list(),
            mode="lines+markers",
            line={"color": PALETTE[0], "width": 2.5},
            hovertemplate="%{x}: %{y:,.1f}" + suffix + "<extra></extra>",
            connectgaps=False,
        )
    )
    figure.update_xaxes(type="category")
    figure = style(figure, title)
    figure.update_yaxes(ticksuffix=suffix)
    figure.update_layout(height=260, showlegend=False, title_font_size=15)
    return figure


def timeline(
    frame: pl.DataFrame, label: str, start: str, end: str, colour: str, title: str
) -> go.Figure:
    """Horizontal bars from `start` to `end` (dates) per `label`, one colour per `colour`."""
    figure = go.Figure()
    for i, (key,) in enumerate(frame.select(colour).unique(maintain_order=True).rows()):
        part = frame.filter(pl.col(colour) == key)
        starts, ends = part[start].to_list(), part[end].to_list()
        figure.add_bar(
            y=part[label].to_list(),
            x=[(e - s).days * 86_400_000 for s, e in zip(starts, ends, strict=True)],
            base=[s.isoformat() for s in starts],
            orientation="h",
            name=key,
            marker_color=PALETTE[i % len(PALETTE)],
            hovertemplate="%{y}: %{base|%d-%m-%Y} – %{x|%d-%m-%Y}<extra></extra>",
        )
    figure.update_xaxes(type="date", tickformat="%Y")
    figure.update_yaxes(autorange="reversed", type="category", dtick=1)
    figure.update_layout(barmode="overlay", hovermode="closest")
    figure = style(figure, title)
    figure.update_layout(height=max(420, 20 * frame.height + 120))
    return figure
