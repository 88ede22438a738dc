"""The alternative a data analyst would write: pandas + Pandera's pandas backend.

Does the same job as `store.ingest` for the benchmark's comparison (bench/README.md):
read every export as text (CSV with ; or , in UTF-8 or Windows-1252, XLSX, Parquet), map the
headers to the contract's names, trim and blank empty cells, refuse files with identifiers
(e-mail, postcode with house number, a BSN as pseudonym), validate the contract's row rules
with one Pandera DataFrameSchema per export kind (lazy, so every failure is collected), drop the
failing rows, apply the key rules (duplicates dropped, conflicts removed), parse the dates and
insert the rows into a DuckDB table per kind.

It is written the way pandas is ordinarily used (vectorised string methods, `pd.to_datetime`
with a format per legal date form), not deliberately slow. It shares only the contract's
constants with the product, and keeps no ingest log, no quarantine table and no row numbers.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa

from basis.contract import (
    CANONICAL_BY_FOLDED,
    COLUMNS,
    DATE_COLUMNS,
    DISPOSALS,
    KEYS,
    OFFENCE_GROUPS,
    PROBATION_KINDS,
    PROBATION_ORGANISATIONS,
    RELEASE_REASONS,
    REQUIRED,
    SEX_CODES,
    STATUS_CODES,
    SUPERVISION_ENDINGS,
    SUPERVISION_FRAMES,
    YES_NO,
    fold_header,
)
from basis.reference import load_reference

EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
POSTCODE = r"^[1-9][0-9]{3} ?[A-Za-z]{2} ?[0-9]{1,5} ?[A-Za-z]?$"
# pandas' fastest text type: Arrow strings, whose .str methods run in Arrow's compute kernels.
TEXT = "string[pyarrow]"
PARSED = "__datum_"
DATE_FORMS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
    (r"^\d{2}/\d{2}/\d{4}$", "%d/%m/%Y"),
)


def parse_dates(s: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for pattern, fmt in DATE_FORMS:
        hit = s.str.match(pattern, na=False)
        if hit.any():
            out[hit] = pd.to_datetime(s[hit], format=fmt, errors="coerce")
    return out


def fold_pi(s: pd.Series) -> pd.Series:
    folded = s.str.lower().str.replace("_", " ").str.replace(r"\s+", " ", regex=True).str.strip()
    return folded.str.removeprefix("pi ")


def read(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
        for c in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[c]):
                frame[c] = frame[c].dt.strftime("%Y-%m-%d")
        frame = frame.astype(TEXT)
    elif suffix == ".xlsx":
        book = pd.ExcelFile(path, engine="calamine")
        sheet = next((n for n in book.sheet_names if str(n).lower() == "export"), 0)
        frame = book.parse(sheet, dtype=str)
        frame = frame.astype(TEXT)
        frame = frame.apply(lambda s: s.str.replace(r" 00:00:00$", "", regex=True))
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        header = text.split("\n", 1)[0]
        sep = ";" if header.count(";") > header.count(",") else ","
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=TEXT, keep_default_na=False)
    frame.columns = [CANONICAL_BY_FOLDED.get(fold_header(c), c) for c in frame.columns]
    frame = frame.apply(lambda s: s.str.strip()).replace("", pd.NA)
    return frame.dropna(how="all")


def privacy_breach(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        s = frame[column].dropna()
        if s.str.match(EMAIL).any() or s.str.match(POSTCODE).any():
            return True
    if "pseudoniem" in frame.columns:
        p = frame["pseudoniem"].dropna()
        p = p.where(~p.str.fullmatch(r"\d{8}"), "0" + p)
        nine = p[p.str.fullmatch(r"\d{9}")]
        if len(nine):
            digits = np.array([list(map(int, x)) for x in nine])
            total = digits @ np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
            if (total % 11 == 0).any():
                return True
    return False


# Each date column is parsed once (normalise) into a hidden column that the checks share.
def _valid_dates(source: str) -> list[pa.Check]:
    def check(column: str) -> pa.Check:
        return pa.Check(
            lambda df: df[column].isna() | df[PARSED + column].notna(),
            name=f"invalid_date_{column}",
        )

    return [check(c) for c in DATE_COLUMNS[source]]


def _after(later: str, earlier: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        a, b = df[PARSED + later], df[PARSED + earlier]
        return a.isna() | b.isna() | (a >= b)

    return pa.Check(check, name=f"{later}_before_{earlier}")


def schemas() -> dict[str, pa.DataFrameSchema]:
    ref = load_reference()
    gemeenten = sorted(ref.gemeente_codes)
    pi_names = list(ref.pi_lookup)
    text = TEXT

    def col(nullable: bool = True, checks: list | None = None, required: bool = True) -> pa.Column:
        return pa.Column(text, nullable=nullable, checks=checks or [], required=required)

    pseudonym = col(False, [pa.Check.str_matches(r"^[A-Za-z0-9_-]{8,64}$")])

    def status() -> pa.Column:
        return pa.Column(text, nullable=True, checks=[pa.Check.isin(STATUS_CODES)], regex=True)

    def age_ok(df: pd.DataFrame) -> pd.Series:
        age = df[PARSED + "instroomdatum"].dt.year - pd.to_numeric(
            df["geboortejaar"], errors="coerce"
        )
        return age.isna() | ((age >= 12) & (age <= 100))

    def admission_ok(df: pd.DataFrame) -> pd.Series:
        a, e = df[PARSED + "instroomdatum"], df[PARSED + "exportdatum"]
        return a.isna() | e.isna() | ((a >= pd.Timestamp("1990-01-01")) & (a <= e))

    def reason_ok(df: pd.DataFrame) -> pd.Series:
        return df["uitstroomdatum"].isna() == df["uitstroomreden"].isna()

    pi = pa.DataFrameSchema(
        {
            "pseudoniem": pseudonym,
            "inrichting": col(False, [pa.Check(lambda s: fold_pi(s).isin(pi_names))]),
            "instroomdatum": col(False),
            "uitstroomdatum": col(True),
            "uitstroomreden": col(True, [pa.Check.isin(RELEASE_REASONS)]),
            "gemeente_code": col(True, [pa.Check.isin(gemeenten)]),
            "geboortejaar": col(False, [pa.Check.str_matches(r"^\d{4}$")]),
            "geslacht": col(False, [pa.Check.isin(SEX_CODES)]),
            r"^.+_(instroom|uitstroom)$": status(),
            "reintegratieplan": col(True, [pa.Check.isin(YES_NO)]),
            "tbo_datum": col(True),
            "melding_gemeente_datum": col(True),
            "exportdatum": col(False),
        },
        checks=[
            *_valid_dates("pi"),
            pa.Check(admission_ok, name="admission_out_of_range"),
            _after("uitstroomdatum", "instroomdatum"),
            _after("exportdatum", "uitstroomdatum"),
            pa.Check(reason_ok, name="reason_and_release"),
            pa.Check(age_ok, name="age_out_of_range"),
            _after("tbo_datum", "instroomdatum"),
            _after("melding_gemeente_datum", "instroomdatum"),
        ],
    )
    gemeente = pa.DataFrameSchema(
        {
            "pseudoniem": pseudonym,
            "gemeente_code": col(False, [pa.Check.isin(gemeenten)]),
            "melding_datum": col(False),
            "uitstroomdatum": col(True),
            "eerste_contact_datum": col(True),
            "casemanager": col(True, [pa.Check.isin(YES_NO)]),
            r"^.+_3mnd$": status(),
            "exportdatum": col(False),
        },
        checks=_valid_dates("gemeente"),
    )
    recidive = pa.DataFrameSchema(
        {
            "pseudoniem": pseudonym,
            "zaak_id": col(False),
            "pleegdatum": col(False),
            "registratiedatum": col(True),
            "delictgroep": col(False, [pa.Check.isin(OFFENCE_GROUPS)]),
            "ernstig": col(True, [pa.Check.isin(YES_NO)]),
            "afdoening": col(False, [pa.Check.isin(DISPOSALS)]),
            "peildatum": col(False),
        },
        checks=[*_valid_dates("recidive"), _after("registratiedatum", "pleegdatum")],
    )

    def start_ok(df: pd.DataFrame) -> pd.Series:
        a, e = df[PARSED + "startdatum"], df[PARSED + "exportdatum"]
        return a.isna() | e.isna() | ((a >= pd.Timestamp("1990-01-01")) & (a <= e))

    def frame_ok(df: pd.DataFrame) -> pd.Series:
        return (df["soort"] == "toezicht").fillna(False) != df["kader"].isna()

    def ending_ok(df: pd.DataFrame) -> pd.Series:
        ended = (df["soort"] == "toezicht").fillna(False) & df["einddatum"].notna()
        return ended != df["afloop"].isna()

    reclassering = pa.DataFrameSchema(
        {
            "pseudoniem": pseudonym,
            "organisatie": col(False, [pa.Check.isin(PROBATION_ORGANISATIONS)]),
            "soort": col(False, [pa.Check.isin(PROBATION_KINDS)]),
            "kader": col(True, [pa.Check.isin(SUPERVISION_FRAMES)]),
            "startdatum": col(False),
            "einddatum": col(True),
            "afloop": col(True, [pa.Check.isin(SUPERVISION_ENDINGS)]),
            "betrokken_bij_tbo": col(True, [pa.Check.isin(YES_NO)]),
            "exportdatum": col(False),
        },
        checks=[
            *_valid_dates("reclassering"),
            pa.Check(start_ok, name="start_out_of_range"),
            _after("einddatum", "startdatum"),
            _after("exportdatum", "einddatum"),
            pa.Check(frame_ok, name="frame_with_supervision_only"),
            pa.Check(ending_ok, name="outcome_with_ended_supervision_only"),
        ],
    )
    return {"pi": pi, "gemeente": gemeente, "recidive": recidive, "reclassering": reclassering}


LOWER = (
    "uitstroomreden", "reintegratieplan", "casemanager", "delictgroep", "ernstig", "afdoening",
    "organisatie", "soort", "kader", "afloop", "betrokken_bij_tbo",
)  # fmt: skip


def normalise(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    for c in frame.columns:
        if c.endswith(("_instroom", "_uitstroom", "_3mnd")) or c in LOWER:
            frame[c] = frame[c].str.lower()
        elif c in ("geslacht", "gemeente_code"):
            frame[c] = frame[c].str.upper()
    for c in COLUMNS[source]:
        if c not in frame.columns:
            frame[c] = pd.Series(pd.NA, index=frame.index, dtype=TEXT)
    for c in DATE_COLUMNS[source]:
        frame[PARSED + c] = parse_dates(frame[c])
    return frame


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, models: dict) -> int:
    """Rows loaded from one file (0 when it is refused)."""
    frame = read(path)
    if privacy_breach(frame):
        return 0
    source = next(
        s for s in ("pi", "recidive", "reclassering", "gemeente") if set(REQUIRED[s]) <= set(frame)
    )
    frame = normalise(frame, source)
    try:
        models[source].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        bad = exc.failure_cases["index"].dropna().unique()
        frame = frame.drop(index=bad)
    frame = frame.drop_duplicates(subset=list(COLUMNS[source]))
    key = list(KEYS[source])
    frame = frame[~frame.duplicated(subset=key, keep=False)]
    for c in DATE_COLUMNS[source]:
        frame[c] = frame[PARSED + c].dt.date
    frame = frame[list(COLUMNS[source])]
    if source == "pi":
        lookup = load_reference().pi_lookup
        frame["inrichting"] = fold_pi(frame["inrichting"]).map(lookup)
    con.register("incoming", frame)
    con.execute(f"CREATE TABLE IF NOT EXISTS raw_{source} AS SELECT * FROM incoming LIMIT 0")
    con.execute(f"INSERT INTO raw_{source} SELECT * FROM incoming")
    con.unregister("incoming")
    return len(frame)


def ingest(files: list[Path], warehouse: Path) -> int:
    models = schemas()
    con = duckdb.connect(str(warehouse))
    try:
        return sum(ingest_file(con, path, models) for path in files)
    finally:
        con.close()
