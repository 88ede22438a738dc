"""Simulate detention episodes, municipal trajectories and new criminal cases.

The model and its effect sizes are described in intake/demo/truth.py. Everything is
vectorised with NumPy, one generation of episodes at a time: generation 0 are first
admissions, generation g+1 the re-detentions that follow re-offences of generation g.
Days are whole numbers since 1970-01-01 until the frames are built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from basis.contract import LEEFGEBIEDEN, OFFENCE_GROUPS
from basis.reference import Reference
from intake.demo import truth

EPOCH = dt.date(1970, 1, 1)
BURN_IN_YEARS = 3
# Share of the yearly releases that are first admissions; the rest are re-detentions.
ARRIVAL_SHARE = 0.74


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def year_start(year: int) -> int:
    return day_number(dt.date(year, 1, 1))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Simulation:
    episodes: pl.DataFrame  # canonical pi columns, typed
    trajectories: pl.DataFrame  # canonical gemeente columns, typed
    cases: pl.DataFrame  # canonical recidive columns, typed
    probation: pl.DataFrame  # canonical reclassering columns, typed (v1.1)
    export_date: dt.date
    nazorg_export_date: dt.date
    peildatum: dt.date
    # Per planted effect (the supervision after release, the way of working): the average
    # effect on the treated, in percentage points of one- and two-year recidivism, computed
    # from each treated release's outcome with and without the effect (the same random
    # draws), over the releases of the window with the follow-up passed by the peildatum.
    truth: dict | None = None


@dataclass
class _World:
    """Fixed lookups used by every generation."""

    rng: np.random.Generator
    pi_codes: np.ndarray
    pi_province: np.ndarray
    gemeente_codes: np.ndarray
    gemeente_province: np.ndarray
    gemeente_weight: np.ndarray
    gemeente_readiness: np.ndarray
    window_start: int
    export_day: int
    peildatum: int
    # A stream of its own for probation, so that the other exports stay as they were.
    probation_rng: np.random.Generator | None = None
    # The way of working (truth.WAY_OF_WORKING): municipality index, PI index, first day
    # (-1 where the municipality or PI is not in the reference data).
    way_of_working: tuple[int, int, int] = (-1, -1, 0)

    def profile(self, key: str, pi: np.ndarray) -> np.ndarray:
        values = np.array([truth.PI_PROFILE[c][key] for c in self.pi_codes], dtype=float)
        return values[pi]


def _build_world(ref: Reference, first: int, last: int, rng: np.random.Generator) -> _World:
    current = ref.gemeenten.filter(pl.col("geldig_tot").is_null())
    gem = current.join(ref.inwoners.select("gemeente_code", "inwoners_2019"), on="gemeente_code")
    gem = gem.sort("gemeente_code")
    province_of = dict(zip(ref.gemeenten["gemeente_code"], ref.gemeenten["provincie"], strict=True))
    pis = ref.pis.sort("pi_code")
    effects = truth.gemeente_effects(gem["gemeente_code"].to_list())
    # Detainees come disproportionately from the larger cities.
    weight = gem["inwoners_2019"].to_numpy().astype(float) ** 1.15
    return _World(
        rng=rng,
        pi_codes=pis["pi_code"].to_numpy(),
        pi_province=np.array([province_of[c] for c in pis["gemeente_code"]]),
        gemeente_codes=gem["gemeente_code"].to_numpy(),
        gemeente_province=gem["provincie"].to_numpy(),
        gemeente_weight=weight / weight.sum(),
        gemeente_readiness=np.array([effects[c]["readiness"] for c in gem["gemeente_code"]]),
        window_start=year_start(first),
        export_day=day_number(dt.date(last + 1, 1, 15)),
        peildatum=day_number(dt.date(last + 1, 6, 30)),
        way_of_working=_way_of_working(gem["gemeente_code"].to_list(), pis["pi_code"].to_list()),
    )


def _way_of_working(gemeenten: list[str], pis: list[str]) -> tuple[int, int, int]:
    way = truth.WAY_OF_WORKING
    return (
        gemeenten.index(way["gemeente"]) if way["gemeente"] in gemeenten else -1,
        pis.index(way["pi"]) if way["pi"] in pis else -1,
        day_number(dt.date.fromisoformat(way["start"])),
    )


def _choose_pi(world: _World, gemeente: np.ndarray, young: np.ndarray) -> np.ndarray:
    """A PI in the home province twice as often as its capacity alone would give."""
    rng = world.rng
    capacity = np.array([truth.PI_PROFILE[c]["capacity"] for c in world.pi_codes])
    young_factor = np.array([truth.PI_PROFILE[c]["young"] for c in world.pi_codes])
    same = world.gemeente_province[gemeente][:, None] == world.pi_province[None, :]
    w = capacity[None, :] * np.where(young[:, None], young_factor[None, :], 1.0)
    w = w * np.where(same, 3.0, 1.0)
    cum = np.cumsum(w, axis=1)
    u = rng.random(len(gemeente)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def _new_people(world: _World, first: int, last: int, scale: float) -> dict[str, np.ndarray]:
    rng = world.rng
    admit_days, years = [], []
    for year in range(first - BURN_IN_YEARS, last + 2):
        volume = truth.YEAR_VOLUME.get(year, 1.0)
        n = rng.poisson(truth.RELEASES_PER_YEAR * scale * volume * ARRIVAL_SHARE)
        admit_days.append(year_start(year) + rng.integers(0, 365, n))
        years.append(np.full(n, year))
    admit = np.concatenate(admit_days)
    n = len(admit)
    sex = rng.choice(list(truth.SEX_SHARES), n, p=list(truth.SEX_SHARES.values()))
    age = np.where(rng.random(n) < 0.015, rng.integers(16, 18, n), 18 + rng.gamma(2.0, 7.5, n))
    age = np.clip(age, 16, 80).astype(int)
    birth_year = (1970 + admit / 365.25).astype(int) - age
    gemeente = rng.choice(len(world.gemeente_codes), n, p=world.gemeente_weight)
    ids = rng.choice(16**12, n, replace=False)
    return {
        "person": np.arange(n),
        "pseudoniem": np.array([f"TKM{v:012X}" for v in ids]),
        "sex": sex,
        "birth_year": birth_year,
        "gemeente": gemeente,
        "admit": admit,
    }


def _length_band(days: np.ndarray) -> np.ndarray:
    return np.digitize(days, [14, 90, 365])


def _age_band(age: np.ndarray) -> np.ndarray:
    return np.digitize(age, [18, 23, 30, 40, 50])


def _simulate_generation(
    world: _World, people: dict, person: np.ndarray, admit: np.ndarray, n_prior: np.ndarray
) -> tuple[dict, np.ndarray, np.ndarray]:
    """One episode per person given; returns the episodes, next admissions and their persons."""
    rng = world.rng
    n = len(person)
    gemeente = people["gemeente"][person]
    age_at_admit = (1970 + admit / 365.25).astype(int) - people["birth_year"][person]
    pi = _choose_pi(world, gemeente, age_at_admit < 23)

    band = rng.choice(4, n, p=truth.LENGTH_BAND_SHARES)
    lo = np.array([r[0] for r in truth.LENGTH_BAND_RANGES])[band]
    hi = np.array([r[1] for r in truth.LENGTH_BAND_RANGES])[band]
    stay = np.exp(rng.uniform(np.log(lo), np.log(hi + 1)))
    stay = np.maximum(1, np.round(stay * world.profile("stay", pi))).astype(int)
    release = admit + stay
    length = _length_band(stay)

    # Process steps during detention.
    pi_ready = world.profile("readiness", pi)
    months = np.maximum(stay / 30.4, 0.1)
    plan = rng.random(n) < sigmoid(0.6 + 2 * pi_ready + 0.5 * np.log(months))
    delivers_tbo = world.profile("tbo", pi) == 1
    tbo_held = delivers_tbo & (rng.random(n) < 0.85)
    tbo_within = rng.random(n) < sigmoid(1.0 + 3 * pi_ready)
    tbo_day = admit + np.where(tbo_within, rng.integers(1, 11, n), rng.integers(11, 60, n))
    tbo_held &= tbo_day <= release
    notice_known = rng.random(n) < 0.88
    notice_lead = rng.exponential(30 * np.exp(pi_ready), n).astype(int)
    notice_day = np.maximum(admit, release - notice_lead)
    timely = notice_known & (release - notice_day >= 14)

    # Leefgebieden: intake status, improvement during detention, recorded values.
    improve_shift = (
        truth.IMPROVE_PER_LOG_MONTH * np.log(months)
        + pi_ready
        + world.gemeente_readiness[gemeente]
        + truth.PROCESS_ON_IMPROVE["reintegratieplan"] * plan
        + truth.PROCESS_ON_IMPROVE["tbo_10d"] * (tbo_held & tbo_within)
        + truth.PROCESS_ON_IMPROVE["tijdig"] * timely
    )
    unknown_p = np.array(truth.UNKNOWN_BY_LENGTH)[length]
    screens_social = world.profile("social", pi) == 1
    episodes: dict[str, np.ndarray] = {}
    recid_logit = np.zeros(n)
    n_ok = np.zeros(n, dtype=int)
    for lg in LEEFGEBIEDEN:
        p_nee, p_nvt = truth.INTAKE_PROBS[lg]
        u = rng.random(n)
        intake = np.where(u < p_nee, "nee", np.where(u < p_nee + p_nvt, "nvt", "ja"))
        improved = rng.random(n) < sigmoid(truth.IMPROVE_BASE[lg] + improve_shift)
        ok = (intake != "nee") | improved
        at_release = np.where(intake == "nvt", "nvt", np.where(ok, "ja", "nee"))
        recid_logit += truth.READINESS_LOG_ODDS[lg] * ok
        n_ok += ok
        rec_in = _recorded(rng, intake, unknown_p)
        rec_out = _recorded(rng, at_release, unknown_p)
        if lg == "sociaal_netwerk":
            rec_in = np.where(screens_social, rec_in, None)
            rec_out = np.where(screens_social, rec_out, None)
        episodes[f"{lg}_instroom"] = rec_in
        episodes[f"{lg}_uitstroom"] = rec_out

    # Probation: supervision after release (it lowers recidivism), an advice during detention.
    prng = world.probation_rng
    supervised = prng.random(n) < np.array(truth.SUPERVISION_P_BY_LENGTH)[length]
    recid_logit += truth.SUPERVISION_LOG_ODDS * supervised
    probation = _probation(prng, n, admit, release, length, supervised)

    # Recidivism: the logistic truth for two years, then the time to the offence.
    release_year = (1970 + release / 365.25).astype(int)
    age_band = _age_band(release_year - people["birth_year"][person])
    sex = people["sex"][person]
    recid_logit += (
        truth.RECIDIVISM_INTERCEPT
        + np.vectorize(truth.SEX_LOG_ODDS.get)(sex)
        + np.array([truth.AGE_LOG_ODDS[b] for b in truth.AGE_BANDS])[age_band]
        + np.array([truth.LENGTH_LOG_ODDS[b] for b in truth.LENGTH_BANDS])[length]
        + truth.PRIOR_RELEASE_LOG_ODDS * np.minimum(n_prior, 5)
        + world.profile("recidivism", pi)
        + np.vectorize(lambda y: truth.YEAR_RECIDIVISM.get(int(y), 0.0))(release_year)
    )
    # (Drawn in the same order as ever, so that the rest of the demo stays as it was; applied
    # after the transfer, which decides the PI of release that the way of working needs.)
    u_recid, u_late = rng.random(n), rng.random(n)
    t_soon, t_late = np.ceil(730 * rng.random(n) ** (1 / truth.TIME_SHAPE)), rng.exponential(700, n)

    # Transfers: the first part of a longer stay ends in 'overplaatsing' at another PI.
    transfer = (stay >= 30) & (rng.random(n) < truth.TRANSFER_SHARE)
    transfer_day = admit + (stay * rng.uniform(0.2, 0.8, n)).astype(int)
    other_pi = (pi + rng.integers(1, len(world.pi_codes), n)) % len(world.pi_codes)

    way = world.way_of_working
    treated = (
        (gemeente == way[0]) & (np.where(transfer, other_pi, pi) == way[1]) & (release >= way[2])
    )
    recid_logit += truth.WAY_OF_WORKING_LOG_ODDS * treated
    within_two = u_recid < sigmoid(recid_logit)
    late = ~within_two & (u_late < truth.LATE_REOFFENCE)
    t = np.where(within_two, t_soon, 730 + np.ceil(t_late))
    offence_day = np.where(within_two | late, release + np.maximum(t, 1), -1).astype(int)
    # The same releases without each effect: their two-year outcome by the same draws (the
    # one-year outcome adds t_soon <= 365).
    without = {
        "supervision": u_recid < sigmoid(recid_logit - truth.SUPERVISION_LOG_ODDS * supervised),
        "way_of_working": u_recid < sigmoid(recid_logit - truth.WAY_OF_WORKING_LOG_ODDS * treated),
    }

    reason = np.where(
        stay >= 365,
        rng.choice(["einde_straf", "vi", "overig"], n, p=[0.55, 0.38, 0.07]),
        np.where(
            stay < 90,
            rng.choice(["einde_straf", "schorsing", "overig"], n, p=[0.50, 0.40, 0.10]),
            rng.choice(["einde_straf", "schorsing", "overig"], n, p=[0.80, 0.08, 0.12]),
        ),
    )
    gemeente_known = rng.random(n) >= 0.04

    # After a transfer the episode at the second PI starts on the transfer day: a TBO or a
    # notification from before then belongs to the first PI.
    admit_here = np.where(transfer, transfer_day, admit)
    tbo_held &= ~transfer
    notice_day = np.maximum(notice_day, admit_here)
    episodes.update(
        person=person,
        pi=np.where(transfer, other_pi, pi),
        admit=admit_here,
        release=release,
        reason=reason,
        gemeente=np.where(gemeente_known, gemeente, -1),
        true_gemeente=gemeente,
        plan=np.where(rng.random(n) < 0.08, None, np.where(plan, "ja", "nee")),
        tbo=np.where(tbo_held, tbo_day, -1),
        notice=np.where(notice_known, notice_day, -1),
        offence=offence_day,
        n_ok=n_ok,
        release_true_ok=n_ok == 6,
        is_transfer_part=np.zeros(n, dtype=bool),
        within_two=within_two,
        soon=t_soon <= 365,
        treated_way_of_working=treated,
        without_supervision=without["supervision"],
        without_way_of_working=without["way_of_working"],
        **probation,
    )
    first_parts = _transfer_first_parts(episodes, transfer, pi, admit, transfer_day)

    redetained = (offence_day > 0) & (rng.random(n) < truth.REDETENTION)
    next_admit = offence_day + 1 + rng.exponential(45, n).astype(int)
    keep = redetained & (next_admit <= world.export_day)
    return _concat(episodes, first_parts), person[keep], next_admit[keep]


def _choice(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    return rng.choice(np.array(list(shares), dtype=object), n, p=list(shares.values()))


def _probation(
    rng: np.random.Generator,
    n: int,
    admit: np.ndarray,
    release: np.ndarray,
    length: np.ndarray,
    supervised: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per episode: a supervision after release (start, end, frame, outcome, organisation)
    and an advice during detention (start, end, organisation)."""
    long_stay = length == 3
    frame = np.where(
        long_stay,
        _choice(rng, truth.SUPERVISION_FRAME_LONG, n),
        _choice(rng, truth.SUPERVISION_FRAME_SHORT, n),
    )
    sup_start = release + rng.integers(0, 31, n)
    advised = (release - admit >= 14) & (rng.random(n) < truth.ADVICE_P)
    adv_start = admit + rng.integers(0, 8, n)
    return {
        "supervised": supervised,
        "sup_org": _choice(rng, truth.PROBATION_ORGANISATION_SHARES, n),
        "sup_start": sup_start,
        "sup_end": sup_start + rng.integers(120, 731, n),
        "sup_frame": frame,
        "sup_ending": _choice(rng, truth.SUPERVISION_ENDINGS, n),
        "advised": advised,
        "adv_org": _choice(rng, truth.PROBATION_ORGANISATION_SHARES, n),
        "adv_start": adv_start,
        "adv_end": np.minimum(release, adv_start + rng.integers(20, 90, n)),
        "adv_at_tbo": rng.random(n) < truth.ADVICE_AT_TBO_P,
    }


