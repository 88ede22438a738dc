"""Storage: lineage, quarantine, re-deliveries, idempotence and atomicity."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main
from store.build import build
from store.ingest import FAULT_ENV, ingest_paths
from store.warehouse import connect
from tests.conftest import PI_HEADER, pi_row, write_lines


def _counts(warehouse: Path) -> tuple:
    con = connect(warehouse, read_only=True)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("deliveries", "raw_pi_episodes", "quarantine")
        )
    finally:
        con.close()


def test_rows_know_their_delivery_and_bad_rows_wait_in_quarantine(
    tmp_path: Path, warehouse: Path
) -> None:
    path = write_lines(
        tmp_path / "zwolle.csv",
        [PI_HEADER, pi_row(), pi_row(pseudoniem="PERSOON0002", geslacht="Man")],
    )
    con = connect(warehouse)
    [report] = ingest_paths(con, [path])
    assert (report.status, report.rows_loaded, report.rows_quarantined) == ("loaded", 1, 1)
    delivery = con.execute(
        "SELECT file_name, source, supplier, delivery_date::VARCHAR, length(file_sha256), status "
        "FROM deliveries"
    ).fetchall()
    assert delivery == [("zwolle.csv", "pi", "zwolle", "2025-01-15", 64, "loaded")]
    assert con.execute(
        "SELECT delivery_id, row_number, inrichting FROM raw_pi_episodes"
    ).fetchall() == [(1, 2, "zwolle")]
    [(row, column, rule, raw)] = con.execute(
        "SELECT row_number, column_name, rule, raw_values FROM current_quarantine"
    ).fetchall()
    assert (row, column, rule) == (3, "geslacht", "invalid_code")
    assert json.loads(raw)["geslacht"] == "Man"
    con.close()


def test_the_same_file_twice_changes_nothing(tmp_path: Path, warehouse: Path) -> None:
    path = write_lines(tmp_path / "a.csv", [PI_HEADER, pi_row()])
    con = connect(warehouse)
    ingest_paths(con, [path])
    [again] = ingest_paths(con, [path])
    con.close()
    assert again.status == "unchanged"
    assert _counts(warehouse) == (1, 1, 0)


def test_a_later_delivery_replaces_the_row_and_supersedes_the_quarantine(
    tmp_path: Path, warehouse: Path
) -> None:
    first = write_lines(
        tmp_path / "jan.csv",
        [
            PI_HEADER,
            pi_row(uitstroom="15-03-2021"),
            pi_row(pseudoniem="PERSOON0002", geslacht="?"),
        ],
    )
    # The corrected delivery has an earlier file name but a later export date: it wins.
    second = write_lines(
        tmp_path / "feb.csv",
        [
            PI_HEADER,
            pi_row(uitstroom="20-03-2021", export="15-02-2025"),
            pi_row(pseudoniem="PERSOON0002", export="15-02-2025"),
        ],
    )
    con = connect(warehouse)
    ingest_paths(con, [first])
    assert con.execute("SELECT count(*) FROM current_quarantine").fetchall() == [(1,)]
    ingest_paths(con, [second])
    build(con)
    rows = con.execute(
        "SELECT pseudoniem, release_date::VARCHAR FROM stg_pi_episodes ORDER BY 1"
    ).fetchall()
    assert rows == [("PERSOON0001", "2021-03-20"), ("PERSOON0002", "2021-03-15")]
    assert con.execute("SELECT count(*) FROM current_quarantine").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(1,)]  # history kept
    con.close()


def test_a_pi_cannot_re_deliver_another_pis_episode(tmp_path: Path, warehouse: Path) -> None:
    """Finding 6 of issue 31 as it was done: a file checked for organisation zwolle that
    re-delivers an Arnhem episode under zwolle with a later export date. Refused into
    quarantine; both PIs' outflow stays as it was."""
    arnhem = write_lines(
        tmp_path / "arnhem.csv",
        [
            PI_HEADER,
            *(pi_row(pseudoniem=f"ARNHEM{i:04d}", inrichting="PI Arnhem") for i in range(3)),
        ],
    )
    zwolle = write_lines(tmp_path / "zwolle.csv", [PI_HEADER, pi_row(pseudoniem="ZWOLLE0001")])
    con = connect(warehouse)
    ingest_paths(con, [arnhem, zwolle])
    build(con)
    outflow = "SELECT pi_code, count(*) FROM stg_pi_episodes GROUP BY 1 ORDER BY 1"
    before = con.execute(outflow).fetchall()
    assert before == [("arnhem", 3), ("zwolle", 1)]
    takeover = write_lines(
        tmp_path / "zwolle-feb.csv",
        [
            PI_HEADER,
            pi_row(pseudoniem="ARNHEM0000", export="15-02-2025"),  # Arnhem's, now "zwolle"
            pi_row(pseudoniem="ZWOLLE0002", export="15-02-2025"),  # zwolle's own, new
        ],
    )
    [report] = ingest_paths(con, [takeover], organisation="zwolle")
    build(con)
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert report.error_counts == {"key_of_other_supplier": 1}
    assert con.execute(outflow).fetchall() == [("arnhem", 3), ("zwolle", 2)]
    held = con.execute(
        "SELECT rule, column_name, json_extract_string(raw_values, '$.pseudoniem') "
        "FROM current_quarantine"
    ).fetchall()
    assert held == [("key_of_other_supplier", "inrichting", "ARNHEM0000")]
    # Arnhem itself may still re-deliver its episode.
    again = write_lines(
        tmp_path / "arnhem-feb.csv",
        [PI_HEADER, pi_row(pseudoniem="ARNHEM0000", inrichting="PI Arnhem", export="15-02-2025")],
    )
    [own] = ingest_paths(con, [again])
    assert (own.rows_loaded, own.rows_quarantined) == (1, 0)
    con.close()


