"""The application database: what people write — Zelfscan scans and answers, users and their
roles, and the audit trail. Never the store or the publications.

SQLAlchemy Core, with the schema made and changed by Alembic migrations
(people/migrations/). By default an SQLite file beside the store (embedded, nothing to
install); PostgreSQL (psycopg 3) when `TERUGKEER_DATABASE_URL` or `database_url` in
terugkeer.toml names one. Several dashboard processes share it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from basis.contract import JUSTICE_RECORDS, PROBATION_ORGANISATIONS
from basis.settings import (
    ROOT,
    SETTINGS_FILE,
    SettingsError,
    make_private,
    private_files,
)
from people.login import Identity

if TYPE_CHECKING:
    from alembic.config import Config

DATABASE_ENV = "TERUGKEER_DATABASE_URL"
SQLITE_NAME = "terugkeer-app.sqlite"
ROLES = ("lezer", "gemeente", "aanleverancier", "beheerder")

metadata = sa.MetaData()
scans = sa.Table(
    "zelfscan_scans",
    metadata,
    sa.Column("scan_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("gemeente_code", sa.String(16), nullable=False, index=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("questions_version", sa.String(64), nullable=False),
)
answers = sa.Table(
    "zelfscan_answers",
    metadata,
    sa.Column("scan_id", sa.Integer, sa.ForeignKey("zelfscan_scans.scan_id"), primary_key=True),
    sa.Column("question_code", sa.String(128), primary_key=True),
    sa.Column("value", sa.Integer, nullable=True),
    sa.Column("answered_at", sa.DateTime, nullable=False),
    sa.Column("answered_by", sa.String(320), nullable=True),
)
users = sa.Table(
    "users",
    metadata,
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("organisation", sa.String(32), nullable=True),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Column("added_by", sa.String(320), nullable=False),
    # The provider's issuer and subject, bound at the first login with a verified e-mail
    # address (find_login); from then on the login must come from that account.
    sa.Column("issuer", sa.String(512), nullable=True),
    sa.Column("subject", sa.String(255), nullable=True),
    sa.UniqueConstraint("issuer", "subject", name="uq_users_issuer_subject"),
)
audit = sa.Table(
    "audit",
    metadata,
    sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(320), nullable=False, index=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(512), nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
)
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(320), nullable=False),
    sa.Column("revoked_at", sa.DateTime, nullable=True),
    sa.Column("revoked_by", sa.String(320), nullable=True),
)
api_usage = sa.Table(
    "api_usage",
    metadata,
    sa.Column("token_id", sa.Integer, sa.ForeignKey("api_tokens.token_id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("calls", sa.Integer, nullable=False),
)
meta = sa.Table(
    "app_meta",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


class UserError(ValueError):
    """A user, role or organisation that cannot be stored as given."""


def database_url(store: Path) -> str:
    """$TERUGKEER_DATABASE_URL, else `database_url` in terugkeer.toml, else SQLite beside the
    store."""
    if os.environ.get(DATABASE_ENV):
        return os.environ[DATABASE_ENV]
    if SETTINGS_FILE.exists():
        import tomllib

        try:
            values = tomllib.loads(SETTINGS_FILE.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{SETTINGS_FILE.name} is not valid TOML: {exc}") from exc
        if values.get("database_url"):
            return str(values["database_url"])
    return f"sqlite:///{store.resolve().parent / SQLITE_NAME}"


_engines: dict[str, sa.Engine] = {}
_migrated: set[str] = set()
_lock = threading.Lock()


def engine_for(url: str) -> sa.Engine:
    """One engine per URL and process, with the schema migrated to the newest version."""
    with _lock:
        if url not in _engines:
            if url.startswith("sqlite:///"):
                private_files()
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                engine = sa.create_engine(url, connect_args={"timeout": 30})
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            _engines[url] = engine
        engine = _engines[url]
        if url not in _migrated:
            migrate(engine)
            _migrated.add(url)
            if url.startswith("sqlite:///"):
                database = Path(url.removeprefix("sqlite:///"))
                for made in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
                    make_private(made)
    return engine


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    # Readers never wait for a writer, and a writer waits (not fails) for another one.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# The newest revision in people/migrations/versions (tests/people/test_appdb.py checks it
# against Alembic's head): a database already at it is not handed to Alembic, whose import
# and check cost every command about 0.3 s.
HEAD_REVISION = "0003"


def _revision(engine: sa.Engine) -> str | None:
    """The database's Alembic revision; None when it has none (or it cannot be read)."""
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    except sa.exc.DBAPIError:
        return None


