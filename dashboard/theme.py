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


def style(figure: go.Figure, title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Apply the product's template; charts never depend on Streamlit's theme."""
    figure.update_layout(template=TEMPLATE, title=title, yaxis_title=y_title, height=420)
    return figure
