"""No input can crash the ingest (issue 17, first part): damaged and random bytes in every
accepted form — bit flips, truncation, NUL bytes, stray quotes, other delimiters, huge cells,
random bytes — give a report, never an exception, and a refused file stores nothing."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.ingest import check_file, ingest_paths
from store.warehouse import RAW_TABLES, connect
from tests.conftest import PI_HEADER, pi_row

ROWS = [pi_row(pseudoniem=f"PERSOON{i:06d}") for i in range(20)]
CSV = ("\n".join([PI_HEADER, *ROWS]) + "\n").encode("utf-8")


def _frame() -> pl.DataFrame:
    return pl.read_csv(io.BytesIO(CSV), separator=";", infer_schema=False)


def _parquet() -> bytes:
    buffer = io.BytesIO()
    _frame().write_parquet(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    _frame().write_excel(buffer)
    return buffer.getvalue()


PARQUET, XLSX = _parquet(), _xlsx()
VALID = {".csv": CSV, ".txt": CSV, ".parquet": PARQUET, ".pq": PARQUET, ".xlsx": XLSX,
         ".xlsm": XLSX}  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(list(VALID)))
    data = bytearray(VALID[suffix])
    kind = draw(st.sampled_from(["flip", "truncate", "nul", "quote", "delimiter", "huge",
                                 "random", "splice"]))  # fmt: skip
    if kind == "random":
        return suffix, draw(st.binary(min_size=0, max_size=2048))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
            break
        elif kind == "nul":
            data[at:at] = b"\x00" * draw(st.integers(1, 16))
        elif kind == "quote":
            data[at:at] = b'"'
        elif kind == "delimiter":
            data = bytearray(bytes(data).replace(b";", draw(st.sampled_from([b",", b"\t", b"|"]))))
            break
        elif kind == "huge":
            data[at:at] = b"x" * draw(st.integers(10_000, 200_000))
        elif kind == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return suffix, bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=damaged())
def test_any_damaged_file_gives_a_report_never_an_exception(case: tuple[str, bytes]) -> None:
    suffix, data = case
    report, _, _ = check_file(Path(f"levering{suffix}"), data=data, name=f"levering{suffix}")
    assert report.status in ("valid", "refused")
    if report.status == "refused":
        assert report.reason


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=damaged())
def test_a_refused_damaged_file_stores_nothing(case: tuple[str, bytes], tmp_path: Path) -> None:
    suffix, data = case
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / f"levering{suffix}"
    path.write_bytes(data)
    store = folder / "store.duckdb"
    con = connect(store)
    try:
        (report,) = ingest_paths(con, [path])
        rows = sum(
            con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in RAW_TABLES.values()
        )
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    finally:
        con.close()
    if report.status == "refused":
        assert rows == 0 and quarantined == 0
    else:
        assert report.status == "loaded"
        assert rows == report.rows_loaded


def test_a_parquet_file_that_made_polars_panic_is_refused() -> None:
    """The case the issue found, and its kin: a Parquet file whose footer is intact but whose
    bytes inside are damaged."""
    data = bytearray(VALID[".parquet"])
    for at in range(8, len(data) - 8, max(1, len(data) // 200)):
        damaged_copy = bytearray(data)
        damaged_copy[at] ^= 0xFF
        report, _, _ = check_file(Path("x.parquet"), data=bytes(damaged_copy), name="x.parquet")
        assert report.status in ("valid", "refused")