def _recorded(rng: np.random.Generator, status: np.ndarray, unknown_p: np.ndarray) -> np.ndarray:
    """The recorded value: the status, or 'onbekend' / empty when it was not recorded."""
    u = rng.random(len(status))
    return np.where(u < unknown_p / 2, "onbekend", np.where(u < unknown_p, None, status))


def _transfer_first_parts(
    episodes: dict,
    transfer: np.ndarray,
    pi: np.ndarray,
    admit: np.ndarray,
    transfer_day: np.ndarray,
) -> dict:
    """The episode at the first PI of a transferred stay: ends in 'overplaatsing'. Both parts
    carry the same intake screening; only the second has statuses at release."""
    part = {k: v[transfer] for k, v in episodes.items()}
    part.update(
        pi=pi[transfer],
        admit=admit[transfer],
        release=transfer_day[transfer],
        reason=np.full(transfer.sum(), "overplaatsing"),
        tbo=np.full(transfer.sum(), -1),
        notice=np.full(transfer.sum(), -1),
        offence=np.full(transfer.sum(), -1),
        is_transfer_part=np.ones(transfer.sum(), dtype=bool),
        supervised=np.zeros(transfer.sum(), dtype=bool),
        advised=np.zeros(transfer.sum(), dtype=bool),
    )
    for lg in LEEFGEBIEDEN:
        part[f"{lg}_uitstroom"] = np.full(transfer.sum(), None)
    return part


