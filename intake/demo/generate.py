"""`terugkeer demo`: simulate and write a complete set of demo exports."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from basis.reference import load_reference
from intake.demo.simulate import simulate
from intake.demo.write import (
    write_nazorg_exports,
    write_pi_exports,
    write_recidive_export,
    write_reclassering_exports,
)


@dataclass(frozen=True)
class DemoResult:
    files: list[Path]
    n_episodes: int
    n_trajectories: int
    n_cases: int
    seconds: float
    n_probation: int = 0
    # The planted effects' true size (simulate.Simulation.truth): what an effect evaluation
    # of the demo data should recover.
    truth: dict | None = None


def parse_years(text: str) -> tuple[int, int]:
    """'2015-2024' -> (2015, 2024); a single year is a range of one."""
    first, _, last = text.partition("-")
    start, end = int(first), int(last or first)
    if not 1995 <= start <= end <= 2100:
        raise ValueError(f"years must be a range like 2015-2024, not {text!r}")
    return start, end


def generate_demo(
    out: Path,
    years: tuple[int, int] = (2015, 2024),
    scale: float = 1.0,
    seed: int = 1,
    messy: float = 0.005,
) -> DemoResult:
    """Write the demo exports into `out` (emptied of earlier demo files first)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    if not 0 <= messy < 0.5:
        raise ValueError("messy must lie between 0 and 0.5")
    started = time.perf_counter()
    ref = load_reference()
    sim = simulate(years[0], years[1], scale, seed, ref)
    if out.exists():
        for old in out.glob("demo_*"):
            old.unlink() if old.is_file() else shutil.rmtree(old)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 7])
    pi_names = dict(zip(ref.pis["pi_code"], ref.pis["pi_naam"], strict=True))
    files = write_pi_exports(sim.episodes, out, messy, rng, pi_names)
    files += write_nazorg_exports(sim.trajectories, out, messy, rng)
    files.append(write_recidive_export(sim.cases, out, messy, rng))
    files += write_reclassering_exports(sim.probation, out, messy, rng)
    return DemoResult(
        files=files,
        n_episodes=sim.episodes.height,
        n_trajectories=sim.trajectories.height,
        n_cases=sim.cases.height,
        seconds=time.perf_counter() - started,
        n_probation=sim.probation.height,
        truth=sim.truth,
    )


def next_nazorg_export(demo: Path, folder: Path) -> Path:
    """A municipality's next nazorg export, for benchmarks and tests of a small delivery: its
    first demo export delivered a day later, in which every trajectory now has a casemanager.
    It changes 'in beeld'/'casemanager' of that municipality's releases, so the process marts,
    the success factors and their model are rebuilt."""
    source = sorted(demo.glob("demo_nazorg_*.csv"))[0]
    header, *rows = source.read_text(encoding="utf-8-sig").splitlines()
    columns = header.split(";")
    manager, exported = columns.index("Casemanager"), columns.index("Export datum")
    day = dt.datetime.strptime(rows[0].split(";")[exported], "%d-%m-%Y").date()
    later = day + dt.timedelta(days=1)
    out_rows = []
    for row in rows:
        fields = row.split(";")
        fields[manager], fields[exported] = "ja", f"{later:%d-%m-%Y}"
        out_rows.append(";".join(fields))
    out = folder / source.name.replace(f"{day:%Y%m%d}", f"{later:%Y%m%d}")
    out.write_text("\n".join([header, *out_rows]) + "\n", encoding="utf-8")
    return out


# The next deliveries of the other kinds, for the benchmarks and tests of a small delivery
# (issue 33). Each is derived from the demo files themselves, so it fits any years and scale.


def _read_text_csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8")


def _later(day: str, days: int) -> str:
    return f"{dt.date.fromisoformat(day) + dt.timedelta(days=days):%Y-%m-%d}"


DATES = ("instroomdatum", "uitstroomdatum")


