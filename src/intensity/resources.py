"""Locate the SQL and reference-data files shipped with the package.

In a wheel they sit inside the package (``intensity/sql``); in a source
checkout or an editable install they sit at the repository's top level
(``sql/`` and ``data/reference/``), as the project layout prescribes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(*parts: str) -> Path:
    for base in (_PKG, _PKG.parent.parent):
        candidate = base.joinpath(*parts)
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find {'/'.join(parts)} next to {_PKG}")


@cache
def sql_dir() -> Path:
    """Directory holding ``schema/``, ``transforms/`` and ``views/``."""
    return _find("sql")


@cache
def reference_dir() -> Path:
    """Directory holding the reference CSVs (taxonomy, region names, aliases)."""
    return _find("data", "reference")
