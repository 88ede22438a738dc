"""The Zelfscan re-integratie: its questions (config/zelfscan/*.toml, validated when read),
scoring, and the answers, which are saved as they are given.

Answers live in `zelfscan.duckdb` beside the warehouse, not in the warehouse file itself: the
warehouse is rebuilt from the exports and only read by the dashboard (DuckDB allows no writer
beside the dashboard's readers in one process), while answers are entered by hand and cannot
be rebuilt.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from basis.contract import LEEFGEBIEDEN
from basis.settings import ROOT
from people import appdb

CONFIG_DIR = ROOT / "config" / "zelfscan"
QUESTIONS_FILE = CONFIG_DIR / "vragen.toml"
PRACTICES_FILE = CONFIG_DIR / "praktijken.toml"


class ZelfscanConfigError(ValueError):
    """The question or practice file is not valid; the message says where and why."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    options: tuple[Option, ...]
    advice: dict[int, str]


@dataclass(frozen=True)
class Theme:
    code: str
    title: str
    intro: str
    leefgebied: str | None
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    version: str
    themes: tuple[Theme, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.code: q for t in self.themes for q in t.questions}

    @property
    def max_value(self) -> int:
        return max(o.value for q in self.questions.values() for o in q.options)


@dataclass(frozen=True)
class Practice:
    code: str
    title: str
    description: str
    themes: tuple[str, ...]