def alembic_config() -> Config:
    """Alembic's configuration of the application database's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(ROOT / "people" / "migrations"))
    return config


def migrate(engine: sa.Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    if _revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


_carry_checked: set[tuple[str, Path]] = set()


def open_database(store: Path) -> sa.Engine:
    """The application database of this store, migrated, with any `zelfscan.duckdb` of an
    earlier version carried over (once; looked for once per process)."""
    url = database_url(store)
    engine = engine_for(url)
    old = store.with_name("zelfscan.duckdb")
    if (url, old) not in _carry_checked:
        carry_over_zelfscan(engine, old)
        _carry_checked.add((url, old))
    return engine


def dispose_all() -> None:
    """Close every pooled connection (tests)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _migrated.clear()
        _carry_checked.clear()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def os_user() -> str:
    """Who runs a command: the operating-system user (the audit trail's actor for the CLI)."""
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"os:uid{os.getuid()}"


# --- audit ----------------------------------------------------------------------------------


def record(
    engine: sa.Engine | sa.Connection,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict | None = None,
) -> None:
    """Add one line to the audit trail."""
    values = {
        "at": now(),
        "actor": actor,
        "action": action,
        "target": target,
        "detail": json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
    }
    if isinstance(engine, sa.Connection):
        engine.execute(sa.insert(audit).values(**values))
        return
    with engine.begin() as connection:
        connection.execute(sa.insert(audit).values(**values))


