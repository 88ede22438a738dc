"""The command line: help on every subcommand, and the dashboard's settings source."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from pipelines.cli import WRITER_NICENESS, main, streamlit_flags
from pipelines.settings import ROOT, STREAMLIT_CONFIG


@pytest.mark.parametrize("command", ["demo", "ingest", "build", "figures", "dashboard"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"terugkeer {command}" in capsys.readouterr().out


def test_the_dashboard_gets_every_setting_of_streamlit_config_toml() -> None:
    config = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    flags = streamlit_flags()
    expected = sum(len(values) for values in config.values())
    assert len(flags) == expected
    assert f"--server.port={config['server']['port']}" in flags
    assert f"--theme.primaryColor={config['theme']['primaryColor']}" in flags
    assert "--server.port=8600" in streamlit_flags(port=8600)


def test_demo_refuses_impossible_arguments(tmp_path, capsys: pytest.CaptureFixture) -> None:
    assert main(["demo", "--out", str(tmp_path), "--years", "2024-2015"]) == 1
    assert "years" in capsys.readouterr().err


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
        "import os; from pipelines.cli import _give_way_to_readers; _give_way_to_readers(); "
        "print(os.nice(0), os.getsid(0) == os.getpid(), "
        "open('/proc/self/autogroup').read().split()[-1])"
    )
    assert printed.split() == [str(WRITER_NICENESS), "True", str(WRITER_NICENESS)]


def test_a_load_does_its_matrix_algebra_in_one_thread(tmp_path: Path) -> None:
    """OpenBLAS's helper threads spin while they wait for work, which on a busy machine burns
    the readers' CPU: `terugkeer build` gives way before numpy is first imported, so its
    models are fitted in one thread (the dashboard keeps the default)."""
    printed = _python(
        "import sys, threadpoolctl; from pipelines.cli import main; "
        f"assert main(['build', '--warehouse', {str(tmp_path / 'w.duckdb')!r}]) == 0; "
        "assert 'numpy' in sys.modules; "
        "print([p['num_threads'] for p in threadpoolctl.threadpool_info() "
        "if p['internal_api'] == 'openblas'])"
    )
    assert printed.splitlines()[-1] == "[1]"
