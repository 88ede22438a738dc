"""Where things live and the settings a user may change: read once, validated when read."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "data" / "reference"
SQL_DIR = ROOT / "sql"
SETTINGS_FILE = ROOT / "terugkeer.toml"
STREAMLIT_CONFIG = ROOT / "streamlit_config.toml"
DEFAULT_WAREHOUSE = ROOT / "data" / "warehouse.duckdb"
WAREHOUSE_ENV = "TERUGKEER_WAREHOUSE"


class SettingsError(ValueError):
    """A settings file or variable holds a value the product cannot use."""


@dataclass(frozen=True)
class Settings:
    suppression_threshold: int = 10


def warehouse_path(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """The warehouse: --warehouse, else $TERUGKEER_WAREHOUSE, else data/warehouse.duckdb."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get(WAREHOUSE_ENV):
        return Path(os.environ[WAREHOUSE_ENV])
    return DEFAULT_WAREHOUSE


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    """Read terugkeer.toml (if present) and the environment; refuse impossible values."""
    values: dict[str, object] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path.name} is not valid TOML: {exc}") from exc
    threshold = os.environ.get(
        "TERUGKEER_SUPPRESSION_THRESHOLD", values.get("suppression_threshold", 10)
    )
    try:
        threshold_int = int(threshold)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"suppression_threshold must be a whole number, not {threshold!r}"
        ) from exc
    if not 1 <= threshold_int <= 1000:
        raise SettingsError(
            f"suppression_threshold must lie between 1 and 1000, not {threshold_int}"
        )
    return Settings(suppression_threshold=threshold_int)
