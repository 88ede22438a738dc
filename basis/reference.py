"""Reference data (municipalities, mergers, prisons) from data/reference/."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polars as pl

from basis.settings import REFERENCE_DIR


@dataclass(frozen=True)
class Reference:
    gemeenten: pl.DataFrame  # gemeente_code, gemeente_naam, provincie, veiligheidsregio, geldig_tot
    herindelingen: pl.DataFrame  # oude_code, nieuwe_code, ingangsdatum
    pis: pl.DataFrame  # pi_code, pi_naam, vestigingsplaats, gemeente_code, locaties
    inwoners: pl.DataFrame  # gemeente_code, inwoners_2019

    @property
    def gemeente_codes(self) -> frozenset[str]:
        """Every code in the CBS list, including codes that stopped existing (mapped later)."""
        return frozenset(self.gemeenten["gemeente_code"].to_list())

    @property
    def pi_lookup(self) -> dict[str, str]:
        """Folded PI name or code -> pi_code, for matching export values."""
        lookup: dict[str, str] = {}
        for row in self.pis.iter_rows(named=True):
            code, name = row["pi_code"], row["pi_naam"]
            bare = name.removeprefix("PI ")
            names = {code, name, bare}
            for location in (row["locaties"] or "").split(";"):
                if location.strip():
                    names |= {f"{name} {location.strip()}", f"{bare} {location.strip()}"}
            for alias in names:
                lookup[fold_pi(alias)] = code
        return lookup


def fold_pi(value: str) -> str:
    """Match PI values case-insensitively, with or without the prefix 'PI '."""
    folded = " ".join(value.strip().lower().replace("_", " ").split())
    return folded.removeprefix("pi ")


def fold_pi_expr(expr: pl.Expr) -> pl.Expr:
    """fold_pi as a Polars expression (the same result, vectorised)."""
    folded = expr.str.to_lowercase().str.replace_all("_", " ").str.replace_all(r"\s+", " ")
    return folded.str.strip_chars().str.strip_prefix("pi ")


@lru_cache(maxsize=4)
def load_reference(directory: Path = REFERENCE_DIR) -> Reference:
    """Read the reference CSVs (all text, so codes keep their leading zeros)."""

    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(directory / name, infer_schema=False)

    return Reference(
        gemeenten=read("gemeenten.csv"),
        herindelingen=read("gemeente_herindelingen.csv"),
        pis=read("penitentiaire_inrichtingen.csv"),
        inwoners=read("gemeenten_inwoners.csv").with_columns(
            pl.col("inwoners_2019").cast(pl.Int64)
        ),
    )
