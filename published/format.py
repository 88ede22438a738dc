"""Dutch number and date formats: 1.234; 45,6%; 1 januari 2024."""

from __future__ import annotations

import datetime as dt

import polars as pl

from published.disclosure import DisclosedTable
from published.labels import MONTHS, MONTHS_SHORT, NOT_SHOWN, REFUSALS


def nl_int(value: float | int | None) -> str:
    """An integer with a dot between thousands; a missing value reads as a dash."""
    if value is None:
        return NOT_SHOWN
    return f"{round(value):,}".replace(",", ".")


def nl_number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return NOT_SHOWN
    if round(value, decimals) == 0:
        value = 0.0  # not "-0,00"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def nl_pct(value: float | None, decimals: int = 1) -> str:
    return NOT_SHOWN if value is None else nl_number(value, decimals) + "%"


def nl_count(value: int | None, threshold: int) -> str:
    """A published count: a suppressed one (null) reads '<threshold'."""
    return f"<{threshold}" if value is None else nl_int(value)


def nl_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return NOT_SHOWN
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def nl_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return NOT_SHOWN
    return f"{nl_date(value)}, {value:%H:%M}"


def period_label(year: int, quarter: int | None = None, month: int | None = None) -> str:
    """'2024', '2024 K3' or 'mrt 2024'."""
    if month is not None:
        return f"{MONTHS_SHORT[month - 1]} {year}"
    if quarter is not None:
        return f"{year} K{quarter}"
    return str(year)


def nl_interval(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return NOT_SHOWN
    return f"{nl_number(low)}–{nl_number(high)}%"


def _cell(value: object, kind: str, mark: str | None) -> str:
    if mark is not None:
        return mark
    if value is None:
        return NOT_SHOWN
    if kind == "pct":
        return nl_pct(value)
    if kind == "number":
        return nl_number(value)
    if kind == "ratio":
        return nl_number(value, 2)
    if kind in ("count", "int"):
        return nl_int(value)
    if kind == "date":
        return nl_datetime(value) if isinstance(value, dt.datetime) else nl_date(value)
    return str(value)


def display_frame(table: DisclosedTable) -> pl.DataFrame:
    """The table as Dutch text, with Dutch column labels ('<10' for small counts, 'x' for
    counts hidden because they would give a small one away, '–' for figures not shown)."""
    return table.derived("display_frame", lambda: _display_frame(table))


def _display_frame(table: DisclosedTable) -> pl.DataFrame:
    data = {}
    for c in table.columns:
        values = table.frame[c.name].to_list()
        data[c.label] = [_cell(v, c.kind, table.mark(c.name, i)) for i, v in enumerate(values)]
    return pl.DataFrame(data, schema={c.label: pl.String for c in table.columns})


def dutch_refusal(code: str | None, params: dict[str, str]) -> str | None:
    """Why a file was refused (intake/refusals.py), in Dutch; None without a known code."""
    template = REFUSALS.get(code or "")
    if template is None:
        return None
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return None


# A cell that a spreadsheet would read as a formula (OWASP "CSV injection"): =, +, -, @, tab
# or carriage return first, unless it is a plain number such as -1,5 or +3%.
_FORMULA_START = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[-+]?[0-9][0-9.,]*%?$"


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell that would start a formula gets a leading apostrophe (shown as text
    by Excel and LibreOffice); numbers and other cells stay as they are."""
    texts = [name for name, kind in frame.schema.items() if kind == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START) & ~pl.col(c).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in texts
    )