def _concat(a: dict, b: dict) -> dict:
    return {k: np.concatenate([a[k], b[k]]) for k in a}


def simulate(first: int, last: int, scale: float, seed: int, ref: Reference) -> Simulation:
    """Run the whole simulation and return the canonical frames of the three exports."""
    rng = np.random.default_rng(seed)
    world = _build_world(ref, first, last, rng)
    world.probation_rng = np.random.default_rng([seed, 21])
    people = _new_people(world, first, last, scale)
    n_people = len(people["person"])
    prior = np.zeros(n_people, dtype=int)

    parts: list[dict] = []
    person, admit = people["person"], people["admit"]
    while len(person):
        generation, person, admit = _simulate_generation(
            world, people, person, admit, prior[person]
        )
        releases = ~generation["is_transfer_part"] & (generation["release"] >= world.window_start)
        np.add.at(prior, generation["person"][releases], 1)
        parts.append(generation)
    ep = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    truths = _truths(world, ep)
    episodes = _episode_frame(world, people, ep)
    trajectories = _trajectory_frame(world, people, ep)
    cases = _case_frame(world, people, ep)
    probation = _probation_frame(world, people, ep)
    return Simulation(
        episodes=episodes,
        trajectories=trajectories,
        cases=cases,
        probation=probation,
        export_date=dt.date(last + 1, 1, 15),
        nazorg_export_date=dt.date(last + 1, 2, 1),
        peildatum=dt.date(last + 1, 6, 30),
        truth=truths,
    )


