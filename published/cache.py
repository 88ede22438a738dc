"""Work done once per process for everyone who asks the same thing of one publication.

The default views of a publication are the same for every user, and many users pick the same
filters. A published table depends only on the publication and its arguments (filters,
threshold, breakdown), so `per_publication` keeps its result in memory shared by all sessions
of the process, and forgets a publication's results when its readers have moved on (`retire`)
or the publication after the next is asked for. A chart depends only on the table it draws,
so `per_input` keeps a figure for as long as the very same table object is kept (it holds
that object, so an identity cannot be reused by another one).

What was asked of one publication can be asked again of the next before readers are moved to
it (`warm`: published/reader.py does it in the background for a long-running server), so that
the first readers after a delivery do not wait for what every reader asks.

Results are shared between sessions and threads: nobody may change them (polars frames and
the DisclosedTable are not changed in place anywhere in the dashboard; plotly figures are only
read by `st.plotly_chart`).

Not for anything that depends on the user (roles, the Zelfscan answers, the application
database): those are not part of the publication.
"""

from __future__ import annotations

import functools
import itertools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Entries per function; the sidebar's combinations a busy day asks for fit many times over.
MAX_ENTRIES = 256


class _Unhashable(Exception):
    pass


def freeze(value: Any) -> Any:
    """A hashable stand-in for an argument (dicts and lists by value); raises _Unhashable for
    anything else that cannot be hashed."""
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, freeze(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", frozenset(freeze(v) for v in value))
    try:
        hash(value)
    except TypeError as exc:
        raise _Unhashable from exc
    return value


_log = logging.getLogger(__name__)
_caches: list[_Lru] = []
# Every per_publication function: `warm` and `retire` go through them all.
_per_publication: list[Callable[..., Any]] = []
_asked = itertools.count()  # when an entry was last asked, across every function


def clear() -> None:
    """Forget everything (tests; a process that changes publication store)."""
    for cache in _caches:
        cache.clear()


class _Lru:
    def __init__(self, size: int) -> None:
        _caches.append(self)
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[Any, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> tuple[bool, Any]:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                self.hits += 1
                return True, self.entries[key]
            self.misses += 1
            return False, None

    def put(self, key: Any, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()

    def drop(self, which: Callable[[Any], bool]) -> None:
        """Forget the entries whose key `which` names."""
        with self.lock:
            for key in [k for k in self.entries if which(k)]:
                del self.entries[key]


def per_publication(
    version: Callable[[], tuple], size: int = MAX_ENTRIES
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function of the publication (`version()` names it) and hashable arguments.
    An entry keeps the arguments it was asked with, so that `warm` can ask them again."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cache = _Lru(size)
        seen: list[tuple] = []

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            current = version()
            try:
                key = (current, freeze(args), freeze(kwargs))
            except _Unhashable:
                return function(*args, **kwargs)
            if not seen or current > seen[0]:  # snapshot names sort by time
                if seen:  # a newer publication: the one before the last is not needed
                    cache.drop(lambda k: k[0] < seen[0])
                seen[:] = [current]  # (a run still held to an older one does not drop it)
            found, entry = cache.get(key)
            if found:
                entry[3] = next(_asked)
                return entry[2]
            value = function(*args, **kwargs)
            cache.put(key, [args, kwargs, value, next(_asked)])
            return value

        def asked(of: tuple) -> list[tuple[int, tuple, dict]]:
            """(when, arguments) asked of the publication `of`; when: a count over all
            per_publication functions, higher is later."""
            with cache.lock:
                return [(e[3], e[0], e[1]) for k, e in cache.entries.items() if k[0] == of]

        wrapper.cache = cache  # type: ignore[attr-defined]
        wrapper.asked = asked  # type: ignore[attr-defined]
        _per_publication.append(wrapper)
        return wrapper

    return decorate


def retire(of: tuple) -> None:
    """Forget what was computed from the publication `of` (its readers have moved on)."""
    for wrapper in _per_publication:
        wrapper.cache.drop(lambda k: k[0] == of)  # type: ignore[attr-defined]


def warm(previous: tuple, go_on: Callable[[], bool]) -> int:
    """Ask the current publication, in this thread, what was asked of `previous`, the most
    recently asked first (a table before the queries it read: they were asked on its way, and
    are then found cached), while `go_on()`. Returns how many were asked. What fails is left
    for a reader to meet (and to be told about) as it would without this."""
    asked = [
        (when, wrapper, args, kwargs)
        for wrapper in _per_publication
        for when, args, kwargs in wrapper.asked(previous)  # type: ignore[attr-defined]
    ]
    asked.sort(key=lambda a: a[0], reverse=True)
    done = 0
    for _, wrapper, args, kwargs in asked:
        if not go_on():
            return done
        try:
            wrapper(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 -- a reader meets it, with its message
            _log.info("warming %s: %s", wrapper.__qualname__, type(exc).__name__)
        done += 1
    return done


def per_input(size: int = MAX_ENTRIES) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function of objects (frames, tables: by identity) and hashable arguments. The
    entry holds the objects, so their identities stay theirs while it lives."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cache = _Lru(size)

        def part(value: Any) -> Any:
            try:
                return ("value", freeze(value))
            except _Unhashable:
                return ("object", id(value))

        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (tuple(part(a) for a in args), tuple((k, part(v)) for k, v in kwargs.items()))
            found, entry = cache.get(key)
            if found:  # the entry holds the objects: an id in its key is still theirs
                return entry[1]
            value = function(*args, **kwargs)
            cache.put(key, ((args, kwargs), value))
            return value

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper

    return decorate
