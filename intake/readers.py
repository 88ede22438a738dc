"""Read an export file (CSV, XLSX, Parquet) into a text frame with canonical column names.

Every reader returns the same shape: all columns as text, trimmed, empty cells null, entirely
empty rows dropped, and a `_row` column with the row number a user sees in the file (header =
row 1). Errors never quote the file's contents: a refused file leaves no trace of its values.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from basis.contract import CANONICAL_BY_FOLDED, fold_header
from intake.refusals import Refusal

ROW = "_row"


class UnreadableFile(Refusal):
    """The file cannot be read as an export; the message is safe to show (no values)."""


@dataclass
class RawExport:
    name: str
    sha256: str
    form: str  # csv, xlsx, parquet
    frame: pl.DataFrame  # text columns: canonical names, extras under their own name, _row
    headers: dict[str, str]  # column in frame -> header as written in the file
    extra_columns: list[str] = field(default_factory=list)  # as written in the file


def read_export(path: Path | str, data: bytes | None = None, name: str | None = None) -> RawExport:
    """Read a file from disk, or `data` (an upload) under `name`."""
    path = Path(path)
    name = name or path.name
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFile("cannot_open", error=exc.strerror) from None
    if not data.strip():
        raise UnreadableFile("empty")
    form = _detect_form(name, data)
    try:
        frame = {"csv": _read_csv, "xlsx": _read_xlsx, "parquet": _read_parquet}[form](data)
        frame, headers, extras = _canonical_columns(frame)
        frame = _clean(frame)
    except UnreadableFile:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001
        # Any failure of a reading library is a refusal, Rust panics of Polars and fastexcel
        # too (they derive from BaseException). A library's message may quote values: only
        # the kind of failure is named.
        raise UnreadableFile(
            "unreadable_form", form=form.upper(), error=type(exc).__name__
        ) from None
    if frame.height == 0:
        raise UnreadableFile("no_rows")
    return RawExport(name, hashlib.sha256(data).hexdigest(), form, frame, headers, extras)


def _detect_form(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    is_parquet = data[:4] == b"PAR1"
    if suffix in (".xlsx", ".xlsm"):
        if not is_zip:
            raise UnreadableFile("not_xlsx")
        return "xlsx"
    if suffix in (".parquet", ".pq"):
        if not is_parquet or data[-4:] != b"PAR1":
            raise UnreadableFile("not_parquet")
        return "parquet"
    if is_zip:
        return "xlsx"
    if is_parquet:
        return "parquet"
    if suffix == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("xls")
    if b"\x00" in data[:4096]:
        raise UnreadableFile("binary")
    return "csv"


def _utf8(data: bytes) -> bytes:
    """UTF-8 (with or without BOM), else Windows-1252, as the contract allows; as UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile("encoding") from None


def _read_csv(data: bytes) -> pl.DataFrame:
    data = _utf8(data)
    if b"\x00" in data:
        raise UnreadableFile("binary")
    header = data.split(b"\n", 1)[0]
    separator = ";" if header.count(b";") > header.count(b",") else ","
    try:
        frame = pl.read_csv(
            io.BytesIO(data),
            separator=separator,
            quote_char='"',
            infer_schema=False,
            has_header=True,
            raise_if_empty=True,
        )
    except pl.exceptions.NoDataError:
        raise UnreadableFile("empty") from None
    except pl.exceptions.ComputeError:
        raise UnreadableFile("csv_shape") from None
    # Only a quoted field can hold a line break.
    return _with_row_numbers(frame, may_span_lines=b'"' in data)


def _with_row_numbers(frame: pl.DataFrame, may_span_lines: bool = True) -> pl.DataFrame:
    """Row numbers as the user's editor shows them: a quoted field with a line break
    makes its record span several lines."""
    breaks = (
        pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in frame.columns])
        if frame.width and may_span_lines
        else pl.lit(0)
    )
    return frame.with_columns(
        (
            pl.int_range(pl.len(), dtype=pl.Int64) + 2 + breaks.cum_sum().shift(1, fill_value=0)
        ).alias(ROW)
    )


def _read_xlsx(data: bytes) -> pl.DataFrame:
    import fastexcel

    reader = fastexcel.read_excel(data)
    names = reader.sheet_names
    if not names:
        raise UnreadableFile("no_sheets")
    sheet = next((n for n in names if n.strip().lower() == "export"), names[0])
    frame = reader.load_sheet(sheet, dtypes="string").to_polars()
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
    # A date cell reads as 'yyyy-mm-dd 00:00:00'; the time of day is not part of the contract.
    frame = frame.with_columns(
        pl.col(c).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$", "$1")
        for c in frame.columns
    )
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))


def _read_parquet(data: bytes) -> pl.DataFrame:
    frame = pl.read_parquet(io.BytesIO(data))
    casts = []
    for column, dtype in frame.schema.items():
        if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            casts.append(pl.col(column).dt.date().cast(pl.String))
        else:
            casts.append(pl.col(column).cast(pl.String))
    frame = frame.with_columns(casts)
    return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias(ROW))


def _canonical_columns(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str], list[str]]:
    """Rename recognised headers to their canonical names; keep the others as they are."""
    renames: dict[str, str] = {}
    headers: dict[str, str] = {}
    extras: list[str] = []
    seen: dict[str, str] = {}
    for column in frame.columns:
        if column == ROW:
            continue
        folded = fold_header(column)
        canonical = CANONICAL_BY_FOLDED.get(folded)
        target = canonical or column
        if folded in seen:
            raise UnreadableFile(
                "duplicate_columns", first=seen[folded], second=column, target=target
            )
        seen[folded] = column
        if not folded:
            target = f"_empty_header_{len(seen)}"
        renames[column] = target
        headers[target] = column.strip().lstrip("\ufeff")
        if canonical is None:
            extras.append(headers[target])
    return frame.rename(renames), headers, extras


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every cell, make empty cells null, and drop rows that are entirely empty."""
    columns = [c for c in frame.columns if c != ROW]
    if not columns:
        raise UnreadableFile("no_columns")
    # Most columns need neither: find those with a blank or padded cell in one cheap pass
    # (no new strings), and trim only those.
    untidy = frame.select(
        pl.col(c).str.contains(r"^\s|\s$|^$").any().alias(c) for c in columns
    ).row(0, named=True)
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in columns if untidy[c]
    )
    empty = pl.all_horizontal(pl.col(c).is_null() for c in columns)
    return frame.filter(~empty) if frame.select(empty.any()).item() else frame


def expansion(name: str, data: bytes) -> tuple[int | None, int]:
    """(rows, bytes) a file would hold once read, from its metadata alone: a Parquet file's
    row count and uncompressed size, an XLSX file's unpacked parts; a CSV is its own size.
    Raises UnreadableFile when the metadata cannot be read."""
    form = _detect_form(name, data)
    if form == "parquet":
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(io.BytesIO(data)).metadata
        except Exception:  # noqa: BLE001 -- any damage in the footer
            raise UnreadableFile("not_parquet") from None
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        return meta.num_rows, size
    if form == "xlsx":
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return None, sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UnreadableFile("not_xlsx") from None
    return None, len(data)