def next_pi_export(demo: Path, folder: Path, pi: str = "arnhem", n: int | None = None) -> Path:
    """A PI's next monthly export, a month after its last: `n` detention episodes (by default
    a month's: as many as it released in the last December, at least 10) of persons it held
    before, not delivered earlier. Three in four were admitted in November and released
    in December of the last release year (a new release: for some a new cohort member, for
    others a later release of their year); one in four lies before all of that person's
    episodes (it moves the number of earlier releases of every later release of the person,
    and the first release of a cohort). In the PI's form of the demo (ISO CSV)."""
    source = next(demo.glob(f"demo_detentie_{pi}_*.csv"))
    rows = _read_text_csv(source)
    exported = rows["exportdatum"][0]
    year = dt.date.fromisoformat(exported).year - 1
    dated = [pl.col(c).str.to_date("%Y-%m-%d", strict=False).is_not_null() for c in DATES]
    if n is None:
        december = rows.filter(pl.col("uitstroomdatum").str.starts_with(f"{year}-12-")).height
        n = max(10, december)
    persons = (
        rows.filter(*dated)  # (a demo file holds some impossible dates on purpose)
        .group_by("pseudoniem")
        .agg(
            pl.col("instroomdatum").min().alias("first_in"),
            pl.col("uitstroomdatum").max().alias("last_out"),
            pl.all().sort_by("instroomdatum").first().name.suffix("_row"),
        )
        .filter(pl.col("last_out") < f"{year}-06-01")
        .sort("pseudoniem")
        .head(n)
    )
    # Before all of a person's episodes only where that stays inside the release years.
    first_year = min(rows["uitstroomdatum"].drop_nulls()).split("-")[0]
    new = []
    for i, person in enumerate(persons.iter_rows(named=True)):
        row = {c: person.get(f"{c}_row", person.get(c)) for c in rows.columns}
        if i % 4 == 3 and person["first_in"] > f"{int(first_year) + 1}-01-01":
            admitted, released = _later(person["first_in"], -150), _later(person["first_in"], -40)
        else:
            admitted, released = f"{year}-11-{1 + i % 28:02d}", f"{year}-12-{1 + i % 28:02d}"
        row.update(
            instroomdatum=admitted,
            uitstroomdatum=released,
            uitstroomreden="einde_straf",
            tbo_datum=_later(admitted, 3 + i % 12) if row["tbo_datum"] else None,
            melding_gemeente_datum=_later(released, -(5 + i % 30)),
            exportdatum=_later(exported, 31),
        )
        new.append(row)
    out = folder / source.name.replace(
        exported.replace("-", ""), _later(exported, 31).replace("-", "")
    )
    pl.DataFrame(new, schema=rows.schema).write_csv(out)
    return out


def next_recidive_export(demo: Path, folder: Path, corrected: int = 50) -> Path:
    """The justice records' next quarterly update: the peildatum three months later, the cases
    committed in that quarter (those of the quarter before, moved on by the same number of
    days, under new case numbers) and `corrected` earlier cases of the follow-up years
    re-delivered as acquittals (they stop counting as recidivism)."""
    source = next(demo.glob("demo_recidive_peildatum_*.csv"))
    rows = _read_text_csv(source)
    peil = dt.date.fromisoformat(rows["peildatum"][0])
    after = peil.month + 3  # the first day of the month after the quarter, less one day
    later = dt.date(peil.year + after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)
    shift = (later - peil).days
    start = f"{peil - dt.timedelta(days=shift):%Y-%m-%d}"

    def moved(column: str) -> pl.Expr:
        day = pl.col(column).str.to_date("%Y-%m-%d") + pl.duration(days=shift)
        return pl.when(day <= later).then(day.dt.strftime("%Y-%m-%d")).alias(column)

    fresh = rows.filter(pl.col("pleegdatum") > start).with_columns(
        moved("pleegdatum"),
        moved("registratiedatum"),
        ("ZQ" + pl.col("zaak_id").str.slice(2)).alias("zaak_id"),
    )
    acquitted = (
        rows.filter(
            (pl.col("pleegdatum") >= f"{peil.year - 3}-01-01")
            & ~pl.col("afdoening").is_in(["vrijspraak", "technisch_sepot"])
        )
        .sort("zaak_id")
        .head(corrected)
        .with_columns(afdoening=pl.lit("vrijspraak"))
    )
    out = folder / f"demo_recidive_peildatum_{later:%Y%m%d}.csv"
    pl.concat([acquitted, fresh]).with_columns(peildatum=pl.lit(f"{later:%Y-%m-%d}")).write_csv(out)
    return out


def next_reclassering_export(
    demo: Path, folder: Path, organisation: str = "ldh", n: int | None = None
) -> Path:
    """A probation organisation's next export, thirty days after its last: `n` (by default
    about a month's: a 120th of its trajectories, at least 10) of its toezichten still running
    then, ended in these thirty days (regulier), as many new ones,
    started in these days for the same persons, and `n` earlier toezichten re-delivered with
    their kader corrected (which moves the figures by kader of the releases they followed)."""
    source = next(demo.glob(f"demo_reclassering_{organisation}_*.csv"))
    rows = _read_text_csv(source).filter(
        pl.col("startdatum").str.to_date("%Y-%m-%d", strict=False).is_not_null()
    )
    exported = rows["exportdatum"][0]
    n = max(10, rows.height // 120) if n is None else n
    toezicht = rows.filter(pl.col("soort") == "toezicht").sort("pseudoniem", "startdatum")
    running = toezicht.filter(pl.col("einddatum").is_null()).head(n)
    ended = running.with_columns(einddatum=pl.lit(_later(exported, 10)), afloop=pl.lit("regulier"))
    started = running.with_columns(
        startdatum=pl.lit(_later(exported, 20)), einddatum=pl.lit(None, pl.String),
        afloop=pl.lit(None, pl.String),
    )  # fmt: skip
    frames = ("vi", "voorwaardelijke_straf", "schorsing", "overig")
    corrected = (
        toezicht.filter(pl.col("einddatum").is_not_null() & pl.col("kader").is_in(frames))
        .head(n)
        .with_columns(
            kader=pl.col("kader").replace(dict(zip(frames, frames[1:] + frames[:1], strict=True)))
        )
    )
    out = folder / source.name.replace(
        exported.replace("-", ""), _later(exported, 30).replace("-", "")
    )
    pl.concat([ended, started, corrected]).with_columns(
        exportdatum=pl.lit(_later(exported, 30))
    ).write_csv(out)
    return out
