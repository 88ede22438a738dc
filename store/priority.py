"""How a load (`terugkeer ingest`, `terugkeer build`) shares the machine with the dashboards
that serve beside it: readers first, the load takes what is left (it publishes when done).

- A lower CPU priority (`WRITER_NICENESS`), in a session of its own when no terminal waits on
  it (see `give_way_to_readers`).
- Its matrix algebra in one thread: OpenBLAS's helper threads wait for work by spinning, and
  on a busy machine that spinning took a third of a small delivery's CPU (a browser loading
  pages beside it: 10.8 CPU seconds, 6.8 with one thread).
- On a busy machine (other processes keep at least `BUSY_CORES` busy in the tenth of a second
  the load looks before it starts) DuckDB and polars in one thread too: the load then takes
  at most one core, and needs a fifth less CPU than with its work split over threads that
  wait for the CPU (6.8 -> 5.9 CPU seconds). On an idle machine it uses every core.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

WRITER_NICENESS = 10  # the CPU priority of a load (0 normal, 19 lowest)
BUSY_CORES = 0.5  # cores that other processes keep busy on a machine called busy
LOOK_SECONDS = 0.1  # how long a load looks at the machine before it starts


@dataclass(frozen=True)
class CpuSample:
    """When, how many CPU seconds the whole machine and this process had used."""

    at: float
    machine: float | None  # None: no /proc/stat
    own: float


def sample() -> CpuSample:
    machine = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()[1:]
        ticks = [int(f) for f in fields]
        # Everything but idle (4th) and waiting for disks (5th), in clock ticks.
        machine = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    return CpuSample(time.monotonic(), machine, time.process_time())


def others_busy(before: CpuSample, after: CpuSample) -> float:
    """The cores that other processes kept busy on average between two samples (0 when it
    cannot be told)."""
    seconds = after.at - before.at
    if before.machine is None or after.machine is None or seconds < 0.05:
        return 0.0
    return max(0.0, (after.machine - before.machine - (after.own - before.own)) / seconds)


# Set by give_way_to_readers: whether the machine was busy when the load started.
_busy: list[bool] = []


def give_way_to_readers(look: float = LOOK_SECONDS) -> None:
    """Lower this process's priority and look `look` seconds at how busy the machine is; call
    it before polars and numpy are imported (their thread counts are read then).

    Linux's autogroup scheduling (on by default in Debian's kernels) first shares the CPU
    fairly between sessions, whatever the nice values in them: a load in the session of a
    script or of the upload page's server would still take half the machine from a browser or
    a dashboard in another. So a load that no terminal waits on moves to a session of its own
    and gives that session the writer's niceness. (From a terminal it stays in the terminal's
    session, so that Ctrl-C still stops it; its nice value counts within that session.)"""
    started = sample()
    with contextlib.suppress(OSError):
        os.nice(max(0, WRITER_NICENESS - os.nice(0)))
    group = Path("/proc/self/autogroup")
    if group.exists() and not any(s is not None and s.isatty() for s in (sys.stdin, sys.stderr)):
        with contextlib.suppress(OSError):
            if os.getsid(0) != os.getpid():
                os.setsid()
            group.write_text(f"{WRITER_NICENESS}\n", encoding="ascii")
    time.sleep(max(0.0, look - (time.monotonic() - started.at)))
    busy = others_busy(started, sample()) >= BUSY_CORES
    _busy[:] = [busy]
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if busy:
        os.environ.setdefault("POLARS_MAX_THREADS", "1")


def share(con: duckdb.DuckDBPyConnection) -> int | None:
    """One DuckDB thread for the load when the machine was busy at its start; the thread
    count set, or None (every core)."""
    if not (_busy and _busy[0]):
        return None
    con.execute("SET threads = 1")
    return 1
