"""The upload page's work: Dutch refusal reasons, the check, and loading through ingest."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import texts
from dashboard.upload import check_upload, dutch_reason, load_files
from published import labels
from store.ingest import FileReport
from tests.conftest import PI_HEADER, pi_row


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _parquet_with(column: str) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame({"pseudoniem": ["A"], column: ["x"]}).write_parquet(buffer)
    return buffer.getvalue()


REFUSED = [
    ("leeg.csv", b"", "leeg"),
    ("kop.csv", b"pseudoniem;inrichting\n", "geen rijen"),
    ("binair.csv", b"\x00\x01binary\x00", "binair"),
    ("nep.xlsx", b"pseudoniem;x\nA;B\n", "geen Excel-werkmap"),
    ("nep.parquet", b"PAR1 kapot", "Parquet"),
    ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
    ("scheef.csv", b"a;b\n1;2;3;4\n", "meer velden"),
    ("codering.csv", b"\x81\x8d\x8f\x90\x9d;x\n", "UTF-8"),
    ("vreemd.csv", b"kolom_a;kolom_b\n1;2\n", "past bij geen enkele soort"),
    ("bsn.csv", _csv([PI_HEADER.replace("pseudoniem", "bsn"), pi_row()]), "privacy"),
    ("bsn2.csv", _csv([PI_HEADER, pi_row(pseudoniem="111222333")]), "geldig BSN"),
    (
        "datum.csv",
        _csv([PI_HEADER, pi_row(), pi_row(pseudoniem="PERSOON0002", export="16-01-2025")]),
        "moet op elke rij gelijk zijn",
    ),
]


@pytest.mark.parametrize(("name", "data", "says"), REFUSED)
def test_every_refusal_reads_in_dutch(name: str, data: bytes, says: str) -> None:
    checked = check_upload(name, data, None)
    assert checked.report.status == "refused"
    reason = dutch_reason(checked.report)
    assert says in reason, (checked.report.reason, reason)
    assert reason != texts.REFUSAL_FALLBACK
    assert checked.data == b""  # a refused file's bytes are not kept


def test_an_unknown_reason_gets_the_general_dutch_sentence() -> None:
    unknown = FileReport(file="x.csv", source=None, status="refused", reason_code="new")
    assert dutch_reason(unknown) == texts.REFUSAL_FALLBACK


def test_every_refusal_code_has_its_dutch_sentence_with_the_same_parameters() -> None:
    import string

    from intake.refusals import MESSAGES

    assert set(labels.REFUSALS) == set(MESSAGES)
    for code, english in MESSAGES.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        dutch = {f for _, f, _, _ in string.Formatter().parse(labels.REFUSALS[code]) if f}
        assert dutch == fields, code


def test_the_privacy_refusal_names_the_column_not_the_value() -> None:
    checked = check_upload("bsn2.csv", _csv([PI_HEADER, pi_row(pseudoniem="111222333")]), None)
    reason = dutch_reason(checked.report)
    assert "pseudoniem" in reason and "111222333" not in reason


def test_a_checked_file_loads_through_ingest_and_the_figures_follow(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    good = _csv(
        [
            PI_HEADER,
            *(pi_row(pseudoniem=f"PERSOON{i:04d}") for i in range(12)),
            pi_row(pseudoniem="PERSOON9999", geslacht="Man"),  # quarantined: not a code
        ]
    )
    checked = check_upload("zwolle.csv", good, None)
    report = checked.report
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("valid", 12, 1)
    assert report.errors == [
        {
            "row": 14,
            "column": "geslacht",
            "rule": "invalid_code",
            "message": report.errors[0]["message"],
        }
    ]
    before = set(Path(tempfile.gettempdir()).glob("terugkeer-upload-*"))
    result = load_files([checked], warehouse, None)
    assert result.ok, result.detail
    assert [r["status"] for r in result.reports] == ["loaded"]
    # The temporary copy is gone, and ingest built the marts: 12 releases in 2021 from Zwolle.
    assert set(Path(tempfile.gettempdir()).glob("terugkeer-upload-*")) == before
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute(
            "SELECT release_year, pi_code, sum(n_releases)::INT FROM mart_outflow GROUP BY ALL"
        ).fetchall() == [(2021, "zwolle", 12)]
    finally:
        con.close()
    # Loading the same bytes again changes nothing.
    again = load_files([checked], warehouse, None)
    assert [r["status"] for r in again.reports] == ["unchanged"]


def test_a_busy_warehouse_is_reported_as_busy(tmp_path: Path) -> None:
    from store.publish import writer_lock

    warehouse = tmp_path / "w.duckdb"
    checked = check_upload("a.csv", _csv([PI_HEADER, pi_row()]), None)
    with writer_lock(warehouse, what="ingest"):  # another load holds the store
        result = load_files([checked], warehouse, None, wait_seconds=1)
    assert not result.ok and result.busy


def test_a_refusal_in_the_delivery_log_reads_in_dutch(tmp_path: Path) -> None:
    from published import reader
    from published.tables import quality
    from store.build import build
    from store.ingest import ingest_paths
    from store.warehouse import connect

    good = tmp_path / "pi.csv"
    good.write_bytes(_csv([PI_HEADER, pi_row()]))
    empty = tmp_path / "leeg.csv"
    empty.write_bytes(b"")
    store = tmp_path / "store.duckdb"
    con = connect(store)
    reports = ingest_paths(con, [good, empty])
    build(con)
    con.close()
    assert [(r.status, r.reason_code) for r in reports] == [("loaded", None), ("refused", "empty")]
    reader.use_store(store)
    try:
        log = quality.delivery_log()
    finally:
        reader.release()
    reasons = dict(zip(log["file_name"], log["reason"], strict=True))
    assert reasons["leeg.csv"] == "het bestand is leeg"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def test_a_parquet_bomb_is_refused_from_its_metadata_unread() -> None:
    """Finding 5 of issue 31: a small Parquet file that expands to millions of rows (here 6
    million, in a few kilobytes) is refused before it is read; memory stays where it was."""
    buffer = io.BytesIO()
    pl.DataFrame({"pseudoniem": pl.repeat("P", 6_000_000, eager=True)}).write_parquet(buffer)
    bomb = buffer.getvalue()
    assert len(bomb) < 100_000
    before = _rss_mb()
    checked = check_upload("bom.parquet", bomb, None)
    assert _rss_mb() - before < 50
    assert checked.report.status == "refused"
    assert checked.report.reason_code == "too_large"
    assert checked.data == b""
    assert "6,000,000 rows" in checked.report.reason
    assert "uitgepakt" in dutch_reason(checked.report)


def test_an_xlsx_that_unpacks_past_the_limit_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for row in range(20_000):  # about 1.5 MB once unpacked
        sheet.write_row(row, 0, ["PERSOON", "PI Zwolle", "2021-01-01", "x" * 50])
    book.close()
    monkeypatch.setenv("TERUGKEER_UPLOAD_MAX_MB", "1")  # the setting (terugkeer.toml)
    checked = check_upload("groot.xlsx", buffer.getvalue(), None)
    assert (checked.report.status, checked.report.reason_code) == ("refused", "too_large")


def test_a_file_that_passes_the_metadata_but_not_the_childs_limits_takes_only_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check runs in a child with a memory limit: the bomb (with the metadata limits
    lifted) exhausts the child, the dashboard's memory stays where it was."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    chunk = pa.table({"pseudoniem": pa.array(["P" * 30] * 1_000_000)})
    with pq.ParquetWriter(buffer, chunk.schema) as writer:
        for _ in range(40):  # 40 million rows, 1.2 GB of text once read, in a small file
            writer.write_table(chunk)
    del chunk
    monkeypatch.setenv("TERUGKEER_UPLOAD_MAX_ROWS", str(10**9))
    monkeypatch.setenv("TERUGKEER_UPLOAD_MAX_MB", str(10**6))
    monkeypatch.setattr("dashboard.upload.CHECK_MAX_MEMORY_BYTES", 1400 << 20)
    before = _rss_mb()
    checked = check_upload("bom.parquet", buffer.getvalue(), None)
    assert _rss_mb() - before < 50
    assert (checked.report.status, checked.report.reason_code) == ("refused", "check_limits")
    assert checked.data == b""
    assert "geheugen" in dutch_reason(checked.report)