def _truths(world: _World, ep: dict) -> dict:
    """The average effect on the treated of each planted effect (Simulation.truth)."""
    release = ep["release"]
    counted = ~ep["is_transfer_part"] & (release >= world.window_start)
    out = {}
    for name, treated, without in (
        ("onder_toezicht", ep["supervised"], ep["without_supervision"]),
        ("way_of_working", ep["treated_way_of_working"], ep["without_way_of_working"]),
    ):
        effect: dict = {"n": int((counted & treated).sum())}
        for k, soon in ((1, ep["soon"]), (2, np.ones(len(release), dtype=bool))):
            chosen = counted & treated & (release + 365 * k <= world.peildatum)
            actual = (ep["within_two"] & soon)[chosen]
            other = (without & soon)[chosen]
            effect[f"att_{k}y"] = (
                round(100 * float(actual.mean() - other.mean()), 2) if chosen.any() else None
            )
        out[name] = effect
    return out


def _dates(days: np.ndarray) -> pl.Series:
    """Day numbers to a Polars date series; negative numbers (no date) become null."""
    s = pl.lit(pl.Series(days.astype(np.int32)))
    return pl.select(pl.when(s >= 0).then(s).cast(pl.Date)).to_series()


def _frame(columns: dict) -> pl.DataFrame:
    """A frame from NumPy arrays; object arrays (text with None) become text columns."""
    return pl.DataFrame(
        [
            v.alias(k)
            if isinstance(v, pl.Series)
            else pl.Series(k, v.tolist(), dtype=pl.String)
            if v.dtype.kind == "O"
            else pl.Series(k, v)
            for k, v in columns.items()
        ]
    )


