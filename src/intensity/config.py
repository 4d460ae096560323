"""Where things live: the database path and the settings of scheduled runs.

Precedence for every setting, highest first: an explicit argument (``--db``),
the environment (``INTENSITY_DB``, ``INTENSITY_REPORTS``, ``INTENSITY_INPUTS``),
the configuration file, then the default. The configuration file is
``--config PATH``, else ``$INTENSITY_CONFIG``, else ``intensity.toml`` in the
working directory, else ``[tool.intensity]`` in ``pyproject.toml`` there.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from intensity.errors import UsageError

DEFAULT_DB = Path("data") / "intensity.duckdb"
DEMO_DB = Path("data") / "demo.duckdb"
ENV_DB = "INTENSITY_DB"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Resolve the database path from an explicit value, the environment or the default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return DEFAULT_DB


@dataclass
class Settings:
    """Settings of ``intensity run`` (and defaults of other commands)."""

    db: Path = DEFAULT_DB
    inputs: list[Path] = field(default_factory=list)  # folders (or files) to ingest from
    reports: Path = Path("reports")
    since: str = "28d"  # the report window, back from as-of
    lookback_days: int = 14  # recent days re-examined for late reports
    method: str | None = None  # detector; None = the default detector
    country: str | None = None
    region: str | None = None
    source: str | None = None  # detect and report on the events of this source only
    alert_exit_code: int = 0  # non-zero: exit with it when new escalation signals appear
    config_path: Path | None = None  # the file these settings came from

    @property
    def lock_path(self) -> Path:
        return self.db.with_name(self.db.name + ".run.lock")


_ENV = {"db": "INTENSITY_DB", "reports": "INTENSITY_REPORTS", "inputs": "INTENSITY_INPUTS"}


def _coerce(name: str, value):
    paths = (str, os.PathLike)
    if name in ("db", "reports"):
        if not isinstance(value, paths):
            raise UsageError(f"setting {name} must be a path (a string), not {value!r}")
        return Path(value)
    if name == "inputs":
        items = value.split(os.pathsep) if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(v, paths) for v in items):
            raise UsageError(f"setting inputs must be a list of paths, not {value!r}", hint='e.g. inputs = ["inbox/"]')
        return [Path(v) for v in items if str(v)]
    if name in ("lookback_days", "alert_exit_code"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UsageError(f"setting {name} must be a non-negative integer, not {value!r}",
                             hint=f"e.g. {name} = {3 if name == 'alert_exit_code' else 30}")
        # an exit status is one byte: 256 would reach the caller as 0 and the alert would be lost
        if name == "alert_exit_code" and value > 255:
            raise UsageError(f"setting alert_exit_code must be at most 255, not {value}",
                             hint="exit codes are 0-255; 3 is a common choice for an alert")
        return value
    if name == "method" and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return ",".join(value)  # method = ["nb_cusum", "ears_c2"], as the CLI's comma list
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"setting {name} must be a non-empty string, not {value!r}",
                         hint=f'e.g. {name} = "{_EXAMPLES.get(name, "...")}"')
    return value


_EXAMPLES = {"since": "28d", "method": "nb_cusum", "country": "UKR", "region": "UA-63", "source": "acled"}


def load_settings(config: str | os.PathLike | None = None, **overrides) -> Settings:
    """Read settings from the configuration file and the environment.

    Args:
        config: path of a TOML file; by default ``$INTENSITY_CONFIG`` or
            ``intensity.toml`` / ``pyproject.toml`` in the working directory.
        overrides: explicit values (e.g. from CLI options); ``None`` means unset.

    Raises:
        UsageError: the file is missing (when named), not TOML, or has unknown keys.
    """
    path = Path(config) if config else (Path(os.environ["INTENSITY_CONFIG"]) if os.environ.get("INTENSITY_CONFIG") else None)
    table: dict = {}
    if path is not None:
        if not path.is_file():
            raise UsageError(f"no configuration file at {path}")
        table = _read_toml(path)
        table = table.get("intensity", table.get("tool", {}).get("intensity", table))
    elif Path("intensity.toml").is_file():
        path = Path("intensity.toml")
        table = _read_toml(path)
        table = table.get("intensity", table)
    elif Path("pyproject.toml").is_file():
        found = _read_toml(Path("pyproject.toml")).get("tool", {}).get("intensity")
        if found is not None:
            path, table = Path("pyproject.toml"), found
    known = {f.name for f in fields(Settings)} - {"config_path"}
    unknown = set(table) - known
    if unknown:
        raise UsageError(f"unknown setting(s) in {path}: {', '.join(sorted(unknown))}",
                         hint=f"known settings: {', '.join(sorted(known))}")
    values = {k: _coerce(k, v) for k, v in table.items()}
    for name, env in _ENV.items():
        if os.environ.get(env):
            values[name] = _coerce(name, os.environ[env])
    for name, v in overrides.items():
        if v is not None:
            values[name] = _coerce(name, v)
    return Settings(**values, config_path=path)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read configuration {path}: {exc}") from None
