"""The published tables as datasets in the shape of CBS's OData 4 service (catalog `TKM`):
each dataset has dimensions with code lists, measure codes, and observations in long form
(Id, Measure, ValueAttribute, Value, StringValue and one column per dimension).

The datasets are exactly the open-data tables (published/export.py, national) plus the
per-unit series the dashboard shows a lezer on Vergelijken (per municipality, province and
PI, per year), made by the same table functions and disclosure. A cell the dashboard does not
show has no Value, and its ValueAttribute says why. Codes follow CBS: periods `2024JJ00`,
municipalities `GM0363`, provinces `PV27`, the Netherlands `NL01`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from published import labels, queries, rules
from published.disclosure import DisclosedTable
from published.export import entries, machine_frame
from published.scope import Scope
from published.tables import comparison

CATALOG = "TKM"
CATALOG_TITLE = "Terugkeermonitor"
# CBS's province codes.
PROVINCES = {
    "Groningen": "PV20", "Fryslân": "PV21", "Friesland": "PV21", "Drenthe": "PV22",
    "Overijssel": "PV23", "Flevoland": "PV24", "Gelderland": "PV25", "Utrecht": "PV26",
    "Noord-Holland": "PV27", "Zuid-Holland": "PV28", "Zeeland": "PV29",
    "Noord-Brabant": "PV30", "Limburg": "PV31",
}  # fmt: skip
NETHERLANDS = "NL01"
# Why a cell has no value (the ValueAttribute), from the mark the dashboard shows.
ATTRIBUTES = {
    "<": "Suppressed",  # 1 to threshold-1: "<10"
    "x": "SecondarySuppressed",  # hidden to protect another cell
    labels.NOT_SHOWN: "NotShown",  # too few, or it would give a count away
    labels.NOT_YET_AVAILABLE: "NotYetAvailable",  # follow-up not complete
    labels.NOT_DELIVERED: "NotDelivered",  # no export covers the unit or period
}
ATTRIBUTE_MEANING = {
    "None": "the value is shown",
    "Suppressed": "a count of 1 up to the threshold: suppressed",
    "SecondarySuppressed": "hidden, because a small count could be worked back from it",
    "NotShown": "not shown: too few people, or a count could be worked back from it",
    "NotYetAvailable": "the follow-up time has not passed yet (recidivism)",
    "NotDelivered": "no export covers this unit or period",
}
UNITS = {"count": "aantal", "int": "aantal", "pct": "%", "number": "getal", "text": "tekst"}
# Columns of the tables that are dimensions, and their CBS-style identifier.
DIMENSIONS = {
    "year": "Perioden", "cohort_year": "Perioden", "period": "Perioden",
    "unit": "Eenheid", "series": "Eenheid", "label": "Onderwerp", "pi": "Inrichtingen",
    "gemeente_naam": "RegioS",
}  # fmt: skip
DIMENSION_TITLES = {
    "Perioden": "Perioden", "Eenheid": "Gemeente, provincie of inrichting",
    "Onderwerp": "Onderwerp", "Inrichtingen": "Penitentiaire inrichting",
    "RegioS": "Regio's", "GemeenteRegioS": "Gemeenten", "ProvincieRegioS": "Provincies",
}  # fmt: skip


@dataclass(frozen=True)
class Dataset:
    identifier: str
    title: str
    unit: str  # what a count counts
    rule: str  # key of published.rules.RULES
    per_unit: bool  # names municipalities, provinces or PIs: needs a token unless public
    make: Callable[[int, dict[str, str]], DisclosedTable]


def datasets() -> list[Dataset]:
    """Every dataset of the catalog: the open-data tables, then the per-unit series."""
    per_unit_words = ("pi_code", "gemeente", "inrichting", "vergelijken")
    out = [
        Dataset(
            e.name, e.title, e.unit, e.rule, any(w in e.name for w in per_unit_words),
            lambda t, n, e=e: e.make(Scope(), t, n),
        )
        for e in entries()
    ]  # fmt: skip
    for kind, title in (("gemeente", "gemeente"), ("provincie", "provincie"),
                        ("inrichting", "inrichting")):  # fmt: skip
        for measure in queries.COMPARE_MEASURES:
            out.append(
                Dataset(
                    f"per_{kind}_per_jaar_{measure}",
                    f"{labels.MEASURE_LABELS[measure]}, per {title} en jaar",
                    "personen of uitstromen",
                    "compare",
                    True,
                    lambda t, n, kind=kind, measure=measure: _series(kind, measure, t),
                )
            )
    return out


def _series(kind: str, measure: str, threshold: int) -> DisclosedTable:
    """Per unit and year, as Vergelijken shows a chosen unit over time."""
    options = queries.filter_options()
    if kind == "inrichting":
        unit, codes = "pi_code", options["pis"]["pi_code"].to_list()
        series = {code: [code] for code in codes}
    else:
        gemeenten = options["gemeenten"]
        unit = "gemeente_code"
        if kind == "gemeente":
            series = {code: [code] for code in gemeenten["gemeente_code"].to_list()}
        else:
            series = {}
            for row in gemeenten.iter_rows(named=True):
                code = PROVINCES.get(row["provincie"] or "")
                if code:
                    series.setdefault(code, []).append(row["gemeente_code"])
    return comparison.trend(Scope(), threshold, unit, measure, series)


@dataclass
class Cube:
    """A dataset in long form, with its metadata."""

    dimensions: list[dict]
    codes: dict[str, list[dict]]  # dimension identifier -> its codes
    measures: list[dict]
    observations: pl.DataFrame


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_") or "leeg"


def _period(value: object) -> str:
    text = str(value)
    match = re.fullmatch(r"(\d{4})(?:\s*K(\d))?", text)
    if match and match.group(2):
        return f"{match.group(1)}KW0{match.group(2)}"
    return f"{text}JJ00" if re.fullmatch(r"\d{4}", text) else _slug(text)


def cube(dataset: Dataset, threshold: int, names: dict[str, str]) -> Cube:
    """The dataset's table, disclosed as everywhere, in CBS's long form."""
    table = dataset.make(threshold, names)
    frame = machine_frame(table)
    by_name = {v: k for k, v in names.items()}  # unit names -> codes
    dims = [c for c in table.columns if c.name in DIMENSIONS and c.kind == "text"]
    measures = [c for c in table.columns if c not in dims]
    # A table's unit column is a municipality, province or PI, as its name says.
    unit_dimension = "Inrichtingen" if "inrichting" in dataset.identifier else "RegioS"
    dim_ids = {
        c.name: unit_dimension if DIMENSIONS[c.name] == "Eenheid" else DIMENSIONS[c.name]
        for c in dims
    }
    codes: dict[str, dict[str, str]] = {dim_ids[c.name]: {} for c in dims}
    code_columns = {}
    for column in dims:
        identifier = dim_ids[column.name]
        values = frame[column.name].cast(pl.String).to_list()
        coded = []
        for value in values:
            text = "" if value is None else value
            if identifier == "Perioden":
                code = _period(text)
            elif re.fullmatch(r"(GM\d{4}|PV\d{2}|NL01)", text) or text in names:
                code = text
            elif text in by_name:
                code = by_name[text]
            else:
                code = _slug(text)
            codes[identifier].setdefault(code, names.get(text, text))
            coded.append(code)
        code_columns[identifier] = coded
    rows = []
    measure_meta = []
    for column in measures:
        status = (
            frame[column.name + "_status"] if column.name + "_status" in frame.columns else None
        )
        values = frame[column.name].to_list()
        is_text = column.kind in ("text", "date")
        measure_meta.append(
            {
                "Identifier": column.name,
                "Title": column.label,
                "Unit": UNITS.get(column.kind, ""),
                "DataType": "String" if is_text else "Double",
                "Decimals": 0 if column.kind in ("count", "int") else 1,
                "Description": rules.RULES.get(dataset.rule, ""),
                "PresentationType": "Absolute" if column.kind in ("count", "int") else "Relative",
            }
        )
        for i, value in enumerate(values):
            mark = status[i] if status is not None else None
            if is_text:
                attribute = "None" if value is not None else "NotShown"
                number, text = None, None if value is None else str(value)
            else:
                number = None if value is None else float(value)
                if mark is not None:
                    attribute = ATTRIBUTES.get(
                        mark[:1] if mark.startswith("<") else mark, "NotShown"
                    )
                    number = None
                else:
                    attribute = "None" if number is not None else "NotShown"
                text = None
            row = {"Measure": column.name, "ValueAttribute": attribute, "Value": number,
                   "StringValue": text}  # fmt: skip
            for identifier, coded in code_columns.items():
                row[identifier] = coded[i]
            rows.append(row)
    schema = {"Id": pl.Int64, "Measure": pl.String, "ValueAttribute": pl.String,
              "Value": pl.Float64, "StringValue": pl.String}  # fmt: skip
    schema |= {identifier: pl.String for identifier in code_columns}
    observations = pl.DataFrame(
        [{"Id": i, **r} for i, r in enumerate(rows)], schema=schema, orient="row"
    ) if rows else pl.DataFrame(schema=schema)  # fmt: skip
    dimensions = [
        {
            "Identifier": identifier,
            "Title": DIMENSION_TITLES.get(identifier, identifier),
            "Kind": "TimeDimension" if identifier == "Perioden"
            else "GeoDimension" if identifier == "RegioS" else "Dimension",
            "ContainsGroups": False,
        }
        for identifier in code_columns
    ]  # fmt: skip
    code_lists = {
        identifier: [
            {"Identifier": code, "Index": i, "Title": title, "Description": None}
            for i, (code, title) in enumerate(values.items())
        ]
        for identifier, values in codes.items()
    }
    return Cube(dimensions, code_lists, measure_meta, observations)
