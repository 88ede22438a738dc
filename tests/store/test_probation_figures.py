"""The reclassering figures of meetregels Proces on a hand-made fixture (issue 21): the
30-day edge of onder toezicht, a supervision ending on the release day, the reclassering at
the TBO (running on the TBO date), the coverage months and the success factor."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store.build import build
from store.ingest import ingest_paths
from store.warehouse import connect
from tests.conftest import PI_HEADER, pi_row, write_lines
from tests.store.test_reclassering import HEADER as PROBATION_HEADER
from tests.store.test_reclassering import row as probation_row

# Releases (all from PI Zwolle to Zwolle, admitted 1 February 2021):
RELEASES = {
    "EDGE30DAYS": ("15-03-2021", ""),  # supervision starts on release + 30 days: counts
    "EDGE31DAYS": ("15-03-2021", ""),  # starts on release + 31 days: does not
    "ENDEDBEFORE": ("15-03-2021", ""),  # supervision ended the day before release: not
    "ENDSONDAY": ("15-03-2021", ""),  # supervision ends on the release day: counts
    "TBORUNNING": ("20-04-2021", "05-02-2021"),  # advice at the TBO ends on the TBO date
    "TBOLATER": ("20-04-2021", "05-02-2021"),  # advice starts the day after the TBO
    "LASTCOVERED": ("31-05-2021", ""),  # May: covered (all three delivered after it)
    "NOTCOVERED": ("01-06-2021", "05-02-2021"),  # June: not covered
}
SUPERVISIONS = [
    ("EDGE30DAYS", "rn", "2021-04-14", ""),
    ("EDGE31DAYS", "rn", "2021-04-15", ""),
    ("ENDEDBEFORE", "svg", "2020-06-01", "2021-03-14"),
    ("ENDSONDAY", "ldh", "2020-06-01", "2021-03-15"),
    ("LASTCOVERED", "rn", "2021-05-31", ""),
    ("NOTCOVERED", "rn", "2021-06-01", ""),
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    pis = [
        pi_row(pseudoniem=p, instroom="01-02-2021", uitstroom=out) + f";{tbo}"
        for p, (out, tbo) in RELEASES.items()
    ]
    files = [write_lines(tmp_path / "pi.csv", [PI_HEADER + ";tbo_datum", *pis])]
    rows = {"rn": [], "svg": [], "ldh": []}
    for pseudoniem, org, start, end in SUPERVISIONS:
        ending = "regulier" if end else ""
        rows[org].append(probation_row(pseudoniem, org, "toezicht", "vi", start, end, ending, ""))
    rows["svg"] += [
        probation_row("TBORUNNING", "svg", "advies", "", "2021-02-01", "2021-02-05", "", "ja"),
        probation_row("TBOLATER", "svg", "advies", "", "2021-02-06", "2021-03-01", "", "ja"),
        probation_row("NOTCOVERED", "svg", "advies", "", "2021-02-01", "2021-02-05", "", "ja"),
    ]
    # The latest exports: rn 30 June, svg 31 July, ldh 1 June 2021 -> covered until 1 June:
    # months whose last day lies before it, i.e. up to May 2021.
    exported = {"rn": "2021-06-30", "svg": "2021-07-31", "ldh": "2021-06-01"}
    for org, lines in rows.items():
        lines = [line.rsplit(";", 1)[0] + f";{exported[org]}" for line in lines]
        files.append(write_lines(tmp_path / f"{org}.csv", [PROBATION_HEADER, *lines]))
    path = tmp_path / "store.duckdb"
    con = connect(path)
    reports = ingest_paths(con, files)
    assert [r.status for r in reports] == ["loaded"] * 4, [r.reason for r in reports]
    assert all(r.rows_quarantined == 0 for r in reports), [r.errors for r in reports]
    build(con)
    con.close()
    return path


def test_each_release_by_hand(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    rows = con.execute(
        "SELECT r.pseudoniem, p.covered, p.supervised, p.probation_at_tbo "
        "FROM core_releases AS r JOIN core_release_probation AS p USING (release_id)"
    ).fetchall()
    con.close()
    got = {name: (covered, supervised, at_tbo) for name, covered, supervised, at_tbo in rows}
    assert got == {
        "EDGE30DAYS": (True, True, False),
        "EDGE31DAYS": (True, False, False),
        "ENDEDBEFORE": (True, False, False),
        "ENDSONDAY": (True, True, False),
        "TBORUNNING": (True, False, True),
        "TBOLATER": (True, False, False),
        "LASTCOVERED": (True, True, False),
        "NOTCOVERED": (False, True, True),
    }


def test_the_published_figures_of_2021(store: Path) -> None:
    """2021: 7 covered releases (NOTCOVERED is June), 3 under supervision (3/7 = 42.9%), all
    under vi; covered releases with a TBO date: 2, of which 1 with the probation service at
    the TBO (50%); endings: 2 supervisions ended, both regulier (2021-03-14 and 2021-03-15)."""
    from published import reader
    from published.scope import Scope
    from published.tables import factors

    reader.use_store(store)
    try:
        table = factors.supervision_by_frame(Scope(), threshold=1)
        row = table.frame.filter(year=2021).row(0, named=True)
        assert (row["n_covered"], row["n_supervised"], row["pct_supervised"]) == (7, 3, 42.9)
        assert row["n_supervised_vi"] == 3 and row["n_supervised_schorsing"] == 0
        process = factors.process_by_pi(Scope(), 1, {"zwolle": "PI Zwolle"})
        by_label = {r["label"]: r for r in process.frame.iter_rows(named=True)}
        assert (by_label["Reclassering bij TBO"]["k"], by_label["Reclassering bij TBO"]["n"]) == (
            1,
            2,
        )
        assert by_label["Reclassering bij TBO"]["pct"] == 50.0
        endings = factors.supervision_endings(1).frame.filter(year=2021).row(0, named=True)
        assert (endings["n_ended_known"], endings["n_ended_regular"]) == (2, 2)
    finally:
        reader.release()


def test_outside_the_coverage_the_figures_read_niet_geleverd(tmp_path: Path) -> None:
    """Without an export of all three organisations nothing is covered: the figures of every
    year read 'niet geleverd', not 0%."""
    from published import labels, reader
    from published.scope import Scope
    from published.tables import factors

    pis = [pi_row(pseudoniem="PERSOON0001", instroom="01-02-2021", uitstroom="15-03-2021")]
    files = [
        write_lines(tmp_path / "pi.csv", [PI_HEADER, *pis]),
        write_lines(tmp_path / "rn.csv", [PROBATION_HEADER, probation_row(eind="", afloop="")]),
    ]
    path = tmp_path / "store.duckdb"
    con = connect(path)
    ingest_paths(con, files)
    build(con)
    con.close()
    reader.use_store(path)
    try:
        table = factors.supervision_by_frame(Scope(), threshold=1)
        assert table.frame.height == 1
        assert table.mark("n_covered", 0) == labels.NOT_DELIVERED
        assert table.mark("pct_supervised", 0) == labels.NOT_DELIVERED
    finally:
        reader.release()
