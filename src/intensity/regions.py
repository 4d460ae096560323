"""The regions gazetteer: ISO 3166-2 subdivisions with English names and aliases.

Subdivisions and countries come from pycountry's data files (the ISO 3166 data of Debian's
iso-codes); ``data/reference/admin1_names.csv`` gives the English names analysts write
(``Kharkiv`` for ``Kharkivska oblast``), ``admin1_aliases.csv`` the other
spellings sources use. Names are matched after ``norm_name`` (lower case, no
accents or punctuation), first exactly, then without a trailing administrative
word (``admin_key``: "Kharkiv Oblast" -> "kharkiv").

The tables are derived in SQL (``sql/reference/``) straight from those files: reading
them through pycountry's objects and passing ~20k rows as parameters cost ~0.45 s of
every new store.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from intensity import sql as sqlfiles
from intensity.resources import reference_dir

# The derived relations, in build order (each reads the ones before it).
_REFERENCE = ("ref_countries", "ref_regions", "ref_region_alias_rows")


@cache
def pycountry_data() -> Path:
    """pycountry's folder of ISO data files, found without importing it (~0.1 s)."""
    spec = importlib.util.find_spec("pycountry")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pycountry is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "databases"


def reference_params() -> dict[str, str]:
    """The files the reference relations read, as SQL parameters."""
    ref = reference_dir()
    return {"iso1": str(pycountry_data() / "iso3166-1.json"), "iso2": str(pycountry_data() / "iso3166-2.json"),
            "names": str(ref / "admin1_names.csv"), "aliases": str(ref / "admin1_aliases.csv"),
            "country_aliases": str(ref / "country_aliases.csv")}


def create_reference(con, names=_REFERENCE) -> None:
    """Create the temp tables ``names`` (a prefix of ref_countries, ref_regions,
    ref_region_alias_rows) from their ``sql/reference`` files."""
    params = reference_params()
    for name in names:
        sql = sqlfiles.load("reference", name)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}",
                    {k: v for k, v in params.items() if f"${k}" in sql})


def drop_reference(con) -> None:
    for name in reversed(_REFERENCE):
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


_COUNTRY_COLUMNS = ("country_iso3", "country_iso2", "name")
_REGION_COLUMNS = ("admin1_code", "country_iso3", "admin1", "local_name", "type", "parent_code",
                   "is_admin1", "aliases")
_ALIAS_COLUMNS = ("country_iso3", "alias", "admin1_code", "priority")


def _rows(con, table: str, columns, order: str | None = "n") -> list[dict]:
    sql = f"SELECT {', '.join(columns)} FROM {table}" + (f" ORDER BY {order}" if order else "")
    return [dict(zip(columns, r)) for r in con.execute(sql).fetchall()]


def reference_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """(countries, regions, raw aliases) as row dicts, in pycountry's order."""
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": "false"})
    try:
        create_reference(con)
        return (_rows(con, "ref_countries", _COUNTRY_COLUMNS), _rows(con, "ref_regions", _REGION_COLUMNS),
                _rows(con, "ref_region_alias_rows", _ALIAS_COLUMNS, order=None))
    finally:
        con.close()


def reference_frames():
    """(countries, regions, raw aliases) as Polars DataFrames (see :func:`reference_rows`)."""
    import polars as pl

    schemas = ({"country_iso3": pl.String, "country_iso2": pl.String, "name": pl.String},
               {"admin1_code": pl.String, "country_iso3": pl.String, "admin1": pl.String,
                "local_name": pl.String, "type": pl.String, "parent_code": pl.String,
                "is_admin1": pl.Boolean, "aliases": pl.List(pl.String)},
               {"country_iso3": pl.String, "alias": pl.String, "admin1_code": pl.String, "priority": pl.Int64})
    return tuple(pl.DataFrame(rows, schema=schema) for rows, schema in zip(reference_rows(), schemas))


def seed(con) -> None:
    """Replace ``countries``, ``regions`` and ``region_aliases`` in one set-based pass.

    An alias key that points at two different regions of one country at the
    same priority is ambiguous and is dropped rather than guessed.
    """
    create_reference(con)
    try:
        con.execute("DELETE FROM countries")
        con.execute(f"INSERT INTO countries SELECT {', '.join(_COUNTRY_COLUMNS)} FROM ref_countries ORDER BY n")
        con.execute("DELETE FROM regions")
        con.execute(f"INSERT INTO regions SELECT {', '.join(_REGION_COLUMNS)} FROM ref_regions ORDER BY n")
        con.execute("DELETE FROM region_aliases")
        con.execute(f"INSERT INTO region_aliases {sqlfiles.load('reference', 'region_aliases')}")
    finally:
        drop_reference(con)
