"""`terugkeer api`: the published tables at /odata/v1 in the shape of CBS's OData 4 service,
so that CBS's own clients (cbsodata4 in Python and R) read them with nothing but a base URL
and the catalog `TKM`:

    /odata/v1                         the service document
    /odata/v1/Catalogs, /Datasets     what there is
    /odata/v1/TKM/<id>                a dataset: its parts (Dimensions, MeasureCodes,
                                      <Dimension>Codes, Properties, Observations)
    /odata/v1/TKM/<id>/Observations   long form, with $filter, $select, $top, $skip, $count
                                      and paging (@odata.nextLink)

A dataset per municipality, province or PI needs a token a beheerder issued, unless the
setting api_public makes everything public: as a bearer header, or in the path
(/odata/v1/key/<token>/…, for clients that cannot send a header, such as cbsodata4). It reads
only the current publication (a new one is served from the next request on), through the
same table functions and disclosure as the dashboard and the open data. Starlette on
uvicorn (both come with Streamlit); the $filter grammar is odata-query's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import polars as pl
import sqlalchemy as sa
from odata_query import exceptions as odata_errors
from odata_query.sqlalchemy.shorthand import apply_odata_core
from sqlalchemy.pool import StaticPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from basis.settings import SettingsError, load_settings
from people import appdb
from published import odata, queries, reader, rules

log = logging.getLogger("terugkeer.api")
PAGE_SIZE = 10_000
MAX_TOP = 100_000


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


# --- what a publication serves, computed once per publication --------------------------------


class Publication:
    """The datasets of one publication: cubes made on first use, and for filtering each
    cube's observations in an in-memory SQLite table (queried through SQLAlchemy Core)."""

    def __init__(self, key: tuple, threshold: int) -> None:
        self.key, self.threshold = key, threshold
        self.datasets = {d.identifier: d for d in odata.datasets()}
        self.names = queries.unit_names()
        status = reader.data_status()
        published = status.get("published_at")
        self.modified = published.isoformat() if published else None
        self._cubes: dict[str, odata.Cube] = {}
        self._tables: dict[str, tuple[sa.Engine, sa.Table, threading.Lock]] = {}
        self._lock = threading.Lock()

    def cube(self, identifier: str) -> odata.Cube:
        with self._lock:
            if identifier not in self._cubes:
                self._cubes[identifier] = odata.cube(
                    self.datasets[identifier], self.threshold, self.names
                )
            return self._cubes[identifier]

    def table(self, identifier: str) -> tuple[sa.Engine, sa.Table, threading.Lock]:
        cube = self.cube(identifier)
        with self._lock:
            if identifier not in self._tables:
                engine = sa.create_engine(
                    "sqlite://", poolclass=StaticPool,
                    connect_args={"check_same_thread": False},
                )  # fmt: skip
                kinds = {pl.Int64: sa.Integer, pl.Float64: sa.Float}
                table = sa.Table(
                    "observations",
                    sa.MetaData(),
                    *(sa.Column(name, kinds.get(kind, sa.String))
                      for name, kind in cube.observations.schema.items()),
                )  # fmt: skip
                table.metadata.create_all(engine)
                with engine.begin() as connection:
                    rows = cube.observations.to_dicts()
                    if rows:
                        connection.execute(sa.insert(table), rows)
                self._tables[identifier] = (engine, table, threading.Lock())
            return self._tables[identifier]


_publications: dict[tuple, Publication] = {}
_publications_lock = threading.Lock()


def current(threshold: int) -> Publication:
    """The current publication's datasets (a newer publication replaces the older)."""
    snapshot = reader.publication()
    if snapshot is None:
        raise ApiError(503, "NoPublication", "there is no publication yet")
    key = (str(snapshot), threshold)
    with _publications_lock:
        found = _publications.get(key)
        if found is None:
            _publications.clear()
            found = _publications[key] = Publication(key, threshold)
    return found


# --- who calls: tokens and rate limits -------------------------------------------------------


