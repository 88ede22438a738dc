"""The ground truth of the synthetic demo data: every effect size in one place.

Later analyses (readiness, recidivism, case-mix correction, success factors) are checked
against these numbers: they are what an analysis of the demo data should recover.

The simulation (intake/demo/simulate.py) works per detention episode:

1. A person is admitted to a PI; the stay length, the release reason and a possible transfer
   follow the distributions below.
2. At intake each leefgebied is `nee` (not in order), `nvt` or `ja` with INTAKE_PROBS. A `nee`
   becomes in order by release with probability
   sigmoid(IMPROVE_BASE[lg] + IMPROVE_PER_LOG_MONTH * log(stay months) + PI_READINESS[pi]
           + gemeente effect + PROCESS_ON_IMPROVE for each process step taken).
   The recorded status is `onbekend` (or empty) with UNKNOWN_BY_LENGTH of the stay.
3. Two-year recidivism is a logistic model on the true (not the recorded) status at release:
   logit p = RECIDIVISM_INTERCEPT + SEX + AGE_BAND + LENGTH_BAND + PRIOR_RELEASE * min(n, 5)
             + sum over leefgebieden of READINESS_LOG_ODDS[lg] * (in order at release)
             + PI_RECIDIVISM[pi] + YEAR_RECIDIVISM[release year]
             + SUPERVISION_LOG_ODDS * (under supervision after release)
             + WAY_OF_WORKING_LOG_ODDS * (a Rotterdam resident released from PI Rotterdam
               from July 2019)
   Process steps have no effect of their own on recidivism: they act only through readiness.
   The odds ratios exp(coefficient) are what the factor explorer should find.
4. Given re-offending within two years, the time to the offence has the distribution function
   F(t) = (t / 730) ** TIME_SHAPE on (0, 730] days, so that one-year recidivism is two thirds
   of two-year recidivism (about 30% against 45%). Of the others, LATE_REOFFENCE re-offend
   after two years. A re-offence leads to a new detention with probability REDETENTION.
"""

from __future__ import annotations

import math

import numpy as np

RELEASES_PER_YEAR = 30_000
# Relative volume per release year: a dip in 2020 (courts and prisons in the pandemic).
YEAR_VOLUME: dict[int, float] = {
    2015: 1.05,
    2016: 1.03,
    2017: 1.01,
    2018: 0.99,
    2019: 0.98,
    2020: 0.84,
    2021: 0.94,
    2022: 0.99,
    2023: 1.01,
    2024: 1.03,
}

SEX_SHARES: dict[str, float] = {"M": 0.905, "V": 0.09, "X": 0.005}

# Stay length (days): a mixture per band; more than half stay under three months.
LENGTH_BANDS: tuple[str, ...] = ("<14", "14-89", "90-364", ">=365")
LENGTH_BAND_SHARES: tuple[float, ...] = (0.33, 0.27, 0.28, 0.12)
LENGTH_BAND_RANGES: tuple[tuple[int, int], ...] = ((1, 13), (14, 89), (90, 364), (365, 1460))

# Release reasons for short and long stays; `vi` only after a year or more.
TRANSFER_SHARE = 0.05  # episodes that end in a transfer (overplaatsing) to another PI

AGE_BANDS: tuple[str, ...] = ("12-17", "18-22", "23-29", "30-39", "40-49", "50+")

# Leefgebied at intake: probability of `nee` and of `nvt`; the rest is `ja`.
INTAKE_PROBS: dict[str, tuple[float, float]] = {
    "id_bewijs": (0.30, 0.00),
    "onderdak": (0.38, 0.00),
    "werk_inkomen": (0.55, 0.05),
    "schulden": (0.50, 0.15),
    "zorg": (0.30, 0.25),
    "sociaal_netwerk": (0.25, 0.00),
}
IMPROVE_BASE: dict[str, float] = {
    "id_bewijs": 0.6,
    "onderdak": -0.6,
    "werk_inkomen": -1.0,
    "schulden": -0.8,
    "zorg": 0.0,
    "sociaal_netwerk": -1.2,
}
IMPROVE_PER_LOG_MONTH = 0.55
PROCESS_ON_IMPROVE: dict[str, float] = {"reintegratieplan": 0.4, "tbo_10d": 0.3, "tijdig": 0.3}
UNKNOWN_BY_LENGTH: tuple[float, ...] = (0.30, 0.14, 0.06, 0.04)

