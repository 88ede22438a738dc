"""Pandera models of the three export kinds: the contract's row rules, one model per kind.

The models validate the text frame that the readers return (every value still text), so
that an impossible date or a bad code is a row error with the row number, not a crash. The
frame also carries each date column parsed once (`with_parsed_dates`), which the checks read.
Column checks carry the contract's codes and formats; frame checks carry the rules that
span columns. Every check's name is the rule code the ingest report and quarantine use.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.typing.polars import Series

from basis.contract import (
    DISPOSALS,
    OFFENCE_GROUPS,
    PROBATION_KINDS,
    PROBATION_ORGANISATIONS,
    RELEASE_REASONS,
    SEX_CODES,
    STATUS_CODES,
    SUPERVISION_ENDINGS,
    SUPERVISION_FRAMES,
    YES_NO,
)
from basis.reference import fold_pi_expr, load_reference

PSEUDONYM = r"^[A-Za-z0-9_-]{8,64}$"
# The legal date forms: yyyy-mm-dd, dd-mm-yyyy, d-m-yyyy, dd/mm/yyyy.
DATE_FORMS = (
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d"),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
    (r"^\d{2}/\d{2}/\d{4}$", "%d/%m/%Y"),
)
EARLIEST_ADMISSION = dt.date(1990, 1, 1)


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Text in one of the legal forms -> a real calendar date; anything else -> null."""
    return pl.coalesce(
        pl.when(expr.str.contains(pattern)).then(expr.str.to_date(fmt, strict=False))
        for pattern, fmt in DATE_FORMS
    )


# Each date column is parsed once, before validation, into a hidden column that the checks
# and the typing step share (parsing is most of the validation's work).
PARSED_PREFIX = "__datum_"


def parsed(column: str) -> str:
    """The hidden column holding `column` parsed as a date."""
    return f"{PARSED_PREFIX}{column}"


def with_parsed_dates(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """`frame` with every date column also parsed (see `parsed`); the models expect them."""
    return frame.with_columns(parse_date(pl.col(c)).alias(parsed(c)) for c in columns)


def _valid_date(data: pa.PolarsData) -> pl.LazyFrame:
    value = pl.col(data.key)
    return data.lazyframe.select(value.is_null() | pl.col(parsed(data.key)).is_not_null())


def _known_gemeente(data: pa.PolarsData) -> pl.LazyFrame:
    value = pl.col(data.key)
    codes = sorted(load_reference().gemeente_codes)
    return data.lazyframe.select(value.is_null() | value.is_in(codes))


def _ok(condition: pl.Expr) -> pl.Expr:
    """A cross-column rule passes where it cannot be judged (a value missing or unreadable)."""
    return condition.fill_null(True).alias("ok")


def _date(column: str) -> pl.Expr:
    return pl.col(parsed(column))


class _Base(pa.DataFrameModel):
    pseudoniem: Series[str] = pa.Field(nullable=False, str_matches=PSEUDONYM)

    class Config:
        strict = False  # extra columns are reported by the ingest, not refused here
        coerce = False


class PiExport(_Base):
    """detentie-export: one detention episode per row."""

    inrichting: Series[str] = pa.Field(nullable=False)
    instroomdatum: Series[str] = pa.Field(nullable=False)
    uitstroomdatum: Optional[Series[str]] = pa.Field(nullable=True)
    uitstroomreden: Optional[Series[str]] = pa.Field(nullable=True, isin=RELEASE_REASONS)
    gemeente_code: Optional[Series[str]] = pa.Field(nullable=True)
    geboortejaar: Series[str] = pa.Field(nullable=False, str_matches=r"^\d{4}$")
    geslacht: Series[str] = pa.Field(nullable=False, isin=SEX_CODES)
    leefgebied_status: Optional[Series[str]] = pa.Field(
        nullable=True, isin=STATUS_CODES, alias=r"^.+_(instroom|uitstroom)$", regex=True
    )
    reintegratieplan: Optional[Series[str]] = pa.Field(nullable=True, isin=YES_NO)
    tbo_datum: Optional[Series[str]] = pa.Field(nullable=True)
    melding_gemeente_datum: Optional[Series[str]] = pa.Field(nullable=True)
    exportdatum: Series[str] = pa.Field(nullable=False)

    @pa.check(
        "instroomdatum",
        "uitstroomdatum",
        "tbo_datum",
        "melding_gemeente_datum",
        "exportdatum",
        name="invalid_date",
    )
    def valid_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _valid_date(data)

    @pa.check("inrichting", name="unknown_pi")
    def known_pi(cls, data: pa.PolarsData) -> pl.LazyFrame:
        lookup = load_reference().pi_lookup
        value = pl.col(data.key)
        return data.lazyframe.select(value.is_null() | fold_pi_expr(value).is_in(list(lookup)))

    @pa.check("gemeente_code", name="unknown_gemeente")
    def known_gemeente(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _known_gemeente(data)

    @pa.dataframe_check(name="admission_out_of_range")
    def admission_in_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        admitted = _date("instroomdatum")
        return data.lazyframe.select(
            _ok((admitted >= EARLIEST_ADMISSION) & (admitted <= _date("exportdatum")))
        )

    @pa.dataframe_check(name="release_before_admission")
    def release_after_admission(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("uitstroomdatum") >= _date("instroomdatum")))

    @pa.dataframe_check(name="release_after_export_date")
    def release_not_after_export(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("uitstroomdatum") <= _date("exportdatum")))

    @pa.dataframe_check(name="reason_without_release")
    def reason_only_with_release(cls, data: pa.PolarsData) -> pl.LazyFrame:
        released = pl.col("uitstroomdatum").is_not_null()
        return data.lazyframe.select(_ok(pl.col("uitstroomreden").is_null() | released))

    @pa.dataframe_check(name="release_without_reason")
    def release_needs_reason(cls, data: pa.PolarsData) -> pl.LazyFrame:
        released = pl.col("uitstroomdatum").is_not_null()
        return data.lazyframe.select(_ok(~released | pl.col("uitstroomreden").is_not_null()))

    @pa.dataframe_check(name="age_out_of_range")
    def age_12_to_100(cls, data: pa.PolarsData) -> pl.LazyFrame:
        age = _date("instroomdatum").dt.year() - pl.col("geboortejaar").cast(pl.Int32, strict=False)
        return data.lazyframe.select(_ok((age >= 12) & (age <= 100)))

    @pa.dataframe_check(name="tbo_before_admission")
    def tbo_after_admission(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("tbo_datum") >= _date("instroomdatum")))

    @pa.dataframe_check(name="notice_before_admission")
    def notice_after_admission(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("melding_gemeente_datum") >= _date("instroomdatum")))


