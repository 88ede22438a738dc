"""The command line: help on every subcommand, and the dashboard's settings source."""

from __future__ import annotations

import tomllib

import pytest

from basis.settings import STREAMLIT_CONFIG
from cli.main import main, streamlit_flags


@pytest.mark.parametrize("command", ["demo", "ingest", "build", "figures", "dashboard"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert f"terugkeer {command}" in capsys.readouterr().out


def test_the_dashboard_gets_every_setting_of_its_streamlit_config() -> None:
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