# 1.05 before probation (v1.1); +0.07 keeps the national two-year rate near 45% now that about
# 28% of the releases are under supervision (SUPERVISION_LOG_ODDS below).
RECIDIVISM_INTERCEPT = 1.12
SEX_LOG_ODDS: dict[str, float] = {"M": 0.0, "V": -0.45, "X": 0.0}
AGE_LOG_ODDS: dict[str, float] = {
    "12-17": 0.55,
    "18-22": 0.40,
    "23-29": 0.20,
    "30-39": 0.0,
    "40-49": -0.35,
    "50+": -0.90,
}
LENGTH_LOG_ODDS: dict[str, float] = {"<14": 0.15, "14-89": 0.10, "90-364": 0.0, ">=365": -0.20}
PRIOR_RELEASE_LOG_ODDS = 0.30  # per earlier release in the data, counted up to five
READINESS_LOG_ODDS: dict[str, float] = {
    "id_bewijs": -0.15,
    "onderdak": -0.50,
    "werk_inkomen": -0.40,
    "schulden": -0.20,
    "zorg": -0.30,
    "sociaal_netwerk": -0.20,
}
YEAR_RECIDIVISM: dict[int, float] = {2020: -0.10, 2021: -0.05, 2023: -0.05, 2024: -0.08}
TIME_SHAPE = math.log(2 / 3) / math.log(0.5)
LATE_REOFFENCE = 0.25
REDETENTION = 0.5
SEVERE_SHARE = 0.35

# Per PI: relative capacity, composition (share under 23, stay-length multiplier) and the
# true effects on readiness (log-odds of improving) and on recidivism (log-odds), plus what
# the PI delivers (TBO dates; the sixth leefgebied, which DJI does not screen everywhere).
PI_PROFILE: dict[str, dict[str, float]] = {
    # code:           capacity young  stay  readiness recid  tbo  social
    "almelo": dict(
        capacity=0.8, young=1.0, stay=1.0, readiness=0.35, recidivism=-0.15, tbo=1, social=1
    ),
    "alphen": dict(
        capacity=1.3, young=1.0, stay=1.2, readiness=0.0, recidivism=0.0, tbo=0, social=1
    ),
    "arnhem": dict(
        capacity=1.0, young=1.1, stay=1.0, readiness=-0.1, recidivism=0.10, tbo=0, social=0
    ),
    "dordrecht": dict(
        capacity=0.6, young=1.2, stay=0.8, readiness=0.0, recidivism=0.05, tbo=0, social=1
    ),
    "grave": dict(
        capacity=0.9, young=0.9, stay=1.3, readiness=0.1, recidivism=-0.05, tbo=0, social=1
    ),
    "haaglanden": dict(
        capacity=1.5, young=1.3, stay=0.9, readiness=-0.2, recidivism=0.20, tbo=0, social=0
    ),
    "heerhugowaard": dict(
        capacity=1.0, young=1.0, stay=1.0, readiness=0.25, recidivism=-0.10, tbo=1, social=1
    ),
    "krimpen": dict(
        capacity=0.8, young=1.2, stay=0.9, readiness=-0.1, recidivism=0.10, tbo=0, social=1
    ),
    "leeuwarden": dict(
        capacity=0.7, young=0.9, stay=1.0, readiness=0.1, recidivism=-0.05, tbo=0, social=1
    ),
    "lelystad": dict(
        capacity=0.9, young=1.1, stay=1.1, readiness=-0.15, recidivism=0.05, tbo=0, social=0
    ),
    "middelburg": dict(
        capacity=0.5, young=0.9, stay=1.0, readiness=0.0, recidivism=0.0, tbo=0, social=1
    ),
    "nieuwegein": dict(
        capacity=0.9, young=1.0, stay=1.0, readiness=0.05, recidivism=0.0, tbo=0, social=1
    ),
    "nieuwersluis": dict(
        capacity=0.5, young=0.8, stay=1.1, readiness=0.3, recidivism=-0.20, tbo=1, social=1
    ),
    "roermond": dict(
        capacity=0.8, young=1.0, stay=1.0, readiness=-0.05, recidivism=0.05, tbo=0, social=0
    ),
    "rotterdam": dict(
        capacity=1.8, young=1.4, stay=0.8, readiness=-0.25, recidivism=0.25, tbo=0, social=1
    ),
    "sittard": dict(
        capacity=0.8, young=1.0, stay=1.0, readiness=0.0, recidivism=0.0, tbo=0, social=1
    ),
    "ter_apel": dict(
        capacity=0.4, young=0.8, stay=1.0, readiness=-0.3, recidivism=0.05, tbo=0, social=0
    ),
    "ter_peel": dict(
        capacity=0.7, young=0.9, stay=1.2, readiness=0.3, recidivism=-0.15, tbo=1, social=1
    ),
    "veenhuizen": dict(
        capacity=1.2, young=0.7, stay=1.5, readiness=0.05, recidivism=-0.05, tbo=0, social=1
    ),
    "vught": dict(
        capacity=1.3, young=0.8, stay=1.6, readiness=0.1, recidivism=0.0, tbo=0, social=1
    ),
    "zaanstad": dict(
        capacity=1.4, young=1.2, stay=0.9, readiness=-0.1, recidivism=0.15, tbo=0, social=1
    ),
    "zwaag": dict(
        capacity=0.6, young=1.0, stay=1.0, readiness=0.0, recidivism=0.0, tbo=0, social=1
    ),
    "zwolle": dict(
        capacity=1.0, young=1.0, stay=1.0, readiness=0.45, recidivism=-0.25, tbo=1, social=1
    ),
}

