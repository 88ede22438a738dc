"""Chart look: the Okabe-Ito colour-blind-safe palette and Dutch separators for Plotly."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black (the seventh series: 'alle basisvoorwaarden')
    "#F0E442",  # yellow, last: low contrast on white
)
NATIONAL = "#555555"
INTERVAL_FILL = "rgba(0, 114, 178, 0.15)"
# Sequential scale for heatmaps: light to dark blue (monotone in lightness, safe in grey).
SEQUENTIAL = ["#F7FBFF", "#C6DBEF", "#6BAED6", "#2171B5", "#08306B"]

TEMPLATE = "terugkeer"

pio.templates[TEMPLATE] = go.layout.Template(
    layout=go.Layout(
        colorway=list(PALETTE),
        font={"family": "sans-serif", "size": 14, "color": "#1A1A1A"},
        separators=",.",  # decimal comma, thousands dot
        hovermode="x unified",
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        title={"x": 0, "xanchor": "left", "font": {"size": 17}},
        xaxis={"showgrid": False, "linecolor": "#888888", "automargin": True},
        yaxis={
            "gridcolor": "#E5E5E5",
            "zerolinecolor": "#888888",
            "rangemode": "tozero",
            "automargin": True,
            "tickformat": ",",  # 30.000, not 30k
        },
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
    )
)


def figure(
    data: list[dict], title: str | None, y_title: str | None = None, **layout: object
) -> go.Figure:
    """A Plotly figure in the product's template, built once from plain dicts (adding traces
    one by one re-validates the figure each time, which costs more than the queries)."""
    base = {
        "template": pio.templates[TEMPLATE],
        "title": {"text": title},
        "height": 420,
        "yaxis": {"title": {"text": y_title}},
    }
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return go.Figure(data=data, layout=base)