def _episode_frame(world: _World, people: dict, ep: dict) -> pl.DataFrame:
    """The exported episodes: released in the window, or still detained at the export date."""
    keep = (ep["admit"] <= world.export_day) & (
        (ep["release"] >= world.window_start) | (ep["release"] > world.export_day)
    )
    ep = {k: v[keep] for k, v in ep.items()}
    detained = ep["release"] > world.export_day
    person = ep["person"]
    frame = {
        "pseudoniem": people["pseudoniem"][person],
        "inrichting": world.pi_codes[ep["pi"]],
        "instroomdatum": _dates(ep["admit"]),
        "uitstroomdatum": _dates(np.where(detained, -1, ep["release"])),
        "uitstroomreden": np.where(detained, None, ep["reason"]),
        "gemeente_code": np.where(ep["gemeente"] >= 0, world.gemeente_codes[ep["gemeente"]], None),
        "geboortejaar": people["birth_year"][person],
        "geslacht": people["sex"][person],
    }
    for lg in LEEFGEBIEDEN:
        frame[f"{lg}_instroom"] = ep[f"{lg}_instroom"]
    for lg in LEEFGEBIEDEN:
        frame[f"{lg}_uitstroom"] = np.where(detained, None, ep[f"{lg}_uitstroom"])
    frame["reintegratieplan"] = ep["plan"]
    frame["tbo_datum"] = _dates(np.where(ep["tbo"] <= world.export_day, ep["tbo"], -1))
    frame["melding_gemeente_datum"] = _dates(
        np.where(ep["notice"] <= world.export_day, ep["notice"], -1)
    )
    df = _frame(frame).with_columns(
        pl.lit(dt.date.fromordinal(EPOCH.toordinal() + world.export_day)).alias("exportdatum"),
        pl.col("geboortejaar").cast(pl.Int64),
    )
    return df.unique(subset=["pseudoniem", "instroomdatum"], keep="first", maintain_order=True)


