"""Text alternatives of charts (issue 32, WCAG 1.1.1): what a chart shows and its key values,
from the figure's own (disclosed) data; a hidden cell is never mentioned."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboard.alt_text import describe


def test_one_series_says_its_latest_value_and_direction() -> None:
    figure = go.Figure(go.Scatter(x=[2015, 2016, 2024], y=[28268, 29000, 31589]))
    figure.update_layout(title="Uitstroom per jaar")
    assert describe(figure) == (
        "Tekstalternatief voor de grafiek «Uitstroom per jaar»: 31.589 in 2024, hoger dan aan "
        "het begin (in 2015: 28.268)."
    )


def test_several_series_are_named_and_a_hidden_value_is_left_out() -> None:
    figure = go.Figure(
        [
            go.Scatter(x=[2015, 2024], y=[40.0, 44.8], name="Nederland"),
            go.Scatter(x=[2015, 2024], y=[38.0, None], name="Zwolle"),  # 2024 not shown
            go.Scatter(x=[2015, 2024], y=[41.2, 39.1], name="Overijssel"),
        ]
    )
    figure.update_layout(title="Recidive", yaxis={"ticksuffix": "%"})
    text = describe(figure)
    assert "Nederland: 44,8% in 2024, hoger dan aan het begin (in 2015: 40%)." in text
    assert "Zwolle: 38% in 2015." in text  # its last shown value, nothing of 2024
    assert "Overijssel: 39,1% in 2024, lager dan aan het begin (in 2015: 41,2%)." in text


def test_a_chart_of_many_units_names_the_highest_and_the_lowest_shown() -> None:
    names = ["Almelo", "Zwolle", "Vught", "Grave", "Arnhem", "Breda"]
    figure = go.Figure(go.Bar(x=names, y=[10.5, 30.2, 22, None, 12, 19.25]))
    assert describe(figure, "Recidive per PI") == (
        "Tekstalternatief voor de grafiek «Recidive per PI»: Van de 5 getoonde waarden is de "
        "hoogste Zwolle (30,2) en de laagste Almelo (10,5)."
    )


def test_a_bar_chart_of_a_few_categories_gives_each_value_never_a_trend() -> None:
    """The Effectmeting's chart: two windows (categories, not years) per group. Each group's
    value per window, in the chart's order; nothing says "higher than at the start"."""
    windows = ["Binnen 1 jaar", "Binnen 2 jaar"]
    figure = go.Figure(
        [
            go.Bar(x=windows, y=[27.26, 40.6], name="Behandeld"),
            go.Bar(x=windows, y=[30.0, None], name="Vergelijkingsgroep"),
        ]
    )
    figure.update_layout(yaxis={"ticksuffix": "%"})
    assert describe(figure, "Recidive per groep") == (
        "Tekstalternatief voor de grafiek «Recidive per groep»: Behandeld: Binnen 1 jaar 27,3%, "
        "Binnen 2 jaar 40,6%. Vergelijkingsgroep: Binnen 1 jaar 30%."
    )
    one = go.Figure(go.Bar(x=["Man", "Vrouw"], y=[1200, 130]))
    assert describe(one, "Uitstroom") == (
        "Tekstalternatief voor de grafiek «Uitstroom»: Man 1.200, Vrouw 130."
    )


def test_a_chart_without_shown_values_says_so() -> None:
    figure = go.Figure(go.Scatter(x=[2023, 2024], y=[None, None]))
    assert describe(figure, "Recidive") == (
        "De grafiek «Recidive» heeft geen waarden die getoond mogen worden."
    )


def test_the_odds_ratio_chart_gives_each_factors_ratios_not_a_trend() -> None:
    """The forest plot's points lie at numbered positions (0.85, 1.15, …) whose names are the
    y axis's labels: the text names each factor with its raw and adjusted odds ratio, with
    the axis's two decimals; a factor's hidden ratio is left out."""
    from dashboard import charts

    frame = pl.DataFrame(
        {
            "label": ["Werk", "Onderdak", "Schulden"],
            "raw_or": [0.5764574976139688, 0.8, None],
            "raw_low": [0.5, 0.7, None],
            "raw_high": [0.66, 0.9, None],
            "adj_or": [0.6832, 1.049, 1.25],
            "adj_low": [0.6, 0.95, 1.1],
            "adj_high": [0.77, 1.16, 1.4],
        }
    )
    figure = charts.forest(
        frame, "Odds ratio", "Odds ratio (< 1 = minder recidive)",
        {"raw": "ruw", "adjusted": "gecorrigeerd"},
    )  # fmt: skip
    assert describe(figure) == (
        "Tekstalternatief voor de grafiek «Odds ratio»: Odds ratio (< 1 = minder recidive). "
        "Werk: ruw 0,58, gecorrigeerd 0,68. Onderdak: ruw 0,80, gecorrigeerd 1,05. "
        "Schulden: gecorrigeerd 1,25."
    )


