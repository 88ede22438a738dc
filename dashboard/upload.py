"""The upload page's work, without Streamlit: check uploaded bytes, translate the report into
Dutch, and load confirmed files through `terugkeer ingest` in a separate process.

Loading runs in its own process so that the dashboard never holds a write connection (DuckDB
allows one writer per file, and the dashboard's readers are other threads of this process),
and a large file cannot push the dashboard's memory. Uploaded bytes touch the disk only for
that load, in a private temporary folder that is removed afterwards; a refused file is never
written anywhere.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from basis.settings import Settings, SettingsError, load_settings
from dashboard import texts
from intake.readers import UnreadableFile, expansion
from intake.refusals import Refusal
from people import appdb
from published.format import dutch_refusal
from store.ingest import FileReport, check_file, refused_report


def dutch_reason(report: FileReport) -> str:
    """Why the pipeline refused a file, in Dutch (from its refusal code)."""
    return dutch_refusal(report.reason_code, report.reason_params) or texts.REFUSAL_FALLBACK


@dataclass
class Checked:
    name: str
    data: bytes
    report: FileReport
    sha256: str | None


def check_upload(
    name: str, data: bytes, source: str | None, organisation: str | None = None
) -> Checked:
    """The same checks as `terugkeer ingest --dry-run`; the frames are dropped at once. With
    `organisation` (an aanleverancier's), rows of another organisation refuse the file. A
    file whose metadata says it would expand past the upload limits is refused unread."""
    too_large = _too_large(name, data, source)
    if too_large is not None:
        return Checked(name, b"", too_large, None)
    try:
        with ProcessPoolExecutor(
            max_workers=1,
            mp_context=_CHILDREN,
            initializer=_limits,
            initargs=(CHECK_MAX_MEMORY_BYTES, CHECK_MAX_CPU_SECONDS),
        ) as pool:
            report, sha256 = pool.submit(_check, name, data, source, organisation).result(
                timeout=CHECK_MAX_CPU_SECONDS * 4
            )
    except (BrokenProcessPool, MemoryError, TimeoutError, OSError):
        # The child ran out of memory or time (or crashed): the file goes, nothing kept.
        refusal = Refusal("check_limits", memory=f"{CHECK_MAX_MEMORY_BYTES / 2**30:.0f} GB")
        return Checked(name, b"", refused_report(name, refusal, source), None)
    if report.status == "refused":
        return Checked(name, b"", report, None)  # a refused file's bytes are not kept
    return Checked(name, data, report, sha256)


# The check runs in a child process with memory and CPU limits (resource): a file that
# expands beyond them takes the child, never the dashboard. Children are forked from a
# forkserver that has the checking code loaded (fast, and no fork of a threaded server).
CHECK_MAX_MEMORY_BYTES = 3 << 30  # address space; polars reserves ~1 GB of it at start
CHECK_MAX_CPU_SECONDS = 60
_CHILDREN = multiprocessing.get_context("forkserver")
_CHILDREN.set_forkserver_preload(["store.ingest"])


def _limits(memory: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def _check(
    name: str, data: bytes, source: str | None, organisation: str | None
) -> tuple[FileReport, str | None]:
    """In the child: the report and the checksum; the frames stay and die with it."""
    report, raw, _ = check_file(
        Path(name), data=data, name=name, source=source, organisation=organisation
    )
    return report, raw.sha256 if raw is not None else None


def forget_upload(file_id: str) -> None:
    """Take a file out of Streamlit's upload store for this session (a refused upload would
    otherwise stay in the server's memory until the session ends)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and ctx.uploaded_file_mgr is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)


def _too_large(name: str, data: bytes, source: str | None) -> FileReport | None:
    try:
        rows, size = expansion(name, data)
    except UnreadableFile:
        return None  # check_file says why it cannot be read
    try:
        settings = load_settings()
    except SettingsError:
        settings = Settings()  # the page reports the settings error; the defaults still hold
    if rows is not None and rows > settings.upload_max_rows:
        what, limit = f"{rows:,} rows", f"{settings.upload_max_rows:,} rows"
    elif size > settings.upload_max_mb * 2**20:
        what, limit = f"{size / 2**20:,.0f} MB", f"{settings.upload_max_mb:,} MB"
    else:
        return None
    return refused_report(name, Refusal("too_large", what=what, limit=limit), source)


@dataclass
class LoadResult:
    ok: bool
    busy: bool = False
    detail: str = ""
    reports: list[dict] | None = None


def load_files(
    files: list[Checked],
    warehouse: Path,
    source: str | None,
    wait_seconds: float = 120,
    organisation: str | None = None,
    actor: str | None = None,
) -> LoadResult:
    """Run `terugkeer ingest` on the confirmed files (it validates again, builds and
    publishes); it waits for a load that is already running, up to `wait_seconds`."""
    with tempfile.TemporaryDirectory(prefix="terugkeer-upload-") as folder:
        paths = []
        for i, checked in enumerate(files):
            # Distinct sub-folders keep two uploads with the same name apart.
            path = Path(folder) / str(i) / Path(checked.name).name
            path.parent.mkdir()
            path.write_bytes(checked.data)
            paths.append(str(path))
        command = [sys.executable, "-m", "cli", "ingest", "--json"]
        command += ["--wait", str(wait_seconds)]
        command += ["--organisation", organisation] if organisation else []
        command += ["--warehouse", str(warehouse), *(["--source", source] if source else [])]
        done = subprocess.run(command + paths, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        return LoadResult(False, busy="another load" in message, detail=message)
    try:
        reports = json.loads(done.stdout)
    except json.JSONDecodeError:
        return LoadResult(False, detail="no report")
    if actor:  # the command records the operating-system user; this, the logged-in person
        engine = appdb.open_database(warehouse)
        for r in reports:
            detail = {"source": r.get("source"), "rows_loaded": r.get("rows_loaded"),
                      "via": "dashboard"}  # fmt: skip
            appdb.record(engine, actor, f"file_{r['status']}", r.get("file"), detail)
    return LoadResult(all(r["status"] != "refused" for r in reports), reports=reports)


def withdraw_delivery(warehouse: Path, delivery_id: int, reason: str, actor: str) -> LoadResult:
    """Run `terugkeer withdraw` (the single writer) for a beheerder's withdrawal."""
    command = [sys.executable, "-m", "cli", "withdraw", str(delivery_id),
               "--reason", reason, "--warehouse", str(warehouse)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        return LoadResult(False, busy="another load" in message, detail=message)
    # The command records the operating-system user; this line, the logged-in person.
    appdb.record(appdb.open_database(warehouse), actor, "delivery_withdrawn", str(delivery_id),
                 {"reason": reason, "via": "dashboard"})  # fmt: skip
    return LoadResult(True)