class RateLimit:
    """A token bucket per token or address: `rate` per second, bursts of 5 s of it."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, rate: float) -> bool:
        now = time.monotonic()
        burst = rate * 5
        with self._lock:
            tokens, last = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rate)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed


class Usage:
    """Calls with a token, per token and day, written to the application database in
    batches (the first call of a day at once, with its audit line)."""

    FLUSH_EVERY = 100

    def __init__(self) -> None:
        self._pending: dict[tuple[int, dt.date], int] = {}
        self._tokens: dict[int, dict] = {}
        self._lock = threading.Lock()

    def count(self, engine: sa.Engine, token: dict) -> None:
        key = (token["token_id"], dt.date.today())
        with self._lock:
            first = key not in self._pending
            self._pending[key] = self._pending.get(key, 0) + 1
            self._tokens[token["token_id"]] = token
            flush = first or self._pending[key] >= self.FLUSH_EVERY
            calls = self._pending[key] if flush else 0
            if flush:
                self._pending[key] = 0
        if flush:
            appdb.count_token_use(engine, token, calls, key[1])

    def flush(self, engine: sa.Engine) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for (token_id, day), calls in pending.items():
            if calls:
                appdb.count_token_use(engine, self._tokens[token_id], calls, day)


# --- the OData answers ----------------------------------------------------------------------


def _base(request: Request, key: str | None) -> str:
    root = str(request.base_url).rstrip("/")
    return f"{root}/odata/v1" + (f"/key/{key}" if key else "")


def _service(base: str) -> dict:
    return {
        "@odata.context": f"{base}/$metadata",
        "value": [
            {"name": "Catalogs", "kind": "EntitySet", "url": "Catalogs"},
            {"name": "Datasets", "kind": "EntitySet", "url": "Datasets"},
        ],
    }


def _dataset_row(pub: Publication, dataset: odata.Dataset, public: bool) -> dict:
    return {
        "Identifier": dataset.identifier,
        "Title": dataset.title,
        "Catalog": odata.CATALOG,
        "Description": dataset.title,
        "Language": "nl",
        "Modified": pub.modified,
        "ObservationsModified": pub.modified,
        "Status": "Regular",
        "Access": "public" if public or not dataset.per_unit else "token",
        "Unit": dataset.unit,
    }


def _parts(base: str, identifier: str, cube: odata.Cube) -> dict:
    names = ["Observations", "Dimensions", "MeasureCodes", "Properties"]
    names += [f"{d['Identifier']}Codes" for d in cube.dimensions]
    return {
        "@odata.context": f"{base}/{odata.CATALOG}/{identifier}/$metadata",
        "value": [{"name": n, "kind": "EntitySet", "url": n} for n in names],
    }


def _properties(pub: Publication, dataset: odata.Dataset, cube: odata.Cube) -> dict:
    rule = rules.RULES.get(dataset.rule, "")
    return {
        "Identifier": dataset.identifier,
        "Title": dataset.title,
        "Catalog": odata.CATALOG,
        "Description": rule.replace("**", "").replace("*", ""),
        "Language": "nl",
        "Modified": pub.modified,
        "Unit": dataset.unit,
        "ObservationCount": cube.observations.height,
        "SuppressionThreshold": pub.threshold,
        "ValueAttributes": odata.ATTRIBUTE_MEANING,
        "Source": "Terugkeermonitor (disclosed: suppression and cell-key noise)",
    }


def _observations(request: Request, pub: Publication, identifier: str, base: str) -> dict:
    params = request.query_params
    engine, table, lock = pub.table(identifier)
    query = sa.select(table)
    filter_text = params.get("$filter")
    try:
        if filter_text:
            query = apply_odata_core(query, filter_text)
        select = [s.strip() for s in params.get("$select", "").split(",") if s.strip()]
        if select:
            unknown = [s for s in select if s not in table.c]
            if unknown:
                raise ApiError(400, "InvalidSelect", f"unknown property: {', '.join(unknown)}")
            query = query.with_only_columns(*(table.c[s] for s in select))
        skip = int(params.get("$skip", 0))
        top = int(params.get("$top", MAX_TOP))
    except (odata_errors.ODataException, NotImplementedError, TypeError) as exc:
        raise ApiError(
            400, "InvalidFilter", f"$filter cannot be read ({type(exc).__name__})"
        ) from None
    except ValueError:
        raise ApiError(400, "InvalidQuery", "$top and $skip must be whole numbers") from None
    if skip < 0 or not 0 <= top <= MAX_TOP:
        raise ApiError(400, "InvalidQuery", f"$skip >= 0 and 0 <= $top <= {MAX_TOP}")
    page = min(top, PAGE_SIZE)
    ordered = query.order_by(table.c.Id) if "Id" in query.selected_columns else query
    with lock, engine.connect() as connection:
        rows = [dict(r._mapping) for r in connection.execute(ordered.limit(page + 1).offset(skip))]
        total = None
        if params.get("$count", "").lower() == "true":
            total = connection.execute(
                sa.select(sa.func.count()).select_from(query.subquery())
            ).scalar_one()
    more = len(rows) > page and top > page
    rows = rows[:page]
    answer: dict = {"@odata.context": f"{base}/{odata.CATALOG}/{identifier}/$metadata#Observations"}
    if total is not None:
        answer["@odata.count"] = total
    answer["value"] = rows
    if more:
        following = {k: v for k, v in params.items() if k not in ("$skip", "$top")}
        following["$skip"] = str(skip + page)
        if top != MAX_TOP:
            following["$top"] = str(top - page)
        answer["@odata.nextLink"] = (
            f"{base}/{odata.CATALOG}/{identifier}/Observations?{urlencode(following)}"
        )
    return answer


def create_app(store: Path) -> Starlette:
    """The API on `store`'s publications."""
    reader.use_store(store)
    limits, usage = RateLimit(), Usage()

    def engine() -> sa.Engine:
        return appdb.open_database(reader.warehouse_file())

    def handle(request: Request) -> JSONResponse:
        key = request.path_params.get("key")
        header = request.headers.get("authorization", "")
        secret = key or (header[7:].strip() if header.lower().startswith("bearer ") else None)
        try:
            settings = load_settings()
        except SettingsError:
            return _error(500, "Configuration", "the server's settings cannot be used")
        token = None
        if secret:
            token = appdb.find_token(engine(), secret)
            if token is None:
                return _error(401, "InvalidToken", "this token is unknown or revoked")
        client = request.client.host if request.client else "?"
        if not limits.allow(f"token:{token['token_id']}" if token else f"addr:{client}",
                            settings.api_rate_per_second):  # fmt: skip
            return _error(429, "TooManyRequests", "too many requests: slow down")
        try:
            with reader.one_publication():
                answer = _answer(request, settings, token, key)
        except ApiError as exc:
            return _error(exc.status, exc.code, exc.message)
        except Exception as exc:  # noqa: BLE001 -- never a traceback (it may quote values)
            log.error("request failed: %s", type(exc).__name__)
            return _error(500, "ServerError", "the request could not be answered")
        if token is not None:
            usage.count(engine(), token)
        return JSONResponse(answer)

    def _answer(request: Request, settings: object, token: dict | None, key: str | None) -> dict:
        base = _base(request, key)
        parts = [p for p in request.path_params.get("rest", "").split("/") if p]
        if not parts:
            return _service(base)
        pub = current(settings.suppression_threshold)
        public = settings.api_public
        if parts == ["Catalogs"]:
            return {"value": [{"Identifier": odata.CATALOG, "Title": odata.CATALOG_TITLE,
                               "Language": "nl"}]}  # fmt: skip
        if parts == ["Datasets"]:
            return {"value": [_dataset_row(pub, d, public) for d in pub.datasets.values()]}
        if len(parts) < 2 or parts[0] != odata.CATALOG:
            raise ApiError(404, "NotFound", f"no such resource: {'/'.join(parts)[:100]}")
        identifier = parts[1]
        dataset = pub.datasets.get(identifier)
        if dataset is None:
            raise ApiError(404, "DatasetNotFound", f"no dataset {identifier[:100]!r} in TKM")
        if dataset.per_unit and not public and token is None:
            raise ApiError(
                401, "TokenRequired",
                "this dataset names municipalities, provinces or PIs: it needs a token",
            )  # fmt: skip
        cube = pub.cube(identifier)
        if len(parts) == 2:
            return _parts(base, identifier, cube)
        part = parts[2]
        if len(parts) > 3:
            raise ApiError(404, "NotFound", "no such resource")
        if part == "Properties":
            return _properties(pub, dataset, cube)
        if part == "Dimensions":
            return {"value": cube.dimensions}
        if part == "MeasureCodes":
            return {"value": cube.measures}
        if part.endswith("Codes") and part[: -len("Codes")] in cube.codes:
            return {"value": cube.codes[part[: -len("Codes")]]}
        if part == "Observations":
            return _observations(request, pub, identifier, base)
        raise ApiError(404, "NotFound", f"no part {part[:60]!r} in dataset {identifier}")

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        usage.flush(engine())  # the calls counted since the last write

    routes = [
        Route("/odata/v1", handle),
        Route("/odata/v1/key/{key}", handle),
        Route("/odata/v1/key/{key}/{rest:path}", handle),
        Route("/odata/v1/{rest:path}", handle),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