def _trajectory_frame(world: _World, people: dict, ep: dict) -> pl.DataFrame:
    """Nazorg trajectories in the municipalities that deliver them."""
    rng = world.rng
    effects = truth.gemeente_effects(world.gemeente_codes.tolist())
    delivers = np.array([effects[c]["delivers_nazorg"] for c in world.gemeente_codes])
    in_beeld = np.array([effects[c]["in_beeld"] for c in world.gemeente_codes])
    released = (
        ~ep["is_transfer_part"]
        & (ep["release"] >= world.window_start)
        & (ep["release"] <= world.export_day)
        & (ep["gemeente"] >= 0)
    )
    g = np.where(ep["gemeente"] >= 0, ep["gemeente"], 0)
    timely = (ep["notice"] >= 0) & (ep["release"] - ep["notice"] >= 14)
    exists = released & delivers[g] & (rng.random(len(g)) < sigmoid(in_beeld[g] + 0.8 * timely))
    idx = np.flatnonzero(exists)
    n = len(idx)
    release = ep["release"][idx]
    notice = ep["notice"][idx]
    use_pi_notice = (notice >= 0) & (rng.random(n) < 0.85)
    melding = np.where(use_pi_notice, notice, release + rng.integers(1, 60, n))
    contact = np.where(rng.random(n) < 0.8, melding + rng.integers(0, 40, n), -1)
    three_months_known = release + 91 <= world.export_day
    frame = {
        "pseudoniem": people["pseudoniem"][ep["person"][idx]],
        "gemeente_code": world.gemeente_codes[g[idx]],
        "melding_datum": _dates(melding),
        "uitstroomdatum": _dates(np.where(rng.random(n) < 0.9, release, -1)),
        "eerste_contact_datum": _dates(np.where(contact <= world.export_day, contact, -1)),
        "casemanager": rng.choice(
            np.array(["ja", "nee", None], dtype=object), n, p=[0.6, 0.3, 0.1]
        ),
    }
    for lg in LEEFGEBIEDEN:
        at_release = ep[f"{lg}_uitstroom"][idx]
        ok = np.isin(at_release, ["ja", "nvt"])
        later_ok = np.where(ok, rng.random(n) < 0.9, rng.random(n) < 0.35)
        status = np.where(later_ok, "ja", "nee")
        status = np.where(rng.random(n) < 0.2, "onbekend", status)
        frame[f"{lg}_3mnd"] = np.where(three_months_known, status, None)
    df = _frame(frame).with_columns(
        pl.lit(dt.date.fromordinal(EPOCH.toordinal() + world.export_day + 17)).alias("exportdatum")
    )
    return df.filter(pl.col("melding_datum") <= pl.col("exportdatum")).unique(
        subset=["pseudoniem", "gemeente_code", "melding_datum"], keep="first", maintain_order=True
    )


