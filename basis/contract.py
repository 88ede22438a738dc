"""The exchange format v1 (docs/uitwisselformaat.md) as constants.

Readers, schemas, the demo generator and the SQL staging all take their column names and
codes from here, so the contract is written down once in code.
"""

from __future__ import annotations

import re

LEEFGEBIEDEN: tuple[str, ...] = (
    "id_bewijs",
    "onderdak",
    "werk_inkomen",
    "schulden",
    "zorg",
    "sociaal_netwerk",
)
STATUS_CODES: tuple[str, ...] = ("ja", "nee", "nvt", "onbekend")
YES_NO: tuple[str, ...] = ("ja", "nee")
SEX_CODES: tuple[str, ...] = ("M", "V", "X")
RELEASE_REASONS: tuple[str, ...] = ("einde_straf", "vi", "schorsing", "overplaatsing", "overig")
OFFENCE_GROUPS: tuple[str, ...] = (
    "geweld",
    "vermogen",
    "vermogen_geweld",
    "vernieling_openbare_orde",
    "opium",
    "verkeer",
    "zeden",
    "overig",
)
DISPOSALS: tuple[str, ...] = (
    "veroordeling",
    "strafbeschikking",
    "transactie",
    "beleidssepot",
    "vrijspraak",
    "technisch_sepot",
    "lopend",
)

# reclassering (v1.1): the three probation organisations (3RO), what a trajectory is, the legal
# frame of a supervision and how an ended supervision ended.
PROBATION_ORGANISATIONS: tuple[str, ...] = ("rn", "svg", "ldh")
PROBATION_KINDS: tuple[str, ...] = ("advies", "toezicht")
SUPERVISION_FRAMES: tuple[str, ...] = ("vi", "voorwaardelijke_straf", "schorsing", "overig")
SUPERVISION_ENDINGS: tuple[str, ...] = ("regulier", "negatief", "overig")

SOURCES: tuple[str, ...] = ("pi", "gemeente", "recidive", "reclassering")

PI_COLUMNS: tuple[str, ...] = (
    "pseudoniem",
    "inrichting",
    "instroomdatum",
    "uitstroomdatum",
    "uitstroomreden",
    "gemeente_code",
    "geboortejaar",
    "geslacht",
    *(f"{lg}_instroom" for lg in LEEFGEBIEDEN),
    *(f"{lg}_uitstroom" for lg in LEEFGEBIEDEN),
    "reintegratieplan",
    "tbo_datum",
    "melding_gemeente_datum",
    "exportdatum",
)
GEMEENTE_COLUMNS: tuple[str, ...] = (
    "pseudoniem",
    "gemeente_code",
    "melding_datum",
    "uitstroomdatum",
    "eerste_contact_datum",
    "casemanager",
    *(f"{lg}_3mnd" for lg in LEEFGEBIEDEN),
    "exportdatum",
)
RECIDIVE_COLUMNS: tuple[str, ...] = (
    "pseudoniem",
    "zaak_id",
    "pleegdatum",
    "registratiedatum",
    "delictgroep",
    "ernstig",
    "afdoening",
    "peildatum",
)

RECLASSERING_COLUMNS: tuple[str, ...] = (
    "pseudoniem",
    "organisatie",
    "soort",
    "kader",
    "startdatum",
    "einddatum",
    "afloop",
    "betrokken_bij_tbo",
    "exportdatum",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "pi": PI_COLUMNS,
    "gemeente": GEMEENTE_COLUMNS,
    "recidive": RECIDIVE_COLUMNS,
    "reclassering": RECLASSERING_COLUMNS,
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "pi": ("pseudoniem", "inrichting", "instroomdatum", "geboortejaar", "geslacht", "exportdatum"),
    "gemeente": ("pseudoniem", "gemeente_code", "melding_datum", "exportdatum"),
    "recidive": ("pseudoniem", "zaak_id", "pleegdatum", "delictgroep", "afdoening", "peildatum"),
    "reclassering": ("pseudoniem", "organisatie", "soort", "startdatum", "exportdatum"),
}
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "pi": ("instroomdatum", "uitstroomdatum", "tbo_datum", "melding_gemeente_datum", "exportdatum"),
    "gemeente": ("melding_datum", "uitstroomdatum", "eerste_contact_datum", "exportdatum"),
    "recidive": ("pleegdatum", "registratiedatum", "peildatum"),
    "reclassering": ("startdatum", "einddatum", "exportdatum"),
}
# The row key of each source kind, and the column holding the delivery's date, which decides
# which of two deliveries of the same key wins.
KEYS: dict[str, tuple[str, ...]] = {
    "pi": ("pseudoniem", "instroomdatum"),
    "gemeente": ("pseudoniem", "gemeente_code", "melding_datum"),
    "recidive": ("zaak_id",),
    "reclassering": ("pseudoniem", "organisatie", "soort", "startdatum"),
}
DELIVERY_DATE_COLUMN: dict[str, str] = {
    "pi": "exportdatum",
    "gemeente": "exportdatum",
    "recidive": "peildatum",
    "reclassering": "exportdatum",
}

# Column names that look like direct identifiers: a file with one is refused whole.
IDENTIFIER_COLUMNS: frozenset[str] = frozenset(
    {
        "bsn",
        "burgerservicenummer",
        "naam",
        "voornaam",
        "achternaam",
        "voorletters",
        "adres",
        "straat",
        "huisnummer",
        "postcode",
        "geboortedatum",
        "telefoon",
        "email",
    }
)

_FOLD = re.compile(r"[\s\-_]+")


def fold_header(name: str) -> str:
    """Fold a header the contract's way: lower case, without spaces, hyphens, underscores."""
    return _FOLD.sub("", name.strip().lstrip("\ufeff")).lower()


CANONICAL_BY_FOLDED: dict[str, str] = {
    fold_header(column): column for columns in COLUMNS.values() for column in columns
}

# The justice records office (Justitiële Documentatie) as a supplying organisation.
JUSTICE_RECORDS = "JD"