class GemeenteExport(_Base):
    """nazorg-export: one trajectory of an ex-detainee known to the municipality."""

    gemeente_code: Series[str] = pa.Field(nullable=False)
    melding_datum: Series[str] = pa.Field(nullable=False)
    uitstroomdatum: Optional[Series[str]] = pa.Field(nullable=True)
    eerste_contact_datum: Optional[Series[str]] = pa.Field(nullable=True)
    casemanager: Optional[Series[str]] = pa.Field(nullable=True, isin=YES_NO)
    leefgebied_status: Optional[Series[str]] = pa.Field(
        nullable=True, isin=STATUS_CODES, alias=r"^.+_3mnd$", regex=True
    )
    exportdatum: Series[str] = pa.Field(nullable=False)

    @pa.check(
        "melding_datum",
        "uitstroomdatum",
        "eerste_contact_datum",
        "exportdatum",
        name="invalid_date",
    )
    def valid_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _valid_date(data)

    @pa.check("gemeente_code", name="unknown_gemeente")
    def known_gemeente(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _known_gemeente(data)


class RecidiveExport(_Base):
    """recidive-export: one new criminal case per row."""

    zaak_id: Series[str] = pa.Field(nullable=False)
    pleegdatum: Series[str] = pa.Field(nullable=False)
    registratiedatum: Optional[Series[str]] = pa.Field(nullable=True)
    delictgroep: Series[str] = pa.Field(nullable=False, isin=OFFENCE_GROUPS)
    ernstig: Optional[Series[str]] = pa.Field(nullable=True, isin=YES_NO)
    afdoening: Series[str] = pa.Field(nullable=False, isin=DISPOSALS)
    peildatum: Series[str] = pa.Field(nullable=False)

    @pa.check("pleegdatum", "registratiedatum", "peildatum", name="invalid_date")
    def valid_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _valid_date(data)

    @pa.dataframe_check(name="registration_before_offence")
    def registration_after_offence(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("registratiedatum") >= _date("pleegdatum")))


