"""The one scope type of every published table: the period and the units it covers.

The dashboard's sidebar, a shared link and `terugkeer figures --gemeente/--pi/--from/--to` all
become a Scope; the table functions (published/tables) turn it into SQL only through `where`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from basis.reference import fold_pi, load_reference

# Scope field -> the mart column it narrows (marts carry these columns under these names).
DIMENSIONS = {
    "pis": "pi_code",
    "gemeenten": "gemeente_code",
    "provincies": "provincie",
    "sexes": "sex",
    "age_bands": "age_band",
}


@dataclass(frozen=True)
class Scope:
    """Complete years from `year_from` to `year_to` (None: open) and the units in them; an
    empty tuple means all."""

    year_from: int | None = None
    year_to: int | None = None
    pis: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    provincies: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()

    def where(
        self, year_column: str, dimensions: tuple[str, ...] = tuple(DIMENSIONS)
    ) -> tuple[str, list]:
        """A parameterised WHERE clause (and its parameters) for a mart with the year column
        `year_column` and the columns of `dimensions` (a mart without some, e.g. the
        nazorg-export's, names only those it has). Values are always parameters."""
        clauses = [
            f"(CAST(? AS INTEGER) IS NULL OR {year_column} >= ?)",
            f"(CAST(? AS INTEGER) IS NULL OR {year_column} <= ?)",
        ]
        params: list = [self.year_from, self.year_from, self.year_to, self.year_to]
        for field in dimensions:
            values = list(getattr(self, field))
            clauses.append(
                f"(len(CAST(? AS VARCHAR[])) = 0 OR "
                f"list_contains(CAST(? AS VARCHAR[]), {DIMENSIONS[field]}))"
            )
            params += [values, values]
        return " AND ".join(clauses), params


class UnknownUnit(ValueError):
    """A municipality or PI that is not in the reference list."""


def resolve_scope(
    gemeente: str | None, pi: str | None, year_from: int | None, year_to: int | None
) -> Scope:
    """Check the unit names against the reference lists; old municipality codes are mapped."""
    ref = load_reference()
    code = None
    if gemeente:
        code = gemeente.strip().upper()
        if code not in ref.gemeente_codes:
            raise UnknownUnit(f"'{gemeente}' is not a CBS municipality code (GM + 4 digits)")
        merged = ref.herindelingen.filter(pl.col("oude_code") == code)
        if merged.height:
            code = merged["nieuwe_code"][0]
    pi_code = None
    if pi:
        pi_code = ref.pi_lookup.get(fold_pi(pi))
        if pi_code is None:
            raise UnknownUnit(f"'{pi}' is not a PI in the reference list")
    if year_from and year_to and year_from > year_to:
        raise ValueError("--from must not be later than --to")
    return Scope(
        year_from=year_from,
        year_to=year_to,
        pis=(pi_code,) if pi_code else (),
        gemeenten=(code,) if code else (),
    )
