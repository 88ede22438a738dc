"""Write simulated frames as exports in the forms real suppliers send.

Each PI gets one detentie-export in one of five forms (see PI_FORMS); municipalities that
deliver nazorg data get a CSV (a few an XLSX); the justice records come as one CSV. A share
`messy` of the rows breaks a row rule, and a few rows are exact duplicates, so that
validation and quarantine have work to do. Every file carries the column `synthetisch` = ja
and a name starting with `demo_`: the data say they are synthetic wherever they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from basis.contract import DATE_COLUMNS

SYNTHETIC_COLUMN = "synthetisch"

# File form per PI: csv_nl = Dutch Excel CSV (';', dd-mm-yyyy, BOM, spelled-out headers);
# csv_1252 = ';' in Windows-1252 with an extra free-text column; csv_iso = ',' yyyy-mm-dd;
# xlsx = a notes sheet and an 'export' sheet with real date cells; parquet = typed columns.
PI_FORMS: dict[str, str] = {
    "almelo": "parquet",
    "alphen": "csv_nl",
    "arnhem": "csv_iso",
    "dordrecht": "csv_nl",
    "grave": "csv_1252",
    "haaglanden": "csv_nl",
    "heerhugowaard": "parquet",
    "krimpen": "csv_nl",
    "leeuwarden": "csv_1252",
    "lelystad": "csv_iso",
    "middelburg": "xlsx",
    "nieuwegein": "csv_iso",
    "nieuwersluis": "xlsx",
    "roermond": "csv_1252",
    "rotterdam": "csv_nl",
    "sittard": "csv_1252",
    "ter_apel": "csv_iso",
    "ter_peel": "parquet",
    "veenhuizen": "csv_iso",
    "vught": "csv_nl",
    "zaanstad": "csv_nl",
    "zwaag": "csv_1252",
    "zwolle": "parquet",
}
NAZORG_XLSX = {"GM0344", "GM0193"}  # Utrecht and Zwolle send spreadsheets
# The probation organisations' forms (v1.1): Dutch Excel CSV, a spreadsheet, plain CSV.
PROBATION_FORMS = {"rn": "csv_nl", "svg": "xlsx", "ldh": "csv_iso"}


def display_header(column: str) -> str:
    """How a Dutch spreadsheet spells a canonical column: 'instroomdatum' -> 'Instroom datum'."""
    words = column.replace("id_bewijs", "ID_bewijs").replace("tbo_", "TBO_").split("_")
    for i, word in enumerate(words):
        for suffix in ("datum", "reden"):
            if word.endswith(suffix) and word != suffix:
                words[i] = f"{word[: -len(suffix)]} {suffix}"
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _as_text(df: pl.DataFrame, source: str, date_format: str) -> pl.DataFrame:
    dates = [c for c in DATE_COLUMNS[source] if c in df.columns]
    return df.with_columns(
        [pl.col(c).dt.strftime(date_format) for c in dates]
        + [pl.col(c).cast(pl.String) for c in df.columns if c not in dates]
    )


# Row corruptions per source kind: each breaks exactly one rule of the contract.
def _corruptions(source: str, date_format: str) -> list[Callable[[pl.DataFrame], pl.DataFrame]]:
    bad_date = "31-02-2021" if date_format[:2] == "%d" else "2021-02-31"
    if source == "pi":
        return [
            lambda d: d.with_columns(geslacht=pl.lit("Man")),
            lambda d: d.with_columns(instroomdatum=pl.lit(bad_date)),
            lambda d: d.with_columns(gemeente_code=pl.lit("GM9999")),
            lambda d: d.with_columns(uitstroomreden=pl.lit("ontslagen")),
            lambda d: d.with_columns(geboortejaar=pl.lit("1850")),
            lambda d: d.with_columns(onderdak_uitstroom=pl.lit("misschien")),
        ]
    if source == "gemeente":
        return [
            lambda d: d.with_columns(casemanager=pl.lit("soms")),
            lambda d: d.with_columns(melding_datum=pl.lit(bad_date)),
            lambda d: d.with_columns(zorg_3mnd=pl.lit("deels")),
        ]
    if source == "reclassering":
        return [
            lambda d: d.with_columns(soort=pl.lit("begeleiding")),
            lambda d: d.with_columns(startdatum=pl.lit(bad_date)),
            lambda d: d.with_columns(kader=pl.lit("tbs")),
        ]
    return [
        lambda d: d.with_columns(afdoening=pl.lit("geseponeerd")),
        lambda d: d.with_columns(delictgroep=pl.lit("fraude")),
        lambda d: d.with_columns(pleegdatum=pl.lit(bad_date)),
    ]


def _make_messy(
    df: pl.DataFrame, source: str, date_format: str, messy: float, rng: np.random.Generator
) -> pl.DataFrame:
    """Corrupt a share of the rows (text frame) and repeat a few rows exactly."""
    n = df.height
    if n == 0 or messy <= 0:
        return df
    corruptions = _corruptions(source, date_format)
    n_bad = int(rng.binomial(n, messy))
    bad_rows = rng.choice(n, n_bad, replace=False)
    kinds = rng.integers(0, len(corruptions), n_bad)
    df = df.with_row_index("_i")
    parts = [df.filter(~pl.col("_i").is_in(bad_rows.tolist()))]
    for k, fix in enumerate(corruptions):
        rows = bad_rows[kinds == k].tolist()
        if rows:
            parts.append(fix(df.filter(pl.col("_i").is_in(rows))))
    n_dup = int(rng.binomial(n, messy / 4))
    parts.append(df.filter(pl.col("_i").is_in(rng.choice(n, n_dup).tolist())))
    return pl.concat(parts, how="vertical_relaxed").sort("_i").drop("_i")


def write_csv(df: pl.DataFrame, path: Path, *, separator: str, encoding: str, bom: bool) -> None:
    text = df.write_csv(separator=separator, null_value="")
    data = text.encode(encoding, errors="strict")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def write_xlsx(df: pl.DataFrame, path: Path, notes: list[str]) -> None:
    """A notes sheet first, then 'export' with real date cells (as suppliers' Excel has)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    # A fixed creation time keeps the file identical for the same seed.
    wb.set_properties({"created": dt.datetime(2000, 1, 1), "author": "terugkeer demo"})
    sheet = wb.add_worksheet("Toelichting")
    for i, line in enumerate(notes):
        sheet.write(i, 0, line)
    ws = wb.add_worksheet("export")
    date_fmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, [display_header(c) for c in df.columns])
    kinds = [df.schema[c] for c in df.columns]
    for r, row in enumerate(df.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if kinds[c] == pl.Date:
                ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_fmt)
            else:
                ws.write(r, c, value)
    wb.close()


