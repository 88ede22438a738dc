"""The exchange format as a Frictionless Data Package: one Table Schema per export kind,
generated from the contract's names (basis/contract.py) and the Pandera models' column
checks (intake/schemas.py), so there is one source. Suppliers check an export before
sending it: `frictionless validate --schema docs/contract/pi.schema.json export.csv`.

What Table Schema cannot say is listed in CANNOT_EXPRESS (and in docs/uitwisselformaat.md);
those rules are checked only by our ingest.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from basis.contract import COLUMNS, KEYS, SOURCES
from basis.reference import load_reference
from intake import schemas

MODELS = {
    "pi": schemas.PiExport,
    "gemeente": schemas.GemeenteExport,
    "recidive": schemas.RecidiveExport,
    "reclassering": schemas.ReclasseringExport,
}
TITLES = {
    "pi": "detentie-export (PI)",
    "gemeente": "nazorg-export (gemeente)",
    "recidive": "recidive-export (justitiële documentatie)",
    "reclassering": "reclasseringsexport (3RO)",
}
# Any of the legal date forms (yyyy-mm-dd, dd-mm-yyyy, d-m-yyyy, dd/mm/yyyy); whether the
# date exists (31-02-2024) Table Schema cannot judge: our ingest does.
DATE_PATTERN = "|".join(f"({pattern[1:-1]})" for pattern, _ in schemas.DATE_FORMS)
CANNOT_EXPRESS = (
    "header names are matched ignoring case, spaces, hyphens and underscores (Table Schema "
    "matches them exactly: use the names of the schema)",
    "a date must exist (31-02-2024 has a legal form but is refused)",
    "`inrichting` matches the reference list by code or name, any case, with or without 'PI '",
    "rules across columns (release not before admission, reason with release, age 12-100 at "
    "admission, dates not after the export date, supervision with its frame, …)",
    "one exportdatum (peildatum) in the whole file",
    "identical repeated rows are dropped, not errors; the key must be unique otherwise",
    "the privacy rules (identifier-like column names, BSN-like pseudonyms, e-mail addresses "
    "and postcodes in any value) refuse the whole file",
    "a value of only spaces counts as empty",
)


def _field(kind: str, column: str, model: type) -> dict:
    table = model.to_schema().columns
    check = table.get(column)
    if check is None:  # a column matched by a pattern (the leefgebied statuses)
        check = next(c for name, c in table.items() if c.regex and _matches(name, column))
    field: dict = {"name": column, "type": "string", "constraints": {}}
    if not check.nullable:
        field["constraints"]["required"] = True
    for rule in check.checks:
        if rule.name == "isin":
            field["constraints"]["enum"] = list(rule.statistics["allowed_values"])
        elif rule.name == "str_matches":
            field["constraints"]["pattern"] = rule.statistics["pattern"].strip("^$")
        elif rule.name == "invalid_date":
            field["constraints"]["pattern"] = DATE_PATTERN
            field["format"] = "default"
            field["description"] = "a date: yyyy-mm-dd, dd-mm-yyyy, d-m-yyyy or dd/mm/yyyy"
        elif rule.name == "unknown_gemeente":
            field["constraints"]["enum"] = sorted(load_reference().gemeente_codes)
    if not field["constraints"]:
        del field["constraints"]
    return field


def _matches(pattern: str, column: str) -> bool:
    return re.fullmatch(pattern, column) is not None


def table_schema(kind: str) -> dict:
    """The Table Schema of one export kind."""
    model = MODELS[kind]
    return {
        "fields": [_field(kind, column, model) for column in COLUMNS[kind]],
        "primaryKey": list(KEYS[kind]),
        "missingValues": [""],
        # Columns are matched by name; a column that is not required may be left out and an
        # extra column is ignored (Table Schema v2).
        "fieldsMatch": "partial",
    }


def package() -> dict:
    """The Data Package: a resource per kind (name your export <kind>.csv beside it)."""
    return {
        "name": "terugkeermonitor-uitwisselformaat",
        "title": "Terugkeermonitor — uitwisselformaat v1.1",
        "version": "1.1.0",
        "description": "The exports the Terugkeermonitor ingests (docs/uitwisselformaat.md). "
        "Table Schema cannot express: " + "; ".join(CANNOT_EXPRESS) + ".",
        "resources": [
            {
                "name": kind,
                "title": TITLES[kind],
                "path": f"{kind}.csv",
                "profile": "tabular-data-resource",
                "schema": f"{kind}.schema.json",
            }
            for kind in SOURCES
        ],
    }


def write_package(folder: Path) -> list[Path]:
    """datapackage.json and one <kind>.schema.json per kind into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    files = {"datapackage.json": package()}
    files |= {f"{kind}.schema.json": table_schema(kind) for kind in SOURCES}
    for name, content in files.items():
        path = folder / name
        path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", "utf-8")
        written.append(path)
    return written
