"""Validate a read export against its Pandera model and split it into rows to load and rows
to quarantine; then apply the contract's key rules (duplicates dropped, conflicts quarantined).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from basis.contract import (
    COLUMNS,
    DATE_COLUMNS,
    DELIVERY_DATE_COLUMN,
    KEYS,
    REQUIRED,
    SOURCES,
)
from basis.reference import fold_pi_expr, load_reference
from intake.readers import ROW, RawExport
from intake.refusals import Refusal
from intake.schemas import (
    FRAME_RULE_COLUMN,
    MODELS,
    RULE_MESSAGES,
    parsed,
    rule_of,
    with_parsed_dates,
)


class RefusedFile(Refusal):
    """The whole file is refused; the message names no values."""


@dataclass
class Validated:
    source: str
    rows: pl.DataFrame  # typed rows to load, with _row
    errors: pl.DataFrame  # one per (row, column, rule): _row, column, rule, message
    quarantine: pl.DataFrame  # one per quarantined row: _row, raw_values (JSON text)
    n_read: int
    n_duplicate: int
    delivery_date: object  # datetime.date

    @property
    def error_counts(self) -> dict[str, int]:
        counts = self.errors.group_by("rule").len().sort("rule")
        return dict(zip(counts["rule"], counts["len"], strict=True))


def detect_source(raw: RawExport, given: str | None = None) -> str:
    """The export kind: the one given, else the one whose required columns the header has."""
    present = set(raw.frame.columns)
    if given:
        if given not in SOURCES:
            raise RefusedFile("unknown_source", source=given)
        missing = [c for c in REQUIRED[given] if c not in present]
        if missing:
            raise RefusedFile("missing_columns", source=given, columns=", ".join(missing))
        return given
    fits = [s for s in SOURCES if all(c in present for c in REQUIRED[s])]
    if fits:
        return max(fits, key=lambda s: len(present & set(COLUMNS[s])))
    closest = max(SOURCES, key=lambda s: len(present & set(COLUMNS[s])))
    missing = [c for c in REQUIRED[closest] if c not in present]
    raise RefusedFile("unknown_header", closest=closest, columns=", ".join(missing))


def _normalise(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Codes are matched without regard to case: 'Ja' is 'ja', 'gm0363' is 'GM0363'."""
    lower = [
        c
        for c in frame.columns
        if c.endswith(("_instroom", "_uitstroom", "_3mnd"))
        or c
        in (
            "uitstroomreden",
            "reintegratieplan",
            "casemanager",
            "delictgroep",
            "ernstig",
            "afdoening",
            "organisatie",
            "soort",
            "kader",
            "afloop",
            "betrokken_bij_tbo",
        )
    ]
    upper = [c for c in ("geslacht", "gemeente_code") if c in frame.columns]
    missing = [c for c in COLUMNS[source] if c not in frame.columns]
    frame = frame.with_columns(
        [pl.col(c).str.to_lowercase() for c in lower]
        + [pl.col(c).str.to_uppercase() for c in upper]
        + [pl.lit(None, dtype=pl.String).alias(c) for c in missing]
    )
    return with_parsed_dates(frame, DATE_COLUMNS[source])