def test_an_earlier_export_loaded_later_does_not_win(tmp_path: Path, warehouse: Path) -> None:
    late = write_lines(
        tmp_path / "a.csv", [PI_HEADER, pi_row(uitstroom="20-03-2021", export="15-02-2025")]
    )
    early = write_lines(tmp_path / "b.csv", [PI_HEADER, pi_row(uitstroom="15-03-2021")])
    con = connect(warehouse)
    ingest_paths(con, [late])
    ingest_paths(con, [early])
    build(con)
    assert con.execute("SELECT release_date::VARCHAR FROM stg_pi_episodes").fetchall() == [
        ("2021-03-20",)
    ]
    con.close()


def test_a_failure_during_a_load_leaves_the_warehouse_as_before(
    tmp_path: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(warehouse)
    ingest_paths(con, [write_lines(tmp_path / "a.csv", [PI_HEADER, pi_row()])])
    con.close()
    before = _counts(warehouse)
    monkeypatch.setenv(FAULT_ENV, "raise_during_load")
    con = connect(warehouse)
    with pytest.raises(RuntimeError, match="injected"):
        ingest_paths(
            con, [write_lines(tmp_path / "b.csv", [PI_HEADER, pi_row(pseudoniem="PERSOON0002")])]
        )
    con.close()
    assert _counts(warehouse) == before


def test_a_process_killed_during_a_load_leaves_the_warehouse_as_before(
    tmp_path: Path, warehouse: Path
) -> None:
    con = connect(warehouse)
    ingest_paths(con, [write_lines(tmp_path / "a.csv", [PI_HEADER, pi_row()])])
    con.close()
    before = _counts(warehouse)
    rows = [pi_row(pseudoniem=f"PERSOON{i:04d}") for i in range(2, 500)]
    path = write_lines(tmp_path / "b.csv", [PI_HEADER, *rows])
    env = {**os.environ, FAULT_ENV: "kill_during_load"}
    code = "import sys; from cli.main import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(path), "--warehouse", str(warehouse)],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 3  # the process died with the transaction open
    assert _counts(warehouse) == before


def test_cli_json_report_and_exit_codes(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture
) -> None:
    good = write_lines(tmp_path / "good.csv", [PI_HEADER + ";extra", pi_row() + ";x"])
    bad = write_lines(tmp_path / "bad.csv", [PI_HEADER + ";postcode", pi_row() + ";1234AB"])
    assert main(["ingest", str(good), "--warehouse", str(warehouse), "--json"]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert set(report) == {
        "file",
        "source",
        "status",
        "rows_read",
        "rows_loaded",
        "rows_quarantined",
        "rows_duplicate",
        "ignored_columns",
        "errors",
        "error_counts",
    }
    assert report["ignored_columns"] == ["extra"]
    assert main(["ingest", str(bad), str(good), "--warehouse", str(warehouse), "--json"]) == 2
    refused, unchanged = json.loads(capsys.readouterr().out)
    assert refused["status"] == "refused" and "postcode" in refused["reason"]
    assert unchanged["status"] == "unchanged"


def test_dry_run_stores_nothing(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture
) -> None:
    good = write_lines(tmp_path / "good.csv", [PI_HEADER, pi_row()])
    assert main(["ingest", str(good), "--warehouse", str(warehouse), "--dry-run"]) == 0
    assert "nothing stored" in capsys.readouterr().out
    assert not warehouse.exists()


def test_cli_says_plainly_when_a_path_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["ingest", str(tmp_path / "nope.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