def _probation_frame(world: _World, people: dict, ep: dict) -> pl.DataFrame:
    """Probation trajectories of the three organisations: supervisions after releases in the
    window, advices during the stays. A supervision during which the person re-offended ends
    negatively more often."""
    rng = world.probation_rng
    export = world.export_day + 10
    released = ~ep["is_transfer_part"] & (ep["release"] >= world.window_start)
    sup = np.flatnonzero(released & ep["supervised"] & (ep["sup_start"] <= export))
    adv = np.flatnonzero(ep["advised"] & (ep["adv_start"] <= export) & released)
    end = ep["sup_end"][sup]
    offence = ep["offence"][sup]
    during = (offence >= ep["sup_start"][sup]) & (offence <= end)
    ending = np.where(during & (rng.random(len(sup)) < 0.7), "negatief", ep["sup_ending"][sup])
    running = end > export
    adv_end = ep["adv_end"][adv]
    frames = [
        {
            "pseudoniem": people["pseudoniem"][ep["person"][sup]],
            "organisatie": ep["sup_org"][sup],
            "soort": np.full(len(sup), "toezicht", dtype=object),
            "kader": ep["sup_frame"][sup],
            "startdatum": _dates(ep["sup_start"][sup]),
            "einddatum": _dates(np.where(running, -1, end)),
            "afloop": np.where(running, None, ending).astype(object),
            "betrokken_bij_tbo": np.full(len(sup), None, dtype=object),
        },
        {
            "pseudoniem": people["pseudoniem"][ep["person"][adv]],
            "organisatie": ep["adv_org"][adv],
            "soort": np.full(len(adv), "advies", dtype=object),
            "kader": np.full(len(adv), None, dtype=object),
            "startdatum": _dates(ep["adv_start"][adv]),
            "einddatum": _dates(np.where(adv_end > export, -1, adv_end)),
            "afloop": np.full(len(adv), None, dtype=object),
            "betrokken_bij_tbo": np.where(
                ep["tbo"][adv] >= 0, np.where(ep["adv_at_tbo"][adv], "ja", "nee"), None
            ).astype(object),
        },
    ]
    df = pl.concat([_frame(f) for f in frames]).with_columns(
        pl.lit(dt.date.fromordinal(EPOCH.toordinal() + export)).alias("exportdatum")
    )
    return df.unique(
        subset=["pseudoniem", "organisatie", "soort", "startdatum"], keep="first",
        maintain_order=True,
    )  # fmt: skip