def _text(item: dict, key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ZelfscanConfigError(f"{where}: '{key}' is missing or empty")
    return value.strip()


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ZelfscanConfigError(f"{path.name} cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ZelfscanConfigError(f"{path.name} is not valid TOML: {exc}") from None


def load_questions(path: Path = QUESTIONS_FILE) -> Questionnaire:
    """Read and check the question file: every field, scale, answer value and code."""
    data = _read_toml(path)
    version = _text(data, "versie", path.name)
    scales: dict[str, tuple[Option, ...]] = {}
    for name, scale in (data.get("schalen") or {}).items():
        options = scale.get("opties") if isinstance(scale, dict) else None
        if not options:
            raise ZelfscanConfigError(f"{path.name}: scale '{name}' has no 'opties'")
        parsed = []
        for i, option in enumerate(options, 1):
            value = option.get("waarde")
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ZelfscanConfigError(
                    f"{path.name}: scale '{name}', option {i}: 'waarde' must be a whole number >= 0"
                )
            parsed.append(Option(value, _text(option, "label", f"scale '{name}', option {i}")))
        if len({o.value for o in parsed}) != len(parsed):
            raise ZelfscanConfigError(f"{path.name}: scale '{name}' repeats a 'waarde'")
        scales[name] = tuple(parsed)
    themes_data = data.get("thema")
    if not themes_data:
        raise ZelfscanConfigError(f"{path.name}: there is no [[thema]]")
    themes, seen = [], set()
    for i, item in enumerate(themes_data, 1):
        code = _text(item, "code", f"theme {i}")
        where = f"theme '{code}'"
        leefgebied = item.get("leefgebied")
        if leefgebied is not None and leefgebied not in LEEFGEBIEDEN:
            raise ZelfscanConfigError(
                f"{where}: leefgebied '{leefgebied}' is not one of {', '.join(LEEFGEBIEDEN)}"
            )
        questions = []
        for j, q in enumerate(item.get("vraag") or [], 1):
            q_code = _text(q, "code", f"{where}, question {j}")
            q_where = f"question '{q_code}'"
            scale = _text(q, "schaal", q_where)
            if scale not in scales:
                raise ZelfscanConfigError(f"{q_where}: scale '{scale}' is not in [schalen]")
            advice_data = q.get("advies") or {}
            values = {o.value for o in scales[scale]}
            try:
                advice = {int(k): str(v) for k, v in advice_data.items()}
            except ValueError:
                raise ZelfscanConfigError(
                    f"{q_where}: 'advies' keys must be answer values"
                ) from None
            if set(advice) != values:
                raise ZelfscanConfigError(
                    f"{q_where}: 'advies' must give guidance for every answer value "
                    f"({', '.join(map(str, sorted(values)))})"
                )
            questions.append(Question(q_code, _text(q, "tekst", q_where), scales[scale], advice))
        if not questions:
            raise ZelfscanConfigError(f"{where}: has no [[thema.vraag]]")
        for code_ in [code, *(q.code for q in questions)]:
            if code_ in seen:
                raise ZelfscanConfigError(f"{path.name}: the code '{code_}' is used twice")
            seen.add(code_)
        themes.append(
            Theme(code, _text(item, "titel", where), item.get("inleiding", ""), leefgebied,
                  tuple(questions))
        )  # fmt: skip
    return Questionnaire(version, tuple(themes))


def load_practices(
    path: Path = PRACTICES_FILE, questionnaire: Questionnaire | None = None
) -> list[Practice]:
    """Read and check the good-practice file; every theme it names must exist."""
    questionnaire = questionnaire or load_questions()
    known = {t.code for t in questionnaire.themes}
    practices = []
    for i, item in enumerate(_read_toml(path).get("praktijk") or [], 1):
        code = _text(item, "code", f"practice {i}")
        themes = tuple(item.get("themas") or ())
        unknown = [t for t in themes if t not in known]
        if not themes or unknown:
            raise ZelfscanConfigError(
                f"practice '{code}': 'themas' must name themes of the question file"
                + (f" (unknown: {', '.join(unknown)})" if unknown else "")
            )
        practices.append(
            Practice(code, _text(item, "titel", code), _text(item, "beschrijving", code), themes)
        )
    return practices


# --- scoring ---------------------------------------------------------------------------------


def theme_scores(
    questionnaire: Questionnaire, answers: dict[str, int | None]
) -> dict[str, float | None]:
    """Per theme: the mean answer as a percentage of the scale's top (0-100), over the
    questions answered; None when none is."""
    top = questionnaire.max_value
    scores: dict[str, float | None] = {}
    for theme in questionnaire.themes:
        given = [answers[q.code] for q in theme.questions if answers.get(q.code) is not None]
        scores[theme.code] = round(100 * sum(given) / (top * len(given)), 1) if given else None
    return scores


def overall_score(scores: dict[str, float | None]) -> float | None:
    """The mean of the theme scores that exist (each theme weighs the same)."""
    given = [s for s in scores.values() if s is not None]
    return round(sum(given) / len(given), 1) if given else None


def suggested_practices(
    practices: list[Practice], scores: dict[str, float | None], below: float = 67.0
) -> list[tuple[Practice, list[str]]]:
    """Practices linked to themes scoring below `below` (room to grow), with those themes."""
    weak = {code for code, score in scores.items() if score is not None and score < below}
    return [(p, [t for t in p.themes if t in weak]) for p in practices if weak & set(p.themes)]


# --- storage ---------------------------------------------------------------------------------


class ScanStore:
    """Scans and answers in the application database (people/appdb.py); each call is one
    short transaction, so several dashboard processes can answer at once. Every answer is
    recorded in the audit trail under `actor`."""

    def __init__(self, engine: sa.Engine, actor: str = "onbekend") -> None:
        self.engine = engine
        self.actor = actor

    def scans(self, gemeente: str) -> list[dict]:
        """The municipality's scans, newest first, with how many questions each answered."""
        s, a = appdb.scans, appdb.answers
        query = (
            sa.select(
                s.c.scan_id, s.c.started_at, s.c.updated_at, s.c.questions_version,
                sa.func.count(a.c.value).label("n_answered"),
            )
            .select_from(s.outerjoin(a, s.c.scan_id == a.c.scan_id))
            .where(s.c.gemeente_code == gemeente)
            .group_by(s.c.scan_id, s.c.started_at, s.c.updated_at, s.c.questions_version)
            .order_by(s.c.started_at.desc(), s.c.scan_id.desc())
        )  # fmt: skip
        with self.engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def gemeente_of(self, scan_id: int) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(appdb.scans.c.gemeente_code).where(appdb.scans.c.scan_id == scan_id)
            ).scalar_one_or_none()

    def new_scan(self, gemeente: str, version: str, now: dt.datetime | None = None) -> int:
        now = now or appdb.now()
        with self.engine.begin() as connection:
            scan_id = connection.execute(
                sa.insert(appdb.scans)
                .values(gemeente_code=gemeente, started_at=now, updated_at=now,
                        questions_version=version)
                .returning(appdb.scans.c.scan_id)
            ).scalar_one()  # fmt: skip
            appdb.record(connection, self.actor, "zelfscan_started", f"{gemeente}/{scan_id}")
        return int(scan_id)

    def answer(self, scan_id: int, question: str, value: int | None,
               now: dt.datetime | None = None) -> None:  # fmt: skip
        """Save one answer at once (None clears it)."""
        now = now or appdb.now()
        values = {"scan_id": scan_id, "question_code": question, "value": value,
                  "answered_at": now, "answered_by": self.actor}  # fmt: skip
        with self.engine.begin() as connection:
            connection.execute(
                appdb._upsert(connection, appdb.answers, ["scan_id", "question_code"], values)
            )
            connection.execute(
                sa.update(appdb.scans)
                .where(appdb.scans.c.scan_id == scan_id)
                .values(updated_at=now)
            )
            gemeente = connection.execute(
                sa.select(appdb.scans.c.gemeente_code).where(appdb.scans.c.scan_id == scan_id)
            ).scalar_one_or_none()
            appdb.record(
                connection, self.actor, "zelfscan_answered", f"{gemeente}/{scan_id}",
                {"question": question, "value": value},
            )  # fmt: skip

    def answers(self, scan_id: int) -> dict[str, int | None]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(appdb.answers.c.question_code, appdb.answers.c.value).where(
                    appdb.answers.c.scan_id == scan_id
                )
            )
            return {code: value for code, value in rows}