def audit_trail(
    engine: sa.Engine,
    since: dt.date | None = None,
    until: dt.date | None = None,
    actor: str | None = None,
) -> list[dict]:
    """The audit trail, newest first, optionally from/until a date and of one person."""
    query = sa.select(audit).order_by(audit.c.at.desc(), audit.c.audit_id.desc())
    if since:
        query = query.where(audit.c.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(
            audit.c.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
        )
    if actor:
        query = query.where(audit.c.actor == actor.lower())
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def evaluations_today(engine: sa.Engine, actor: str) -> int:
    """How many effect evaluations `actor` made today (Effectmeting's daily limit)."""
    query = (
        sa.select(sa.func.count())
        .select_from(audit)
        .where(audit.c.actor == actor.lower(), audit.c.action == "effect_evaluated")
        .where(audit.c.at >= dt.datetime.combine(dt.date.today(), dt.time()))
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


# --- users ----------------------------------------------------------------------------------


def _check_user(role: str, organisation: str | None) -> str | None:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    organisation = organisation.strip() if organisation else None
    if role in ("gemeente", "aanleverancier") and not organisation:
        raise UserError(
            f"role {role} needs --organisation (a GM code, PI code, {JUSTICE_RECORDS} or a "
            "probation organisation: rn, svg, ldh)"
        )
    if role == "gemeente" and not (organisation or "").upper().startswith("GM"):
        raise UserError(f"role gemeente needs a municipality code (GMxxxx), not {organisation!r}")
    if role in ("lezer", "beheerder") and organisation:
        raise UserError(f"role {role} is not tied to an organisation")
    if organisation and organisation.upper().startswith("GM"):
        organisation = organisation.upper()
    if organisation and organisation.lower() in PROBATION_ORGANISATIONS:
        organisation = organisation.lower()
    return organisation


def add_user(
    engine: sa.Engine, email: str, role: str, organisation: str | None, actor: str
) -> dict:
    """Add a user or change their role; recorded in the audit trail."""
    email = email.strip().lower()
    if "@" not in email:
        raise UserError(f"{email!r} is not an e-mail address")
    organisation = _check_user(role, organisation)
    values = {"role": role, "organisation": organisation, "added_at": now(), "added_by": actor}
    with engine.begin() as connection:
        before = connection.execute(sa.select(users).where(users.c.email == email)).first()
        if before is None:
            connection.execute(sa.insert(users).values(email=email, **values))
        else:
            connection.execute(sa.update(users).where(users.c.email == email).values(**values))
        record(
            connection,
            actor,
            "user_added" if before is None else "user_changed",
            email,
            {"role": role, "organisation": organisation},
        )
    return {"email": email, **values}


def remove_user(engine: sa.Engine, email: str, actor: str) -> bool:
    email = email.strip().lower()
    with engine.begin() as connection:
        gone = connection.execute(sa.delete(users).where(users.c.email == email)).rowcount
        if gone:
            record(connection, actor, "user_removed", email)
    return bool(gone)


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(users).order_by(users.c.email))
        return [dict(row._mapping) for row in rows]


def find_login(engine: sa.Engine, who: Identity) -> dict | None:
    """The user a login is, or None. Known by the provider's issuer and subject once bound;
    an unbound user is bound at their first login with a verified e-mail address (audited).
    A verified e-mail address of a user bound to another account gives no access."""
    if not who.issuer or not who.subject:
        return None
    with engine.begin() as connection:
        row = connection.execute(
            sa.select(users).where(users.c.issuer == who.issuer, users.c.subject == who.subject)
        ).first()
        if row is not None:
            return dict(row._mapping)
        if who.email is None:
            return None
        row = connection.execute(sa.select(users).where(users.c.email == who.email)).first()
        if row is None or row.subject is not None:
            return None
        connection.execute(
            sa.update(users)
            .where(users.c.email == who.email, users.c.subject.is_(None))
            .values(issuer=who.issuer, subject=who.subject)
        )
        record(connection, who.email, "user_bound", who.email, {"issuer": who.issuer})
        row = connection.execute(sa.select(users).where(users.c.email == who.email)).first()
    return dict(row._mapping) if row else None


def find_user(engine: sa.Engine, email: str | None) -> dict | None:
    if not email:
        return None
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(users).where(users.c.email == email.strip().lower())
        ).first()
    return dict(row._mapping) if row else None


# --- zelfscan -------------------------------------------------------------------------------


def _upsert(
    engine: sa.Engine | sa.Connection, table: sa.Table, keys: list[str], values: dict
) -> sa.Insert:
    dialect = engine.dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table).values(**values)
    return insert.on_conflict_do_update(
        index_elements=keys, set_={k: v for k, v in values.items() if k not in keys}
    )


def carry_over_zelfscan(engine: sa.Engine, old: Path) -> int:
    """Copy the scans and answers of an earlier version's `zelfscan.duckdb` (kept as it is)
    once; returns how many scans were carried over."""
    if not old.exists():
        return 0
    key = f"carried_over:{old.resolve()}"
    with engine.connect() as connection:
        if connection.execute(sa.select(meta.c.value).where(meta.c.key == key)).first():
            return 0
    import duckdb

    source = duckdb.connect(str(old), read_only=True)
    try:
        old_scans = source.execute(
            "SELECT scan_id, gemeente_code, started_at, updated_at, questions_version "
            "FROM zelfscan_scans ORDER BY scan_id"
        ).fetchall()
        old_answers = source.execute(
            "SELECT scan_id, question_code, value, answered_at FROM zelfscan_answers"
        ).fetchall()
    except duckdb.Error:
        old_scans, old_answers = [], []
    finally:
        source.close()
    with engine.begin() as connection:
        if connection.execute(sa.select(meta.c.value).where(meta.c.key == key)).first():
            return 0  # another process carried it over meanwhile
        offset = connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(scans.c.scan_id), 0))
        ).scalar_one()
        for scan_id, gemeente, started, updated, version in old_scans:
            connection.execute(
                sa.insert(scans).values(
                    scan_id=offset + scan_id,
                    gemeente_code=gemeente,
                    started_at=started,
                    updated_at=updated,
                    questions_version=version,
                )
            )
        for scan_id, question, value, answered in old_answers:
            connection.execute(
                sa.insert(answers).values(
                    scan_id=offset + scan_id,
                    question_code=question,
                    value=value,
                    answered_at=answered,
                    answered_by=None,
                )
            )
        if connection.dialect.name == "postgresql" and old_scans:
            connection.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('zelfscan_scans', 'scan_id'), "
                    "(SELECT max(scan_id) FROM zelfscan_scans))"
                )
            )
        connection.execute(sa.insert(meta).values(key=key, value=now().isoformat()))
        record(
            connection,
            os_user(),
            "zelfscan_carried_over",
            str(old),
            {"scans": len(old_scans), "answers": len(old_answers)},
        )
    return len(old_scans)