def test_survival_curves_give_each_groups_last_value_by_the_days_not_the_bands() -> None:
    """The Kaplan-Meier charts (Recidive, Succesfactoren, Effectmeting): each curve's last
    value at its day on the x axis, by the axis's title; the shaded 95% bands (traces
    without hover) are not described as series of their own."""
    from dashboard import charts

    def curve(days: list[float], survival: list[float]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "days": days,
                "survival": survival,
                "low": [v - 2 for v in survival],
                "high": [v + 2 for v in survival],
            }
        )

    figure = charts.survival_curves(
        [
            ("Behandelde groep", curve([0.0, 100.0, 1095.0], [100.0, 80.04, 59.5])),
            ("Vergelijkingsgroep", curve([0.0, 1093.0], [100.0, 52.8])),
        ],
        "Tijd tot het eerste nieuwe misdrijf", "Dagen na uitstroom", "Nog niet gerecidiveerd",
    )  # fmt: skip
    assert describe(figure) == (
        "Tekstalternatief voor de grafiek «Tijd tot het eerste nieuwe misdrijf»: Behandelde "
        "groep: 59,5% bij 1.095 dagen na uitstroom, lager dan aan het begin (bij 0 dagen na "
        "uitstroom: 100%). Vergelijkingsgroep: 52,8% bij 1.093 dagen na uitstroom, lager dan "
        "aan het begin (bij 0 dagen na uitstroom: 100%)."
    )


def test_a_funnel_plot_ranks_its_units_by_name_and_names_the_chosen_one() -> None:
    """The funnel plot (Vergelijken, Inrichtingsprofiel): its limit lines are guides, not
    series; the units are ranked by their names and the chosen unit is named with its value."""
    from dashboard import charts

    units = pl.DataFrame(
        {
            "unit": ["GM1", "GM2", "GM3", "GM4", "GM5", "GM6"],
            "label": ["Almelo", "Breda", "Delft", "Ede", "Gouda", "Zwolle"],
            "n": [120, 340, 95, 210, 150, 480],
            "pct": [40.0, 50.5, 30.2, 44.0, 41.3, 45.4],
        }
    )
    sizes = [50.0, 100.0, 500.0]
    limits = pl.DataFrame(
        {
            "size": sizes, "national": [43.4] * 3, "low95": [30.0, 34.0, 39.0],
            "high95": [57.0, 53.0, 48.0], "low998": [25.0, 30.0, 37.0],
            "high998": [62.0, 57.0, 50.0],
        }
    )  # fmt: skip
    labels = {
        "national": "Nederland", "95": "95%-grens", "998": "99,8%-grens",
        "units": "Gemeenten", "chosen": "Gekozen", "n": "uitstromen",
    }  # fmt: skip
    figure = charts.funnel_plot(
        units, limits, "pct", ["GM6"], "Trechter", "Uitstromen", "Recidive (%)", labels
    )
    assert describe(figure) == (
        "Tekstalternatief voor de grafiek «Trechter»: Gemeenten: van de 5 getoonde waarden is "
        "de hoogste Breda (50,5%) en de laagste Delft (30,2%). Gekozen: Zwolle 45,4%."
    )


def test_a_timeline_gives_periods_as_dates_not_lengths_in_milliseconds() -> None:
    """Datakwaliteit's periods per supplier: bars from a start date over a length (in
    milliseconds, as Plotly draws dates): few periods are listed by their dates, of many the
    earliest and the latest end are named."""
    import datetime as dt

    from dashboard import charts

    pis = ["PI Almelo", "PI Breda", "PI Grave", "PI Vught", "PI Zwolle"]
    ends = [dt.date(2024, 12, 31), dt.date(2024, 11, 30), dt.date(2025, 1, 31),
            dt.date(2024, 12, 31), dt.date(2024, 10, 31)]  # fmt: skip
    frame = pl.DataFrame(
        {
            "label": [*pis, "justitiele_documentatie"],
            "start": [dt.date(2015, 1, 1)] * 6,
            "end": [*ends, dt.date(2025, 3, 31)],
            "kind": ["PI-export"] * 5 + ["Recidivegegevens"],
        }
    )
    figure = charts.timeline(frame, "label", "start", "end", "kind", "Periode per leverancier")
    assert describe(figure) == (
        "Tekstalternatief voor de grafiek «Periode per leverancier»: PI-export: van de 5 "
        "getoonde perioden eindigt de vroegste bij PI Zwolle (31 oktober 2024) en de laatste bij "
        "PI Grave (31 januari 2025). Recidivegegevens: justitiele_documentatie 1 januari 2015 "
        "tot en met 31 maart 2025."
    )
