"""Open data: every published table of the current publication, national, disclosed, as CSV
and Parquet, with one metadata file (`terugkeer export --out DIR`, and a download on the
dashboard). A table set in the manner of CBS StatLine: the same table functions, so the same
numbers, as the dashboard and `terugkeer figures`.

Each table is a file with machine-friendly columns: a value column is a number (empty when it
is not shown) and each count or percentage column has a companion `<column>_status`: empty
when the value is shown, else why not (`<10`, `x`, `–`, `nog niet beschikbaar`,
`niet geleverd`; the legend is in the metadata).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from published import labels, queries, reader, rules
from published.disclosure import DisclosedTable
from published.format import csv_safe
from published.scope import Scope
from published.tables import comparison, factors, outflow, readiness, recidivism

STATUS_SUFFIX = "_status"
VALUE_KINDS = ("count", "int", "pct", "number")
LEGEND = {
    "0": "geen enkele (een echte nul)",
    "<{t}": "1 tot {t}: onderdrukt",
    "x": "onderdrukt omdat er een klein aantal uit terug te rekenen is (via een totaal of het "
    "percentage ernaast)",
    "–": "niet getoond: het cijfer rust op te weinig personen, of er is een klein aantal uit "
    "terug te rekenen",
    labels.NOT_YET_AVAILABLE: "de opvolgtijd is nog niet voorbij (recidive)",
    labels.NOT_DELIVERED: "er is geen export die deze eenheid of periode dekt",
}
KIND_MEANING = {
    "text": "tekst",
    "count": "aantal personen of uitstromen (onderdrukt onder de drempel)",
    "int": "aantal (bestanden of rijen)",
    "pct": "percentage",
    "number": "getal",
    "date": "datum",
}


@dataclass(frozen=True)
class Entry:
    """One table of the set: its file name, title, what a count counts, its rule text."""

    name: str
    title: str
    unit: str
    rule: str
    make: Callable[[Scope, int, dict[str, str]], DisclosedTable]


def entries() -> list[Entry]:
    """The tables of the open-data set (and of the API), in their order."""
    split_titles = {
        "pi_code": "inrichting",
        "release_reason": "reden van uitstroom",
        "sex": "geslacht",
        "age_band": "leeftijdsklasse",
        "length_band": "duur van detentie",
    }
    out = [
        Entry("uitstroom_per_jaar", "Uitstroom per jaar", "uitstromen", "uitstroom",
              lambda s, t, n: outflow.outflow_by_year(s, t)),
        *(
            Entry(f"uitstroom_per_jaar_naar_{split}",
                  f"Uitstroom per jaar naar {title}", "uitstromen", "uitstroom",
                  lambda s, t, n, split=split: outflow.outflow_table(s, t, "year", split, n))
            for split, title in split_titles.items()
        ),
        Entry("gemeenten_van_terugkeer", "Gemeenten van terugkeer (alle jaren)", "uitstromen",
              "gemeenten", lambda s, t, n: outflow.top_gemeenten(s, t)),
        Entry("leefgebieden_per_jaar", "Basisvoorwaarden op orde bij uitstroom, per jaar",
              "uitstromen", "readiness", lambda s, t, n: readiness.readiness_by_year(s, t)),
        Entry("leefgebieden_instroom_uitstroom",
              "Op orde bij instroom en uitstroom, verbeterd tijdens detentie (alle jaren)",
              "uitstromen", "improved",
              lambda s, t, n: readiness.readiness_intake_release(s, t)),
        Entry("leefgebieden_per_inrichting", "Op orde bij uitstroom per inrichting (alle jaren)",
              "uitstromen", "readiness_pi", lambda s, t, n: readiness.readiness_by_pi(s, t, n)),
        Entry("nazorg_na_3_maanden", "Op orde 3 maanden na uitstroom (alle jaren)",
              "trajecten", "aftercare", lambda s, t, n: readiness.aftercare(s, t)),
        Entry("recidive_per_cohort", "Recidive binnen 1 en 2 jaar per cohort",
              "personen (cohort)", "recidivism", lambda s, t, n: recidivism.recidivism(s, t)),
        *(
            Entry(f"recidive_per_cohort_naar_{split}",
                  f"Recidive binnen 1 en 2 jaar per cohort, naar {split_titles[split]}",
                  "personen (cohort)", "recidivism",
                  lambda s, t, n, split=split: recidivism.recidivism(s, t, split, names=n))
            for split in queries.COHORT_SPLITS
        ),
        Entry("ernstige_recidive_per_cohort", "Ernstige recidive binnen 1 en 2 jaar per cohort",
              "personen (cohort)", "severe",
              lambda s, t, n: recidivism.recidivism(s, t, severe=True)),
        Entry("recidive_naar_delictgroep",
              "Recidive binnen 2 jaar naar delictgroep van de eerste nieuwe zaak",
              "personen (cohort)", "offence_groups",
              lambda s, t, n: recidivism.reoffence_groups(s, t)),
        Entry("procesindicatoren_per_inrichting", "Procesindicatoren per inrichting (alle jaren)",
              "uitstromen", "process_pi", lambda s, t, n: factors.process_by_pi(s, t, n)),
        Entry("onder_toezicht_na_uitstroom",
              "Onder toezicht van de reclassering na uitstroom, per jaar en kader",
              "uitstromen", "supervision", lambda s, t, n: factors.supervision_by_frame(s, t)),
        Entry("toezicht_regulier_afgerond", "Toezichten regulier afgerond, per jaar",
              "toezichten", "supervision_endings",
              lambda s, t, n: factors.supervision_endings(t)),
        *(
            Entry(f"succesfactoren_{years}_jaar",
                  f"Succesfactoren: recidive binnen {years} jaar met en zonder, odds ratio's",
                  "personen (cohort)", "factors",
                  lambda s, t, n, years=years: factors.odds_ratios(years, t))
            for years in (1, 2)
        ),
        *(
            Entry(f"vergelijken_{kind}_{measure}",
                  f"{labels.MEASURE_LABELS[measure]}, per {kind} (alle jaren)",
                  "personen of uitstromen", "compare",
                  lambda s, t, n, unit=unit, measure=measure: comparison.units(
                      s, t, unit, measure, n))
            for kind, unit in (("gemeente", "gemeente_code"), ("inrichting", "pi_code"))
            for measure in queries.COMPARE_MEASURES
        ),
    ]  # fmt: skip
    return out


def machine_frame(table: DisclosedTable) -> pl.DataFrame:
    """The table for other tools: value columns as numbers (null when not shown), and beside
    each count and percentage its status (null when shown, else how the dashboard reads it)."""
    columns = []
    for column in table.columns:
        columns.append(table.frame[column.name])
        if column.kind in ("count", "pct"):
            marks = [table.mark(column.name, i) for i in range(table.frame.height)]
            status = [
                mark if mark is not None else (labels.NOT_SHOWN if value is None else None)
                for mark, value in zip(marks, table.frame[column.name].to_list(), strict=True)
            ]
            columns.append(pl.Series(column.name + STATUS_SUFFIX, status, dtype=pl.String))
    return pl.DataFrame(columns)


def write_table_set(out: Path, threshold: int, scope: Scope | None = None) -> dict:
    """Write every table of the set as CSV and Parquet, and `metadata.json`; returns the
    metadata."""
    out.mkdir(parents=True, exist_ok=True)
    files = table_set(threshold, scope)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return json.loads(files["metadata.json"])


def table_set(threshold: int, scope: Scope | None = None) -> dict[str, bytes]:
    """The files of the set: <table>.csv, <table>.parquet and metadata.json."""
    scope = scope or Scope()
    names = queries.unit_names()
    status = reader.data_status()
    tables_meta = []
    files: dict[str, bytes] = {}
    for entry in entries():
        table = entry.make(scope, threshold, names)
        frame = machine_frame(table)
        csv = io.BytesIO()
        csv_safe(frame).write_csv(csv)
        parquet = io.BytesIO()
        frame.write_parquet(parquet)
        files[f"{entry.name}.csv"] = csv.getvalue()
        files[f"{entry.name}.parquet"] = parquet.getvalue()
        tables_meta.append(
            {
                "name": entry.name,
                "title": entry.title,
                "unit": entry.unit,
                "rule": rules.RULES[entry.rule].format(t=threshold).replace("**", ""),
                "rows": table.frame.height,
                "files": [f"{entry.name}.csv", f"{entry.name}.parquet"],
                "columns": _columns_meta(table),
            }
        )
    metadata = {
        "title": "Terugkeermonitor: open data",
        "description": "Alle gepubliceerde tabellen, landelijk, met onthullingscontrole.",
        "peildatum": _iso(status.get("peildatum")),
        "published_at": _iso(status.get("published_at")),
        "synthetic": bool(status.get("any_synthetic")),
        "suppression": {
            "threshold": threshold,
            "rule": rules.disclosure_note(threshold, reader.max_noise())
            .replace("`", "")
            .replace("*", ""),
            # The cell-key method (docs/cellkey.md): every count carries noise of at most this.
            "cell_key_max_noise": reader.max_noise(),
        },
        "legend": {k.format(t=threshold): v.format(t=threshold) for k, v in LEGEND.items()},
        "tables": tables_meta,
    }
    files["metadata.json"] = json.dumps(metadata, indent=1, ensure_ascii=False).encode("utf-8")
    return files


def zip_bytes(threshold: int, scope: Scope | None = None) -> bytes:
    """The set as one zip (the dashboard's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in table_set(threshold, scope).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _columns_meta(table: DisclosedTable) -> list[dict]:
    out = []
    for column in table.columns:
        out.append({"name": column.name, "label": column.label, "kind": column.kind,
                    "meaning": KIND_MEANING[column.kind]})  # fmt: skip
        if column.kind in ("count", "pct"):
            out.append({"name": column.name + STATUS_SUFFIX, "label": f"{column.label}: status",
                        "kind": "status",
                        "meaning": "leeg als de waarde getoond wordt; anders waarom niet "
                        "(zie legend)"})  # fmt: skip
    return out


def _iso(value: object) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return None if value is None else str(value)