class ReclasseringExport(_Base):
    """reclasseringsexport (v1.1): one probation trajectory (advice or supervision) per row."""

    organisatie: Series[str] = pa.Field(nullable=False, isin=PROBATION_ORGANISATIONS)
    soort: Series[str] = pa.Field(nullable=False, isin=PROBATION_KINDS)
    kader: Optional[Series[str]] = pa.Field(nullable=True, isin=SUPERVISION_FRAMES)
    startdatum: Series[str] = pa.Field(nullable=False)
    einddatum: Optional[Series[str]] = pa.Field(nullable=True)
    afloop: Optional[Series[str]] = pa.Field(nullable=True, isin=SUPERVISION_ENDINGS)
    betrokken_bij_tbo: Optional[Series[str]] = pa.Field(nullable=True, isin=YES_NO)
    exportdatum: Series[str] = pa.Field(nullable=False)

    @pa.check("startdatum", "einddatum", "exportdatum", name="invalid_date")
    def valid_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return _valid_date(data)

    @pa.dataframe_check(name="start_out_of_range")
    def start_in_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        start = _date("startdatum")
        return data.lazyframe.select(
            _ok((start >= EARLIEST_ADMISSION) & (start <= _date("exportdatum")))
        )

    @pa.dataframe_check(name="end_before_start")
    def end_after_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("einddatum") >= _date("startdatum")))

    @pa.dataframe_check(name="end_after_export_date")
    def end_not_after_export(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_ok(_date("einddatum") <= _date("exportdatum")))

    @pa.dataframe_check(name="supervision_without_frame")
    def supervision_needs_frame(cls, data: pa.PolarsData) -> pl.LazyFrame:
        supervision = pl.col("soort") == "toezicht"
        return data.lazyframe.select(_ok(~supervision | pl.col("kader").is_not_null()))

    @pa.dataframe_check(name="frame_without_supervision")
    def frame_only_with_supervision(cls, data: pa.PolarsData) -> pl.LazyFrame:
        supervision = pl.col("soort") == "toezicht"
        return data.lazyframe.select(_ok(supervision | pl.col("kader").is_null()))

    @pa.dataframe_check(name="ended_supervision_without_outcome")
    def ended_supervision_needs_outcome(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ended = (pl.col("soort") == "toezicht") & pl.col("einddatum").is_not_null()
        return data.lazyframe.select(_ok(~ended | pl.col("afloop").is_not_null()))

    @pa.dataframe_check(name="outcome_without_ended_supervision")
    def outcome_only_when_ended(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ended = (pl.col("soort") == "toezicht") & pl.col("einddatum").is_not_null()
        return data.lazyframe.select(_ok(ended | pl.col("afloop").is_null()))


MODELS: dict[str, type[pa.DataFrameModel]] = {
    "pi": PiExport,
    "gemeente": GemeenteExport,
    "recidive": RecidiveExport,
    "reclassering": ReclasseringExport,
}

# The column a frame-level rule is reported against.
FRAME_RULE_COLUMN: dict[str, str] = {
    "admission_out_of_range": "instroomdatum",
    "release_before_admission": "uitstroomdatum",
    "release_after_export_date": "uitstroomdatum",
    "reason_without_release": "uitstroomreden",
    "release_without_reason": "uitstroomreden",
    "age_out_of_range": "geboortejaar",
    "tbo_before_admission": "tbo_datum",
    "notice_before_admission": "melding_gemeente_datum",
    "registration_before_offence": "registratiedatum",
    "start_out_of_range": "startdatum",
    "end_before_start": "einddatum",
    "end_after_export_date": "einddatum",
    "supervision_without_frame": "kader",
    "frame_without_supervision": "kader",
    "ended_supervision_without_outcome": "afloop",
    "outcome_without_ended_supervision": "afloop",
}

RULE_MESSAGES: dict[str, str] = {
    "required": "a required value is empty",
    "invalid_format": "the value does not have the required form",
    "invalid_code": "the value is not one of the contract's codes",
    "invalid_date": "not a real date in a legal form (yyyy-mm-dd, dd-mm-yyyy, dd/mm/yyyy)",
    "unknown_pi": "the PI is not in the reference list",
    "unknown_gemeente": "the municipality code is not in the CBS reference list",
    "admission_out_of_range": "admission before 1990-01-01 or after the export date",
    "release_before_admission": "release date before admission date",
    "release_after_export_date": "release date after the export date",
    "reason_without_release": "a release reason is given without a release date",
    "release_without_reason": "a release date is given without a release reason",
    "age_out_of_range": "the person is not 12 to 100 years old at admission",
    "tbo_before_admission": "TBO date before admission date",
    "notice_before_admission": "notification date before admission date",
    "registration_before_offence": "registration date before the offence date",
    "start_out_of_range": "start before 1990-01-01 or after the export date",
    "end_before_start": "end date before start date",
    "end_after_export_date": "end date after the export date",
    "supervision_without_frame": "a supervision (toezicht) without its legal frame (kader)",
    "frame_without_supervision": "a legal frame (kader) given for an advice",
    "ended_supervision_without_outcome": "an ended supervision without its outcome (afloop)",
    "outcome_without_ended_supervision": "an outcome (afloop) without an ended supervision",
    "conflict": "the same key appears on rows with different values",
    "key_of_other_supplier": "this episode was delivered by another PI; only it may re-deliver",
}


def rule_of(check: str) -> str:
    """Pandera's check name -> our rule code."""
    if check == "not_nullable":
        return "required"
    if check.startswith("str_matches"):
        return "invalid_format"
    if check.startswith("isin"):
        return "invalid_code"
    return check