def write_pi_exports(
    episodes: pl.DataFrame,
    out: Path,
    messy: float,
    rng: np.random.Generator,
    pi_names: dict[str, str],
) -> list[Path]:
    paths = []
    for code in sorted(episodes["inrichting"].unique()):
        form = PI_FORMS.get(code, "csv_iso")
        df = episodes.filter(pl.col("inrichting") == code).with_columns(
            pl.lit("ja").alias(SYNTHETIC_COLUMN)
        )
        export_date = df["exportdatum"][0]
        stem = f"demo_detentie_{code}_{export_date:%Y%m%d}"
        if form in ("csv_1252", "xlsx"):
            df = df.with_columns(inrichting=pl.lit(pi_names[code]))
        if form == "parquet":
            path = out / f"{stem}.parquet"
            _corrupt_codes_only(df, rng, messy).write_parquet(path)
        elif form == "xlsx":
            path = out / f"{stem}.xlsx"
            notes = [
                "SYNTHETISCHE DEMODATA - gegenereerd door terugkeer demo, geen echte personen.",
                f"Detentie-export {pi_names[code]}, uitwisselformaat v1.",
            ]
            write_xlsx(_corrupt_codes_only(df, rng, messy), path, notes)
        elif form == "csv_1252":
            path = out / f"{stem}.csv"
            text = _as_text(df, "pi", "%d-%m-%Y").with_columns(
                pl.lit("Bijzondere zorgafdeling – één").alias("afdeling")
            )
            text = _make_messy(text, "pi", "%d-%m-%Y", messy, rng)
            write_csv(text, path, separator=";", encoding="cp1252", bom=False)
        elif form == "csv_nl":
            path = out / f"{stem}.csv"
            text = _make_messy(_as_text(df, "pi", "%d-%m-%Y"), "pi", "%d-%m-%Y", messy, rng)
            text = text.rename({c: display_header(c) for c in text.columns})
            write_csv(text, path, separator=";", encoding="utf-8", bom=True)
        else:
            path = out / f"{stem}.csv"
            text = _make_messy(_as_text(df, "pi", "%Y-%m-%d"), "pi", "%Y-%m-%d", messy, rng)
            write_csv(text, path, separator=",", encoding="utf-8", bom=False)
        paths.append(path)
    return paths