def _case_frame(world: _World, people: dict, ep: dict) -> pl.DataFrame:
    """New criminal cases: re-offences, index offences, and cases that must not count."""
    rng = world.rng
    person, release = ep["person"], ep["release"]
    released = ~ep["is_transfer_part"] & (release <= world.export_day)
    # Re-offences (one or two cases each).
    has = ep["offence"] > 0
    re_person, re_day = person[has], ep["offence"][has]
    twice = rng.random(len(re_person)) < 0.3
    re_person = np.concatenate([re_person, re_person[twice]])
    re_day = np.concatenate([re_day, re_day[twice] + rng.integers(0, 5, twice.sum())])
    counting = np.array(["veroordeling", "strafbeschikking", "transactie", "beleidssepot"])
    re_disposal = rng.choice(counting, len(re_day), p=[0.5, 0.2, 0.12, 0.18])
    recent = re_day > world.peildatum - 300
    re_disposal = np.where(recent & (rng.random(len(re_day)) < 0.5), "lopend", re_disposal)
    # Cases that never count: acquittals and technical dismissals after release, and
    # offences dated on the release day itself.
    noise = released & (rng.random(len(person)) < 0.08)
    nz_person = person[noise]
    nz_day = release[noise] + rng.integers(1, 700, noise.sum())
    nz_disposal = rng.choice(["vrijspraak", "technisch_sepot"], noise.sum())
    same_day = released & (rng.random(len(person)) < 0.02)
    sd_person, sd_day = person[same_day], release[same_day]
    sd_disposal = rng.choice(counting, same_day.sum())
    # The offence behind half of the admissions, dated before them (never counts).
    first = rng.random(len(person)) < 0.5
    ix_person = person[first]
    ix_day = ep["admit"][first] - rng.integers(1, 90, first.sum())
    ix_disposal = rng.choice(counting, first.sum())

    all_person = np.concatenate([re_person, nz_person, sd_person, ix_person])
    all_day = np.concatenate([re_day, nz_day, sd_day, ix_day])
    disposal = np.concatenate([re_disposal, nz_disposal, sd_disposal, ix_disposal])
    keep = (all_day <= world.peildatum) & (all_day >= year_start(1990))
    all_person, all_day, disposal = all_person[keep], all_day[keep], disposal[keep]
    n = len(all_day)
    registered = all_day + rng.integers(0, 120, n)
    registered = np.where((registered <= world.peildatum) & (rng.random(n) < 0.95), registered, -1)
    ids = rng.choice(10**9, n, replace=False)
    groups = rng.choice(np.array(OFFENCE_GROUPS), n, p=[0.2, 0.3, 0.05, 0.1, 0.12, 0.1, 0.03, 0.1])
    df = _frame(
        {
            "pseudoniem": people["pseudoniem"][all_person],
            "zaak_id": np.array([f"ZK{v:09d}" for v in ids]),
            "pleegdatum": _dates(all_day),
            "registratiedatum": _dates(registered),
            "delictgroep": groups,
            "ernstig": np.where(rng.random(n) < truth.SEVERE_SHARE, "ja", "nee"),
            "afdoening": disposal,
        }
    ).with_columns(
        pl.lit(dt.date.fromordinal(EPOCH.toordinal() + world.peildatum)).alias("peildatum")
    )
    return df.sort("pleegdatum", "zaak_id")
