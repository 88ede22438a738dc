"""The privacy guard: refuse a whole file that holds a direct identifier.

The contract's privacy rules (uitwisselformaat-v1, Privacy): identifier-like column names, a
`pseudoniem` that is a BSN (passes the eleven-test), or any value that is an e-mail address or
a Dutch postcode with house number. The finding names the rule and the column, never a value.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from basis.contract import IDENTIFIER_COLUMNS, fold_header
from intake.readers import ROW, RawExport

EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
POSTCODE_HOUSE_NUMBER = r"^[1-9][0-9]{3} ?[A-Za-z]{2} ?[0-9]{1,5} ?[A-Za-z]?$"
EITHER = f"(?:{EMAIL})|(?:{POSTCODE_HOUSE_NUMBER})"


@dataclass(frozen=True)
class PrivacyFinding:
    rule: str  # identifier_column, bsn_pseudonym, email_value, postcode_value (refusal codes)
    column: str  # as written in the file


def passes_eleven_test(digits: pl.Expr) -> pl.Expr:
    """BSN eleven-test on a 9-digit text: 9*d1 + 8*d2 + ... + 2*d8 - d9 = 0 (mod 11)."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = pl.sum_horizontal(
        digits.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(weights)
    )
    return (total % 11) == 0


def find_privacy_breach(raw: RawExport) -> PrivacyFinding | None:
    """The first privacy rule the file breaks, or None."""
    frame = raw.frame
    for column in frame.columns:
        if column != ROW and fold_header(raw.headers.get(column, column)) in IDENTIFIER_COLUMNS:
            return PrivacyFinding("identifier_column", raw.headers.get(column, column))
    if "pseudoniem" in frame.columns:
        # Only 8- or 9-digit pseudonyms can be a BSN: the eleven-test runs on those alone.
        digits = frame.filter(pl.col("pseudoniem").str.contains(r"^\d{8,9}$"))
        nine = pl.col("pseudoniem").str.pad_start(9, "0")
        if digits.height and digits.select(passes_eleven_test(nine).any()).item():
            return PrivacyFinding("bsn_pseudonym", raw.headers["pseudoniem"])
    text_columns = [c for c in frame.columns if c != ROW]
    # One pass over each column with both patterns; only a hit is looked at twice.
    hits = frame.select(
        pl.col(c).str.contains(EITHER).any().alias(str(i)) for i, c in enumerate(text_columns)
    ).row(0)
    for column, hit in zip(text_columns, hits, strict=True):
        if not hit:
            continue
        values = frame[column]
        rule = "email_value" if values.str.contains(EMAIL).any() else "postcode_value"
        return PrivacyFinding(rule, raw.headers.get(column, column))
    return None