def _corrupt_codes_only(df: pl.DataFrame, rng: np.random.Generator, messy: float) -> pl.DataFrame:
    """Typed files (Parquet, XLSX) cannot hold an impossible date: break a code instead."""
    n = df.height
    bad = rng.random(n) < messy
    return df.with_columns(
        geslacht=pl.when(pl.Series(bad)).then(pl.lit("onbekend")).otherwise(pl.col("geslacht"))
    )


def _write_export(
    df: pl.DataFrame,
    path_stem: Path,
    form: str,
    source: str,
    note: str,
    messy: float,
    rng: np.random.Generator,
) -> Path:
    """One export in a form: xlsx (a notes sheet, then the rows), csv_nl (Dutch Excel: ';',
    dd-mm-yyyy, BOM, spelled-out headers) or csv_iso (',', yyyy-mm-dd); the CSVs are messy."""
    if form == "xlsx":
        path = path_stem.with_suffix(".xlsx")
        write_xlsx(df, path, [note])
        return path
    path = path_stem.with_suffix(".csv")
    date_format = "%d-%m-%Y" if form == "csv_nl" else "%Y-%m-%d"
    text = _make_messy(_as_text(df, source, date_format), source, date_format, messy, rng)
    if form == "csv_nl":
        text = text.rename({c: display_header(c) for c in text.columns})
        write_csv(text, path, separator=";", encoding="utf-8", bom=True)
    else:
        write_csv(text, path, separator=",", encoding="utf-8", bom=False)
    return path


def _write_per_supplier(
    frame: pl.DataFrame,
    supplier: str,
    out: Path,
    kind: str,
    form_of: Callable[[str], str],
    source: str,
    note: str,
    messy: float,
    rng: np.random.Generator,
) -> list[Path]:
    """One export per supplier (the values of column `supplier`), each in its form."""
    paths = []
    for code in sorted(frame[supplier].unique()):
        df = frame.filter(pl.col(supplier) == code).with_columns(
            pl.lit("ja").alias(SYNTHETIC_COLUMN)
        )
        stem = out / f"demo_{kind}_{code}_{df['exportdatum'][0]:%Y%m%d}"
        paths.append(_write_export(df, stem, form_of(code), source, note, messy, rng))
    return paths


def write_nazorg_exports(
    trajectories: pl.DataFrame, out: Path, messy: float, rng: np.random.Generator
) -> list[Path]:
    """One nazorg-export per municipality: a spreadsheet from a few, Dutch Excel CSV else."""
    return _write_per_supplier(
        trajectories, "gemeente_code", out, "nazorg",
        lambda code: "xlsx" if code in NAZORG_XLSX else "csv_nl", "gemeente",
        "SYNTHETISCHE DEMODATA - nazorg-export, uitwisselformaat v1.", messy, rng,
    )  # fmt: skip


def write_recidive_export(
    cases: pl.DataFrame, out: Path, messy: float, rng: np.random.Generator
) -> Path:
    peildatum = cases["peildatum"][0]
    path = out / f"demo_recidive_peildatum_{peildatum:%Y%m%d}.csv"
    text = _as_text(
        cases.with_columns(pl.lit("ja").alias(SYNTHETIC_COLUMN)), "recidive", "%Y-%m-%d"
    )
    write_csv(
        _make_messy(text, "recidive", "%Y-%m-%d", messy, rng),
        path,
        separator=",",
        encoding="utf-8",
        bom=False,
    )
    return path


def write_reclassering_exports(
    probation: pl.DataFrame, out: Path, messy: float, rng: np.random.Generator
) -> list[Path]:
    """One reclasseringsexport per probation organisation, each in its own form."""
    return _write_per_supplier(
        probation, "organisatie", out, "reclassering",
        lambda code: PROBATION_FORMS.get(code, "csv_iso"), "reclassering",
        "SYNTHETISCHE DEMODATA - reclasseringsexport, uitwisselformaat v1.1.", messy, rng,
    )  # fmt: skip
