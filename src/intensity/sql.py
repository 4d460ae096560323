"""Load SQL files by name. One relation per file, named after it."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from intensity.resources import sql_dir

KINDS = ("schema", "transforms", "views", "ingest", "reference")


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


@cache
def load(kind: str, name: str) -> str:
    """Return the text of ``sql/<kind>/<name>.sql``.

    Args:
        kind: one of ``schema``, ``transforms``, ``views`` (portable SELECTs and DDL)
            or ``ingest`` and ``reference`` (DuckDB-only: statements used while loading
            files; the reference tables derived from pycountry and ``data/reference``).
        name: the relation (or migration) name, without ``.sql``.

    Raises:
        KeyError: if no such file exists.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown SQL kind {kind!r}; expected one of {KINDS}")
    path = sql_dir() / kind / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no SQL file {kind}/{name}.sql")
    return path.read_text(encoding="utf-8")


def transform(name: str) -> str:
    """The parameterised SELECT that produces relation ``name``."""
    return load("transforms", name)


def names(kind: str) -> list[str]:
    """Sorted names of the SQL files of one kind."""
    return sorted(p.stem for p in (sql_dir() / kind).glob("*.sql"))


def files(kind: str) -> list[Path]:
    """Sorted paths of the SQL files of one kind."""
    return sorted((sql_dir() / kind).glob("*.sql"))


def view_sources() -> dict[str, str]:
    """Map each stable view's name to its SELECT."""
    return {p.stem: p.read_text(encoding="utf-8") for p in files("views")}


def migrations() -> list[tuple[int, str, Path]]:
    """Schema migrations as (version, name, path), in order."""
    out = []
    for p in files("schema"):
        head, _, rest = p.stem.partition("_")
        if not head.isdigit():
            raise ValueError(f"migration file {p.name} must start with a number")
        out.append((int(head), rest, p))
    return out