# --- API tokens -----------------------------------------------------------------------------


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def add_token(engine: sa.Engine, name: str, actor: str) -> tuple[int, str]:
    """A new API token for `name` (who uses it): (its id, the secret, shown once; only its
    hash is kept)."""
    name = name.strip()
    if not name:
        raise UserError("a token needs a name (who uses it)")
    secret = "tkm_" + secrets.token_urlsafe(32)
    with engine.begin() as connection:
        token_id = connection.execute(
            sa.insert(api_tokens).values(
                name=name, token_hash=_token_hash(secret), created_at=now(), created_by=actor
            )
        ).inserted_primary_key[0]
        record(connection, actor, "api_token_added", name, {"token_id": token_id})
    return int(token_id), secret


def list_tokens(engine: sa.Engine) -> list[dict]:
    """Every token (never its secret), with its calls in all."""
    calls = (
        sa.select(api_usage.c.token_id, sa.func.sum(api_usage.c.calls).label("calls"))
        .group_by(api_usage.c.token_id)
        .subquery()
    )
    query = (
        sa.select(
            api_tokens.c.token_id, api_tokens.c.name, api_tokens.c.created_at,
            api_tokens.c.created_by, api_tokens.c.revoked_at,
            sa.func.coalesce(calls.c.calls, 0).label("calls"),
        )
        .select_from(api_tokens.outerjoin(calls, calls.c.token_id == api_tokens.c.token_id))
        .order_by(api_tokens.c.token_id)
    )  # fmt: skip
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def revoke_token(engine: sa.Engine, token_id: int, actor: str) -> bool:
    with engine.begin() as connection:
        done = connection.execute(
            sa.update(api_tokens)
            .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now(), revoked_by=actor)
        ).rowcount
        if done:
            record(connection, actor, "api_token_revoked", str(token_id))
    return bool(done)


def find_token(engine: sa.Engine, secret: str) -> dict | None:
    """The active token with this secret, or None (unknown or revoked)."""
    with engine.connect() as connection:
        row = connection.execute(
            sa.select(api_tokens).where(
                api_tokens.c.token_hash == _token_hash(secret), api_tokens.c.revoked_at.is_(None)
            )
        ).first()
    return dict(row._mapping) if row else None


def count_token_use(engine: sa.Engine, token: dict, calls: int, day: dt.date) -> None:
    """Add `calls` to the token's use of `day`; its first use of a day is one audit line."""
    with engine.begin() as connection:
        updated = connection.execute(
            sa.update(api_usage)
            .where(api_usage.c.token_id == token["token_id"], api_usage.c.day == day)
            .values(calls=api_usage.c.calls + calls)
        ).rowcount
        if not updated:
            connection.execute(
                sa.insert(api_usage).values(token_id=token["token_id"], day=day, calls=calls)
            )
            record(connection, f"token:{token['name']}", "api_token_used", day.isoformat(),
                   {"token_id": token["token_id"]})  # fmt: skip
