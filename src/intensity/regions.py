"""The regions gazetteer: ISO 3166-2 subdivisions with English names and aliases.

Subdivisions and countries come from pycountry (the ISO 3166 data Debian ships);
``data/reference/admin1_names.csv`` gives the English names analysts write
(``Kharkiv`` for ``Kharkivska oblast``), ``admin1_aliases.csv`` the other
spellings sources use. Names are matched after ``norm_name`` (lower case, no
accents or punctuation), first exactly, then without a trailing administrative
word (``admin_key``: "Kharkiv Oblast" -> "kharkiv").
"""

from __future__ import annotations

import csv

from intensity.db import rows_select
from intensity.resources import reference_dir


def _read(name: str) -> list[dict]:
    with open(reference_dir() / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def reference_rows() -> tuple[list[dict], list[dict], list[dict]]:
    """(countries, regions, raw aliases) as row dicts, from pycountry and the reference CSVs."""
    import pycountry

    countries = [
        {"country_iso3": c.alpha_3, "country_iso2": c.alpha_2, "name": getattr(c, "common_name", None) or c.name}
        for c in pycountry.countries
    ]
    iso2_to_3 = {c["country_iso2"]: c["country_iso3"] for c in countries}
    english = {r["admin1_code"]: r["admin1"] for r in _read("admin1_names.csv")}
    curated: dict[str, list[str]] = {}
    for r in _read("admin1_aliases.csv"):
        curated.setdefault(r["admin1_code"], []).append(r["alias"])

    region_rows, alias_rows = [], []
    for s in pycountry.subdivisions:
        iso3 = iso2_to_3.get(s.country_code)
        if iso3 is None:
            continue
        name = english.get(s.code, s.name)
        aliases = list(dict.fromkeys([s.name, *curated.get(s.code, [])]))
        region_rows.append(
            {"admin1_code": s.code, "country_iso3": iso3, "admin1": name, "local_name": s.name,
             "type": s.type, "parent_code": s.parent_code, "is_admin1": s.parent_code is None,
             "aliases": aliases}
        )
        # priority: the English name, then curated spellings, then ISO names; admin1 first.
        level = 0 if s.parent_code is None else 10
        alias_rows.append({"country_iso3": iso3, "alias": name, "admin1_code": s.code, "priority": level})
        alias_rows.append({"country_iso3": iso3, "alias": s.code, "admin1_code": s.code, "priority": level})
        for a in curated.get(s.code, []):
            alias_rows.append({"country_iso3": iso3, "alias": a, "admin1_code": s.code, "priority": level + 1})
        alias_rows.append({"country_iso3": iso3, "alias": s.name, "admin1_code": s.code, "priority": level + 2})
    return countries, region_rows, alias_rows


_REGION_SCHEMA = {"admin1_code": "VARCHAR", "country_iso3": "VARCHAR", "admin1": "VARCHAR",
                  "local_name": "VARCHAR", "type": "VARCHAR", "parent_code": "VARCHAR",
                  "is_admin1": "BOOLEAN", "aliases": "VARCHAR[]"}
_COUNTRY_SCHEMA = {"country_iso3": "VARCHAR", "country_iso2": "VARCHAR", "name": "VARCHAR"}
_ALIAS_SCHEMA = {"country_iso3": "VARCHAR", "alias": "VARCHAR", "admin1_code": "VARCHAR", "priority": "INTEGER"}


def reference_frames():
    """(countries, regions, raw aliases) as Polars DataFrames (see :func:`reference_rows`)."""
    import polars as pl

    types = {"VARCHAR": pl.String, "BOOLEAN": pl.Boolean, "INTEGER": pl.Int64, "VARCHAR[]": pl.List(pl.String)}
    return tuple(
        pl.DataFrame(rows, schema={k: types[v] for k, v in schema.items()})
        for rows, schema in zip(reference_rows(), (_COUNTRY_SCHEMA, _REGION_SCHEMA, _ALIAS_SCHEMA))
    )


def seed(con) -> None:
    """Replace ``countries``, ``regions`` and ``region_aliases`` in one set-based pass.

    An alias key that points at two different regions of one country at the
    same priority is ambiguous and is dropped rather than guessed.
    """
    country_rows, region_rows, alias_rows = reference_rows()
    con.execute("DELETE FROM countries")
    sql, params = rows_select(_COUNTRY_SCHEMA, country_rows)
    con.execute(f"INSERT INTO countries SELECT country_iso3, country_iso2, name FROM ({sql})", params)
    con.execute("DELETE FROM regions")
    sql, params = rows_select(_REGION_SCHEMA, region_rows)
    con.execute(
        "INSERT INTO regions SELECT admin1_code, country_iso3, admin1, local_name, type,"
        f" parent_code, is_admin1, aliases FROM ({sql})", params
    )
    con.execute("DELETE FROM region_aliases")
    sql, params = rows_select(_ALIAS_SCHEMA, alias_rows)
    # A table, not a CTE: the alias rows are read twice, and DuckDB binds parameters once.
    con.execute(f"CREATE OR REPLACE TEMP TABLE alias_df AS {sql}", params)
    con.execute(
        """
        INSERT INTO region_aliases
        WITH keyed AS (
            SELECT country_iso3, norm_name(alias) AS alias_key, admin1_code, priority FROM alias_df
            UNION ALL
            SELECT country_iso3, admin_key(alias), admin1_code, priority + 100 FROM alias_df
        ),
        best AS (
            SELECT country_iso3, alias_key, admin1_code, min(priority) AS priority
            FROM keyed WHERE alias_key <> '' GROUP BY ALL
        ),
        ranked AS (
            SELECT *, count(*) OVER (PARTITION BY country_iso3, alias_key, priority) AS ties,
                   rank() OVER (PARTITION BY country_iso3, alias_key ORDER BY priority) AS rnk
            FROM best
        )
        SELECT country_iso3, alias_key, admin1_code FROM ranked WHERE rnk = 1 AND ties = 1
        """
    )
    con.execute("DROP TABLE alias_df")
