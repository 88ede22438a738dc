"""Where things live and the settings a user may change: read once, validated when read."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = ROOT / "data" / "reference"
SQL_DIR = ROOT / "sql"
SETTINGS_FILE = ROOT / "terugkeer.toml"
STREAMLIT_CONFIG = ROOT / "dashboard" / ".streamlit" / "config.toml"
DEFAULT_WAREHOUSE = ROOT / "data" / "warehouse.duckdb"
WAREHOUSE_ENV = "TERUGKEER_WAREHOUSE"


PRIVATE_UMASK = 0o077  # what the product writes is readable by its own user only


def private_files() -> None:
    """From now on this process creates files and folders for its own user only: the store
    (with the record-key secret), snapshots, the application database, backups, uploads."""
    os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """Take group and other rights off a file this process owns (one made before)."""
    try:
        if path.exists() and path.stat().st_uid == os.geteuid():
            path.chmod(path.stat().st_mode & 0o700)
    except OSError:
        pass  # not ours to change: the operator's choice stands


class SettingsError(ValueError):
    """A settings file or variable holds a value the product cannot use."""


@dataclass(frozen=True)
class Settings:
    suppression_threshold: int = 10
    cell_key_max_noise: int = 2  # the cell-key method (docs/cellkey.md); 0 = no noise
    cell_key_variance: float = 1.0
    # When not empty: a login is known by its e-mail address only when the provider verified
    # it and its domain is one of these (people/login.py).
    login_email_domains: tuple[str, ...] = ()
    # The OData API (terugkeer api): every dataset public (else those per municipality,
    # province or PI need a token), and the requests per second per token or address.
    api_public: bool = False
    api_rate_per_second: float = 50.0
    # An upload whose metadata says it would expand past these is refused unread.
    upload_max_rows: int = 5_000_000
    upload_max_mb: int = 1024
    effect_min_treated: int = 60  # Effectmeting: the fewest treated releases evaluated
    effect_max_per_day: int = 50  # Effectmeting: evaluations per person per day (differencing)


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
    threshold = _number(values, "suppression_threshold", int, 10)
    if not 1 <= threshold <= 1000:
        raise SettingsError(f"suppression_threshold must lie between 1 and 1000, not {threshold}")
    max_noise = _number(values, "cell_key_max_noise", int, 2)
    if not 0 <= max_noise <= 10:
        raise SettingsError(f"cell_key_max_noise must lie between 0 and 10, not {max_noise}")
    variance = _number(values, "cell_key_variance", float, 1.0)
    if max_noise and not 0 < variance < max_noise**2:
        raise SettingsError(
            f"cell_key_variance must lie above 0 and below cell_key_max_noise squared "
            f"({max_noise**2}), not {variance}"
        )
    domains = values.get("login_email_domains", [])
    if not isinstance(domains, list) or not all(
        isinstance(d, str) and "." in d and "@" not in d.lstrip("@") for d in domains
    ):
        raise SettingsError("login_email_domains must be a list of domain names")
    public = values.get("api_public", False)
    if not isinstance(public, bool):
        raise SettingsError("api_public must be true or false")
    rate = _number(values, "api_rate_per_second", float, 50.0)
    if not 0 < rate <= 10_000:
        raise SettingsError(f"api_rate_per_second must lie above 0 and at most 10000, not {rate}")
    max_rows = _number(values, "upload_max_rows", int, 5_000_000)
    max_mb = _number(values, "upload_max_mb", int, 1024)
    if max_rows < 1 or max_mb < 1:
        raise SettingsError("upload_max_rows and upload_max_mb must be at least 1")
    min_treated = _number(values, "effect_min_treated", int, 60)
    if not 20 <= min_treated <= 100_000:
        raise SettingsError(f"effect_min_treated must lie between 20 and 100000, not {min_treated}")
    max_per_day = _number(values, "effect_max_per_day", int, 50)
    if not 1 <= max_per_day <= 10_000:
        raise SettingsError(f"effect_max_per_day must lie between 1 and 10000, not {max_per_day}")
    return Settings(
        threshold,
        max_noise,
        variance,
        tuple(d.lower().lstrip("@") for d in domains),
        public,
        rate,
        max_rows,
        max_mb,
        min_treated,
        max_per_day,
    )


def _number(values: dict, name: str, kind: type, default: float) -> Any:
    """A setting from TERUGKEER_<NAME>, else terugkeer.toml, else its default."""
    raw = os.environ.get(f"TERUGKEER_{name.upper()}", values.get(name, default))
    try:
        return kind(raw)
    except (TypeError, ValueError) as exc:
        what = "a whole number" if kind is int else "a number"
        raise SettingsError(f"{name} must be {what}, not {raw!r}") from exc