# Municipalities: their effects are drawn once from a fixed seed (not the run's seed), so
# that the truth is the same for every demo data set and can be recomputed here.
GEMEENTE_EFFECT_SEED = 20190702  # the day the bestuurlijk akkoord was signed
GEMEENTE_READINESS_SD = 0.35
GEMEENTE_IN_BEELD_MEAN, GEMEENTE_IN_BEELD_SD = 1.3, 0.6  # log-odds of a trajectory existing
NAZORG_DELIVERING_SHARE = 0.15  # share of the smaller municipalities that deliver nazorg data
NAZORG_ALWAYS = ("GM0363", "GM0599", "GM0518", "GM0344", "GM0193", "GM0141")


def gemeente_effects(codes: list[str]) -> dict[str, dict[str, float]]:
    """True per-municipality effects: readiness log-odds, in-beeld log-odds, delivers nazorg."""
    rng = np.random.default_rng(GEMEENTE_EFFECT_SEED)
    ordered = sorted(codes)
    readiness = rng.normal(0.0, GEMEENTE_READINESS_SD, len(ordered))
    in_beeld = rng.normal(GEMEENTE_IN_BEELD_MEAN, GEMEENTE_IN_BEELD_SD, len(ordered))
    delivers = rng.random(len(ordered)) < NAZORG_DELIVERING_SHARE
    return {
        code: {
            "readiness": float(readiness[i]),
            "in_beeld": float(in_beeld[i]),
            "delivers_nazorg": bool(delivers[i] or code in NAZORG_ALWAYS),
        }
        for i, code in enumerate(ordered)
    }


def readiness_odds_ratios() -> dict[str, float]:
    """The true odds ratio of two-year recidivism for each leefgebied in order at release."""
    return {lg: math.exp(beta) for lg, beta in READINESS_LOG_ODDS.items()}


# Probation (reclassering, contract v1.1). After a release a supervision (toezicht) starts
# within 0..30 days with a probability by detention-length band (most after a year or more,
# then mostly under voorwaardelijke invrijheidstelling). Supervision lowers two-year
# recidivism: SUPERVISION_LOG_ODDS is added to the logit above, the association that the
# Succesfactoren page should recover. During detention the probation service writes an advice
# for some stays of two weeks or more; its officer takes part in the TBO when there is one.
SUPERVISION_LOG_ODDS = -0.35
# A way of working that started on a date (issue 35's effect evaluation): the residents of one
# municipality released from its PI from that day on re-offend less (after the Zwolle way of
# working: a trajectbepalingsoverleg of gemeente, PI and reclassering within the first ten
# days, from July 2019; planted in Rotterdam, whose numbers carry an evaluation at national
# scale): this is added to their recidivism logit. The simulator reports the average effect on
# the treated (simulate.Simulation.truth).
WAY_OF_WORKING = {"gemeente": "GM0599", "pi": "rotterdam", "start": "2019-07-01"}
WAY_OF_WORKING_LOG_ODDS = -0.5
SUPERVISION_P_BY_LENGTH: tuple[float, ...] = (0.08, 0.18, 0.35, 0.75)
SUPERVISION_FRAME_LONG = {"vi": 0.8, "voorwaardelijke_straf": 0.15, "overig": 0.05}
SUPERVISION_FRAME_SHORT = {"voorwaardelijke_straf": 0.6, "schorsing": 0.25, "overig": 0.15}
SUPERVISION_ENDINGS = {"regulier": 0.74, "negatief": 0.2, "overig": 0.06}
PROBATION_ORGANISATION_SHARES = {"rn": 0.7, "svg": 0.2, "ldh": 0.1}
ADVICE_P = 0.3
ADVICE_AT_TBO_P = 0.7
