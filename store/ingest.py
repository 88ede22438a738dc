"""Ingest export files: read, guard privacy, validate, and load each file in one transaction.

The same function serves `terugkeer ingest` and the dashboard's upload page, so both say
the same thing about the same file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from basis.contract import COLUMNS, JUSTICE_RECORDS
from basis.reference import fold_pi, load_reference
from intake.privacy import find_privacy_breach
from intake.readers import ROW, RawExport, UnreadableFile, read_export
from intake.refusals import Refusal
from intake.schemas import RULE_MESSAGES
from intake.validate import RefusedFile, Validated, detect_source, validate_export
from store.publish import _fault
from store.warehouse import RAW_TABLES, ensure_schema, scalar

MAX_ERRORS_REPORTED = 100
SYNTHETIC_MARKER = "synthetisch"
DATA_SUFFIXES = {".csv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq"}
# Test hook: simulate a crash in the middle of a load (see tests/test_ingest_atomicity.py).
FAULT_ENV = "TERUGKEER_INJECT_FAULT"


@dataclass
class FileReport:
    file: str
    source: str | None
    status: str  # loaded, unchanged, refused, valid (dry run)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_counts: dict[str, int] = field(default_factory=dict)
    reason: str | None = None  # in English (the CLI, the delivery log)
    reason_code: str | None = None  # intake/refusals.py: the dashboard says it in Dutch
    reason_params: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.status != "refused":
            for key in ("reason", "reason_code", "reason_params"):
                data.pop(key)
        return data


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder stands for the data files in it (hidden files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in DATA_SUFFIXES
            )
        else:
            files.append(path)
    return files


def refused_report(
    name: str, refusal: Refusal, source: str | None = None, rows_read: int = 0
) -> FileReport:
    """The report of a file refused whole (nothing of it is stored)."""
    return FileReport(
        file=name,
        source=source,
        status="refused",
        rows_read=rows_read,
        reason=str(refusal),
        reason_code=refusal.code,
        reason_params=refusal.params,
    )


def check_file(
    path: Path,
    data: bytes | None = None,
    name: str | None = None,
    source: str | None = None,
    organisation: str | None = None,
) -> tuple[FileReport, RawExport | None, Validated | None]:
    """Everything but storing: the report, and what would be loaded. With `organisation`
    (an aanleverancier's own PI, municipality or JD), a file holding rows of any other
    organisation is refused."""
    name = name or path.name
    try:
        raw = read_export(path, data=data, name=name)
    except UnreadableFile as exc:
        return refused_report(name, exc), None, None
    breach = find_privacy_breach(raw)
    if breach:
        # The refusal names the rule and the column; the frame is dropped here.
        refusal = Refusal(breach.rule, column=breach.column)
        return refused_report(name, refusal, rows_read=raw.frame.height), None, None
    try:
        kind = detect_source(raw, source)
        validated = validate_export(raw, kind)
    except RefusedFile as exc:
        return refused_report(name, exc, source, raw.frame.height), None, None
    if organisation:
        foreign = foreign_organisations(raw, kind, organisation)
        if foreign:
            listed = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            return (
                refused_report(
                    name,
                    Refusal("organisation", found=listed, allowed=organisation),
                    kind,
                    raw.frame.height,
                ),
                None,
                None,
            )
    report = FileReport(
        file=name,
        source=kind,
        status="valid",
        rows_read=validated.n_read,
        rows_loaded=validated.rows.height,
        rows_quarantined=validated.quarantine.height,
        rows_duplicate=validated.n_duplicate,
        ignored_columns=list(raw.extra_columns),
        errors=[
            {"row": r[ROW], "column": r["column"], "rule": r["rule"], "message": r["message"]}
            for r in validated.errors.head(MAX_ERRORS_REPORTED).iter_rows(named=True)
        ],
        error_counts=validated.error_counts,
    )
    return report, raw, validated


def organisations_in(raw: RawExport, source: str) -> set[str]:
    """The organisations whose rows a file holds, every row counted (quarantined ones too):
    PI codes for a PI export, municipality codes for a municipality's, JD for the records."""
    if source == "recidive":
        return {JUSTICE_RECORDS}
    column = {"pi": "inrichting", "gemeente": "gemeente_code", "reclassering": "organisatie"}[
        source
    ]
    if column not in raw.frame.columns:
        return set()
    values = raw.frame[column].drop_nulls().str.strip_chars().unique().to_list()
    if source == "pi":
        lookup = load_reference().pi_lookup
        return {lookup.get(fold_pi(v), v) for v in values if v}
    if source == "reclassering":
        return {v.lower() for v in values if v}
    return {v.upper() for v in values if v}


def foreign_organisations(raw: RawExport, source: str, organisation: str) -> list[str]:
    """The organisations other than `organisation` whose rows the file holds (sorted)."""
    mine = organisation.upper() if organisation.upper().startswith("GM") else organisation
    if source == "pi" and not mine.upper().startswith(("GM", JUSTICE_RECORDS)):
        mine = load_reference().pi_lookup.get(fold_pi(mine), mine)
    if source == "reclassering":
        mine = organisation.lower()
    return sorted(o for o in organisations_in(raw, source) if o != mine)


def _supplier(validated: Validated) -> str:
    column = {"pi": "inrichting", "gemeente": "gemeente_code", "reclassering": "organisatie"}.get(
        validated.source
    )
    if column is None or validated.rows.height == 0:
        return "justitiele_documentatie" if validated.source == "recidive" else "onbekend"
    return validated.rows[column].mode().sort()[0]


def _is_synthetic(raw: RawExport) -> bool:
    column = next((c for c in raw.frame.columns if c.lower() == SYNTHETIC_MARKER), None)
    return bool(column) and raw.frame[column].str.to_lowercase().eq("ja").all()


# A PI's episode is keyed on (pseudoniem, instroomdatum), which does not name the PI: the
# first PI that delivered a key holds it, and only it may re-deliver that episode. The other
# sources' keys name their supplier (gemeente_code, organisatie) already.
HELD_KEYS = {"pi": (("pseudoniem", "instroomdatum"), "inrichting")}
HELD_RULE = "key_of_other_supplier"


def _keep_to_own_keys(
    con: duckdb.DuckDBPyConnection, report: FileReport, validated: Validated
) -> Validated:
    """Move the rows whose key another supplier holds into quarantine (rule
    key_of_other_supplier): a supplier never overwrites another's records."""
    if validated.source not in HELD_KEYS or validated.rows.height == 0:
        return validated
    keys, supplier = HELD_KEYS[validated.source]
    table = RAW_TABLES[validated.source]
    incoming = validated.rows.select(ROW, *keys, supplier)
    con.register("incoming_keys", incoming)
    try:
        on = " AND ".join(f"h.{k} = i.{k}" for k in keys)
        taken = con.execute(
            f"SELECT DISTINCT i.{ROW} FROM incoming_keys AS i JOIN (SELECT DISTINCT "
            f"{', '.join('r.' + k for k in keys)}, r.{supplier} FROM {table} AS r "
            "JOIN deliveries AS d USING (delivery_id) WHERE d.status = 'loaded') AS h "
            f"ON {on} AND h.{supplier} <> i.{supplier}"
        ).fetchall()
    finally:
        con.unregister("incoming_keys")
    if not taken:
        return validated
    taken = pl.DataFrame({ROW: [r[0] for r in taken]}, schema={ROW: validated.rows.schema[ROW]})
    moved = validated.rows.join(taken, on=ROW, how="semi")
    raw_columns = [c for c in moved.columns if c != ROW]
    quarantine = moved.select(
        ROW,
        pl.struct([pl.col(c).cast(pl.String) for c in raw_columns])
        .struct.json_encode()
        .alias("raw_values"),
    )
    errors = moved.select(
        ROW,
        pl.lit(supplier).alias("column"),
        pl.lit(HELD_RULE).alias("rule"),
        pl.lit(RULE_MESSAGES[HELD_RULE]).alias("message"),
    )
    report.rows_loaded -= moved.height
    report.rows_quarantined += moved.height
    report.error_counts = {
        **report.error_counts,
        HELD_RULE: report.error_counts.get(HELD_RULE, 0) + moved.height,
    }
    return dataclasses.replace(
        validated,
        rows=validated.rows.join(taken, on=ROW, how="anti"),
        errors=pl.concat(
            [
                validated.errors,
                errors.select(validated.errors.columns).cast(validated.errors.schema),
            ]
        ),
        quarantine=pl.concat(
            [
                validated.quarantine,
                quarantine.select(validated.quarantine.columns).cast(validated.quarantine.schema),
            ]
        ),
    )


def _append(frame: pl.DataFrame, more: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([frame, more.select(frame.columns).cast(frame.schema)])


def store(
    con: duckdb.DuckDBPyConnection,
    report: FileReport,
    sha256: str,
    raw: RawExport | None,
    validated: Validated | None,
) -> FileReport:
    """Write one delivery in one transaction: all of it, or (on any failure) nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        if validated is not None:
            validated = _keep_to_own_keys(con, report, validated)
        delivery_id = scalar(con, "SELECT nextval('delivery_seq')")
        now = dt.datetime.now().replace(microsecond=0)
        loaded = validated is not None
        con.execute(
            "INSERT INTO deliveries (delivery_id, file_name, file_sha256, source, supplier, "
            "delivery_date, ingested_at, status, rows_read, rows_loaded, rows_quarantined, "
            "rows_duplicate, ignored_columns, error_counts, reason, is_synthetic, reason_code, "
            "reason_params) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                delivery_id,
                report.file,
                sha256,
                report.source,
                _supplier(validated) if loaded else None,
                validated.delivery_date if loaded else None,
                now,
                "loaded" if loaded else "refused",
                report.rows_read,
                report.rows_loaded,
                report.rows_quarantined,
                report.rows_duplicate,
                report.ignored_columns,
                json.dumps(report.error_counts),
                report.reason,
                _is_synthetic(raw) if raw is not None else None,
                report.reason_code,
                json.dumps(report.reason_params) if report.reason_code else None,
            ],
        )
        if loaded:
            rows = validated.rows.rename({ROW: "row_number"}).with_columns(
                pl.lit(delivery_id).alias("delivery_id")
            )
            columns = ["delivery_id", "row_number", *COLUMNS[validated.source]]
            con.register("incoming_rows", rows.select(columns))
            con.execute(
                f"INSERT INTO {RAW_TABLES[validated.source]} ({', '.join(columns)}) "
                f"SELECT {', '.join(columns)} FROM incoming_rows"
            )
            if os.environ.get(FAULT_ENV) == "kill_during_load":
                os._exit(3)  # a crash with the transaction open
            if os.environ.get(FAULT_ENV) == "raise_during_load":
                raise RuntimeError("injected fault during load")
            quarantine = validated.errors.join(validated.quarantine, on=ROW).select(
                pl.lit(delivery_id).alias("delivery_id"),
                pl.col(ROW).alias("row_number"),
                pl.col("column").alias("column_name"),
                "rule",
                "message",
                "raw_values",
            )
            con.register("incoming_quarantine", quarantine)
            con.execute("INSERT INTO quarantine SELECT * FROM incoming_quarantine")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("incoming_rows", "incoming_quarantine"):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)
    report.status = "loaded" if validated is not None else "refused"
    return report


def already_loaded(con: duckdb.DuckDBPyConnection | None, sha256: str) -> bool:
    if con is None:
        return False
    hit = scalar(
        con,
        "SELECT 1 FROM deliveries WHERE file_sha256 = ? AND status = 'loaded' LIMIT 1",
        [sha256],
    )
    return hit is not None


def ingest_file(
    con: duckdb.DuckDBPyConnection | None,
    path: Path,
    data: bytes | None = None,
    name: str | None = None,
    source: str | None = None,
    dry_run: bool = False,
) -> FileReport:
    """Check one file and, unless dry_run or already loaded, store it."""
    checked = check_file(path, data=data, name=name, source=source)
    return _store_checked(con, checked, path, data, dry_run)


def _store_checked(
    con: duckdb.DuckDBPyConnection | None,
    checked: tuple[FileReport, RawExport | None, Validated | None],
    path: Path,
    data: bytes | None,
    dry_run: bool,
) -> FileReport:
    report, raw, validated = checked
    sha256 = raw.sha256 if raw is not None else _sha256(path, data)
    if report.status == "valid" and already_loaded(con, sha256):
        report.status = "unchanged"
        return report
    if dry_run or con is None:
        return report
    return store(con, report, sha256, raw, validated)


def _sha256(path: Path, data: bytes | None) -> str:
    import hashlib

    try:
        return hashlib.sha256(data if data is not None else path.read_bytes()).hexdigest()
    except OSError:
        return ""


def ingest_paths(
    con: duckdb.DuckDBPyConnection | None,
    paths: list[Path],
    source: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
    organisation: str | None = None,
) -> list[FileReport]:
    """Ingest every file; the schema is created first when storing. With `organisation`, a
    file with rows of another organisation is refused (check_file)."""
    if con is not None and not dry_run:
        ensure_schema(con)
    reports = []
    files = expand_paths(paths)
    # While one file is stored (DuckDB), the next is read and checked (Polars) in a second
    # thread: both release the GIL, so the two stages overlap on two cores. Files are still
    # stored one at a time, in order.
    with ThreadPoolExecutor(max_workers=1) as pool:
        upcoming = [
            pool.submit(check_file, path, source=source, organisation=organisation)
            for path in files[:1]
        ]
        for i, path in enumerate(files):
            if progress:
                progress(i, len(files), path.name)
            checked = upcoming.pop().result()
            if i + 1 < len(files):
                upcoming.append(
                    pool.submit(check_file, files[i + 1], source=source, organisation=organisation)
                )
            reports.append(_store_checked(con, checked, path, None, dry_run))
            if i == 0:
                _fault("ingest")  # test hook: a crash between two stored files
    if progress:
        progress(len(files), len(files), "")
    return reports
