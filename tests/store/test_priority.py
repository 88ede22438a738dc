"""A load gives way to the dashboards beside it (store/priority.py, issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from basis.settings import ROOT
from store.priority import WRITER_NICENESS, CpuSample, others_busy


def _python(code: str) -> str:
    """What `code` prints, run as a program (no terminal) with no thread counts preset."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(
    not Path("/proc/self/autogroup").exists(), reason="the kernel has no autogroup scheduling"
)
def test_a_load_no_terminal_waits_on_yields_in_a_session_of_its_own() -> None:
    """Started by a program (the upload page, a script), a load takes a session of its own at
    the writer's niceness: the CPU is not shared half and half with the dashboards' sessions."""
    printed = _python(
        "import os; from store.priority import give_way_to_readers; give_way_to_readers(); "
        "print(os.nice(0), os.getsid(0) == os.getpid(), "
        "open('/proc/self/autogroup').read().split()[-1])"
    )
    assert printed.split() == [str(WRITER_NICENESS), "True", str(WRITER_NICENESS)]


def test_a_load_does_its_matrix_algebra_in_one_thread(tmp_path: Path) -> None:
    """OpenBLAS's helper threads spin while they wait for work, which on a busy machine burns
    the readers' CPU: `terugkeer build` gives way before numpy is first imported, so its
    models are fitted in one thread (the dashboard keeps the default)."""
    printed = _python(
        "import sys, threadpoolctl; from cli.main import main; "
        f"sys.argv = ['terugkeer', 'build', '--warehouse', {str(tmp_path / 'w.duckdb')!r}]; "
        "assert main() == 0; "
        "assert 'numpy' in sys.modules; "
        "print([p['num_threads'] for p in threadpoolctl.threadpool_info() "
        "if p['internal_api'] == 'openblas'])"
    )
    assert printed.splitlines()[-1] == "[1]"


def test_the_cores_others_used_are_the_machine_s_less_this_process_s() -> None:
    # 2 s apart: the machine used 3 CPU seconds, this process 1 of them -> 1 core by others.
    before, after = CpuSample(10.0, 500.0, 4.0), CpuSample(12.0, 503.0, 5.0)
    assert others_busy(before, after) == pytest.approx(1.0)
    assert others_busy(before, CpuSample(12.0, None, 5.0)) == 0.0  # no /proc/stat
    assert others_busy(before, CpuSample(10.01, 500.0, 4.0)) == 0.0  # too short to tell


@pytest.mark.skipif(not Path("/proc/stat").exists(), reason="no /proc/stat")
def test_on_a_busy_machine_a_load_runs_duckdb_and_polars_in_one_thread() -> None:
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # the spinner keeps about a core busy
        printed = _python(
            "from store import priority; priority.give_way_to_readers(look=1.0); "
            "import duckdb, polars; con = duckdb.connect(); "
            "print(priority.share(con), con.execute(\"SELECT current_setting('threads')\")"
            ".fetchall()[0][0], polars.thread_pool_size())"
        )
    finally:
        spinner.kill()
        spinner.wait()
    assert printed.split() == ["1", "1", "1"]


def test_a_program_calling_the_command_line_with_its_own_arguments_keeps_its_priority(
    tmp_path: Path,
) -> None:
    printed = _python(
        "import os; from cli.main import main; before = os.nice(0); "
        f"assert main(['build', '--warehouse', {str(tmp_path / 'w.duckdb')!r}]) == 0; "
        "print(os.nice(0) - before, os.environ.get('OPENBLAS_NUM_THREADS'))"
    )
    assert printed.splitlines()[-1] == "0 None"
