"""Where things live: the database path and other settings.

Precedence, highest first: an explicit argument (``--db``), the environment
(``INTENSITY_DB``), then the default ``data/intensity.duckdb`` relative to the
working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

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