def _failures(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Run the Pandera model lazily; every failure as (_row, column, rule, message)."""
    empty = pl.DataFrame(
        schema={ROW: pl.Int64, "column": pl.String, "rule": pl.String, "message": pl.String}
    )
    try:
        MODELS[source].validate(frame, lazy=True)
        return empty
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    if cases.filter(pl.col("index").is_null()).height:
        # A schema-level failure (a column of the wrong type) cannot happen on a text frame;
        # refuse rather than load something unvalidated.
        raise RefusedFile("schema_error")
    rows = frame[ROW]
    out = cases.select(
        pl.col("index").cast(pl.Int64),
        pl.col("check").map_elements(rule_of, return_dtype=pl.String).alias("rule"),
        pl.col("column"),
        pl.col("schema_context"),
    ).with_columns(
        pl.when(pl.col("schema_context") == "DataFrameSchema")
        .then(pl.col("rule").replace_strict(FRAME_RULE_COLUMN, default=None))
        .otherwise(pl.col("column"))
        .alias("column")
    )
    return (
        out.with_columns(
            pl.col("index").map_batches(lambda s: rows.gather(s), return_dtype=pl.Int64).alias(ROW),
            pl.col("rule").replace_strict(RULE_MESSAGES, default="breaks a rule").alias("message"),
        )
        .select(ROW, "column", "rule", "message")
        .unique()
        .sort(ROW, "column", "rule")
    )


def _typed(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """Valid text rows -> typed rows (dates, integers, the PI's reference code)."""
    exprs = [pl.col(parsed(c)).alias(c) for c in DATE_COLUMNS[source]]
    if source == "pi":
        lookup = load_reference().pi_lookup
        exprs += [
            fold_pi_expr(pl.col("inrichting")).replace_strict(lookup).alias("inrichting"),
            pl.col("geboortejaar").cast(pl.Int32),
        ]
    return frame.with_columns(exprs).select([ROW, *COLUMNS[source]])


def _key_rules(rows: pl.DataFrame, source: str) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Identical rows with the same key: keep one; differing rows: quarantine them all."""
    key = list(KEYS[source])
    content = list(COLUMNS[source])
    # Only rows whose key repeats can be duplicates or conflicts; hashing the key alone is
    # far cheaper than hashing every column of every row.
    repeated = rows.select(pl.struct(key).is_duplicated()).to_series()
    if not repeated.any():
        return rows, rows.select(ROW).clear(), 0
    multi = rows.filter(repeated)
    distinct = multi.unique(subset=content, keep="first", maintain_order=True)
    n_duplicate = multi.height - distinct.height
    clash_keys = distinct.filter(pl.len().over(key) > 1).select(key).unique()
    # Every row of a conflicting key goes to quarantine, duplicates of them included.
    conflicted = multi.join(clash_keys, on=key, how="semi")
    n_duplicate -= conflicted.height - conflicted.unique(subset=content).height
    keep = distinct.join(clash_keys, on=key, how="anti")[ROW]
    dropped = multi.filter(~pl.col(ROW).is_in(keep.implode()))[ROW]
    kept = rows.filter(~pl.col(ROW).is_in(dropped.implode()))
    return kept, conflicted.select(ROW), n_duplicate


def validate_export(raw: RawExport, source: str) -> Validated:
    """Validate `raw` as `source`; refuse the file when its delivery date is not one date."""
    frame = _normalise(raw.frame, source)
    errors = _failures(frame, source)
    bad_rows = errors[ROW].unique()
    good = frame.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    typed = _typed(good, source)
    date_column = DELIVERY_DATE_COLUMN[source]
    dates = typed[date_column].unique().drop_nulls()
    if dates.len() > 1:
        raise RefusedFile("date_varies", column=date_column, n=dates.len())
    kept, conflicted, n_duplicate = _key_rules(typed, source)
    if conflicted.height:
        key = "+".join(KEYS[source])
        errors = pl.concat(
            [
                errors,
                conflicted.with_columns(
                    pl.lit(key).alias("column"),
                    pl.lit("conflict").alias("rule"),
                    pl.lit(RULE_MESSAGES["conflict"]).alias("message"),
                ),
            ]
        ).sort(ROW, "column", "rule")
    quarantined = errors[ROW].unique()
    raw_columns = [c for c in raw.frame.columns if c != ROW]
    quarantine = raw.frame.filter(pl.col(ROW).is_in(quarantined.implode())).select(
        ROW, pl.struct(raw_columns).struct.json_encode().alias("raw_values")
    )
    return Validated(
        source=source,
        rows=kept,
        errors=errors,
        quarantine=quarantine,
        n_read=raw.frame.height,
        n_duplicate=n_duplicate,
        delivery_date=dates[0] if dates.len() else None,
    )
