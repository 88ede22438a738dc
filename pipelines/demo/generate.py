"""`terugkeer demo`: simulate and write a complete set of demo exports."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.demo.simulate import simulate
from pipelines.demo.write import (
    write_nazorg_exports,
    write_pi_exports,
    write_recidive_export,
    write_reclassering_exports,
)
from pipelines.reference import load_reference


@dataclass(frozen=True)
class DemoResult:
    files: list[Path]
    n_episodes: int
    n_trajectories: int
    n_cases: int
    seconds: float
    n_probation: int = 0


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
