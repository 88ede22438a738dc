"""The OData API (issue 34) started for real on a copy of the national demo, read as a
researcher would with CBS's own client (cbsodata4), and with plain HTTP for the errors, the
tokens, a new publication and many clients at once."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from basis.settings import ROOT
from cli.main import main
from people import appdb
from published import reader
from published.scope import Scope
from published.tables import comparison
from tests.conftest import PI_HEADER, copy_warehouse, pi_row, write_lines
from tests.support import free_port, wait_until_up

pytestmark = pytest.mark.slow


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def api(national_demo: dict, module_dir: Path) -> Iterator[dict]:
    root = module_dir
    store = copy_warehouse(national_demo["warehouse"], root / "warehouse.duckdb")
    engine = appdb.open_database(store)
    token_id, token = appdb.add_token(engine, "WODC onderzoeker", "os:test")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "api", "--warehouse", str(store),
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/odata/v1"
    wait_until_up(url, process)
    yield {"url": url, "store": store, "engine": engine, "token": token, "token_id": token_id,
           "root": root}  # fmt: skip
    process.terminate()
    _, errors = process.communicate(timeout=30)
    assert "Traceback" not in errors


def _fresh_client() -> object:
    import cbsodata4
    from cbsodata4 import datasets, httpx_client

    httpx_client.fetch_json.cache_clear()  # the client caches every answer per process
    datasets.get_datasets.cache_clear()
    return cbsodata4


def test_a_researcher_reads_it_with_cbsodata4(api: dict, tmp_path: Path) -> None:
    cbs = _fresh_client()
    base = api["url"]
    toc = cbs.get_datasets(catalog="TKM", base_url=base)
    assert {"recidive_per_cohort", "per_gemeente_per_jaar_recidive_2y"} <= set(toc["Identifier"])
    meta = cbs.get_metadata("recidive_per_cohort", catalog="TKM", base_url=base)
    assert meta.dimension_identifiers == ["Perioden"]
    assert meta.time_dimension_identifiers == ["Perioden"]
    assert meta.measurecode_mapping["pct_2y"] == "Recidive 2 jaar (%)" or "pct_2y" in (
        meta.measurecode_mapping
    )
    national = cbs.get_observations(
        "recidive_per_cohort", catalog="TKM", base_url=base, download_dir=tmp_path / "nl",
        Perioden=["2019JJ00", "2020JJ00"],
    )  # fmt: skip
    assert set(national["Perioden"]) == {"2019JJ00", "2020JJ00"}
    # The same numbers as the open-data export of the same publication.
    out = tmp_path / "export"
    assert main(["export", "--out", str(out), "--warehouse", str(api["store"])]) == 0
    exported = pl.read_csv(out / "recidive_per_cohort.csv")
    for year in (2019, 2020):
        row = exported.filter(pl.col("cohort_year") == year).row(0, named=True)
        got = national[national["Perioden"] == f"{year}JJ00"].set_index("Measure")["Value"]
        for measure in ("n_cohort", "n_reoffended_1y", "pct_1y", "n_reoffended_2y", "pct_2y"):
            assert got[measure] == pytest.approx(row[measure]), (year, measure)
    # Per municipality, with a token in the path (cbsodata4 sends no headers), filtered on
    # period and municipality: the dashboard's table function for the same scope.
    keyed = f"{base}/key/{api['token']}"
    amsterdam = cbs.get_observations(
        "per_gemeente_per_jaar_recidive_2y", catalog="TKM", base_url=keyed,
        download_dir=tmp_path / "gm", Perioden="2020JJ00", RegioS=["GM0363", "GM0193"],
    )  # fmt: skip
    reader.use_store(api["store"])
    try:
        with reader.one_publication():
            shown = comparison.trend(
                Scope(), 10, "gemeente_code", "recidive_2y",
                {"GM0363": ["GM0363"], "GM0193": ["GM0193"]},
            )  # fmt: skip
    finally:
        reader.release()
    frame = shown.frame.filter(pl.col("year") == 2020)
    for code in ("GM0363", "GM0193"):
        expected = frame.filter(pl.col("series") == code).row(0, named=True)
        got = amsterdam[amsterdam["RegioS"] == code].set_index("Measure")["Value"]
        assert got["n"] == expected["n"]
        assert got["rate"] == pytest.approx(expected["rate"])
    # No count from 1 to 9 in any dataset: those are suppressed, with their ValueAttribute.
    status, toc = _get(f"{base}/Datasets")
    small, attributes = [], set()
    for entry in toc["value"]:
        dataset = f"{base}/TKM/{entry['Identifier']}"
        _, measures = _get(f"{dataset}/MeasureCodes", api["token"])
        counts = [m["Identifier"] for m in measures["value"] if m["Unit"] == "aantal"]
        _, every = _get(f"{dataset}/Observations", api["token"])
        for o in every["value"]:
            if o["Measure"] in counts and o["Value"] is not None and 1 <= o["Value"] <= 9:
                small.append((entry["Identifier"], o["Measure"], o["Value"]))
            if o["Value"] is None and o["StringValue"] is None:
                attributes.add(o["ValueAttribute"])
    assert small == []
    assert attributes <= {
        "Suppressed", "SecondarySuppressed", "NotShown", "NotYetAvailable", "NotDelivered"
    }  # fmt: skip
    assert "Suppressed" in attributes  # the per-municipality series have small cells


def test_bad_requests_get_an_odata_error_never_a_traceback(api: dict) -> None:
    base = api["url"]
    status, body = _get(f"{base}/TKM/bestaat_niet/Observations")
    assert status == 404 and body["error"]["code"] == "DatasetNotFound"
    for bad in ("Perioden eq", "Perioden eq '2020JJ00' and", "Onbekend eq 'x'", "((("):
        status, body = _get(
            f"{base}/TKM/recidive_per_cohort/Observations?$filter=" + urllib.parse.quote(bad)
        )
        assert status == 400 and body["error"]["code"] == "InvalidFilter", bad
        assert "Traceback" not in json.dumps(body)
    status, body = _get(f"{base}/TKM/recidive_per_cohort/Observations?$top=veel")
    assert status == 400 and "error" in body
    status, body = _get(f"{base}/TKM/recidive_per_cohort/Observations?$select=Geheim")
    assert status == 400 and body["error"]["code"] == "InvalidSelect"


def test_tokens_guard_the_per_unit_datasets_and_their_use_is_audited(api: dict) -> None:
    base, engine = api["url"], api["engine"]
    per_unit = f"{base}/TKM/per_inrichting_per_jaar_recidive_2y/Observations?$top=1"
    status, body = _get(per_unit)
    assert status == 401 and body["error"]["code"] == "TokenRequired"
    status, _ = _get(per_unit, api["token"])
    assert status == 200
    status, _ = _get(f"{base}/key/{api['token']}/TKM/per_inrichting_per_jaar_recidive_2y")
    assert status == 200
    # A revoked token is refused at once.
    other_id, other = appdb.add_token(engine, "tijdelijk", "os:test")
    assert _get(per_unit, other)[0] == 200
    assert appdb.revoke_token(engine, other_id, "os:test")
    status, body = _get(per_unit, other)
    assert status == 401 and body["error"]["code"] == "InvalidToken"
    # The national datasets need no token; a made-up token is refused, not ignored.
    assert _get(f"{base}/TKM/recidive_per_cohort/Observations?$top=1")[0] == 200
    assert _get(f"{base}/TKM/recidive_per_cohort", "tkm_verzonnen")[0] == 401
    # In the audit trail per token and day, not per request.
    used = [a for a in appdb.audit_trail(engine) if a["action"] == "api_token_used"]
    assert sorted(a["actor"] for a in used) == ["token:WODC onderzoeker", "token:tijdelijk"]
    tokens = {t["token_id"]: t for t in appdb.list_tokens(engine)}
    assert tokens[api["token_id"]]["calls"] >= 1


def test_a_new_publication_is_served_without_a_restart(api: dict, tmp_path: Path) -> None:
    base = api["url"]
    status, before = _get(f"{base}/Datasets")
    assert status == 200
    modified = before["value"][0]["Modified"]
    rows = [pi_row(pseudoniem=f"APIPERSOON{i:04d}", instroom="01-02-2024",
                   uitstroom="15-03-2024", export="15-01-2025") for i in range(15)]  # fmt: skip
    export = write_lines(tmp_path / "nieuw.csv", [PI_HEADER, *rows])
    assert main(["ingest", "--warehouse", str(api["store"]), str(export)]) == 0
    status, after = _get(f"{base}/Datasets")
    assert status == 200 and after["value"][0]["Modified"] != modified


def test_twenty_clients_for_thirty_seconds_get_no_error(api: dict) -> None:
    engine = api["engine"]
    tokens = [appdb.add_token(engine, f"client {i}", "os:test")[1] for i in range(20)]
    urls = [
        f"{api['url']}/TKM/recidive_per_cohort/Observations?$filter="
        + urllib.parse.quote("Perioden eq '2020JJ00'"),
        f"{api['url']}/TKM/per_gemeente_per_jaar_recidive_2y/Observations?$filter="
        + urllib.parse.quote("RegioS eq 'GM0363'"),
        f"{api['url']}/TKM/uitstroom_per_jaar/MeasureCodes",
    ]
    deadline = time.monotonic() + 30

    def client(i: int) -> tuple[int, list[int]]:
        done, failed = 0, []
        while time.monotonic() < deadline:
            status, _ = _get(urls[done % len(urls)], tokens[i])
            done += 1
            if status != 200:
                failed.append(status)
        return done, failed

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        results = list(pool.map(client, range(20)))
    assert sum(done for done, _ in results) > 100
    assert [f for _, failed in results for f in failed] == []


def test_the_api_reads_no_store_and_holds_no_person(api: dict) -> None:
    """Every observation of every national dataset: no pseudonym-like text anywhere."""
    status, toc = _get(f"{api['url']}/Datasets")
    assert status == 200
    for entry in toc["value"][:10]:
        if entry["Access"] != "public":
            continue
        status, body = _get(f"{api['url']}/TKM/{entry['Identifier']}/Observations")
        assert status == 200
        text = json.dumps(body)
        assert "PERSOON" not in text and "pseudoniem" not in text
