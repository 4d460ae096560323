"""UCDP GED and Candidate event CSVs (``--format ucdp``; detected from the header).

``type_of_violence`` 1 (state-based) and 2 (non-state) become ``battles/armed_clash``,
3 (one-sided) ``violence_against_civilians/attack``, unless ``source_headline`` says
otherwise (``data/reference/ucdp_text_rules.csv``: shelling, air or drone strikes,
IEDs, suicide bombings; sexual violence and abductions for one-sided events).
Fatalities are ``best`` (``low``/``high`` kept); an event spanning days counts on
``date_start`` with its ``date_prec`` as precision. Windows-1252 files and month-first
dates in several formats (``9/28/2022 12:00:00 AM``, ``09/01/2022 00:00``) are detected.
"""

from __future__ import annotations

from pathlib import Path

from intensity.errors import InputDataError
from intensity.importers import common
from intensity.importers.acled import header_keys
from intensity.importers.common import ident
from intensity.ingest import stager

COLUMNS = [
    "id", "relid", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b",
    "number_of_sources", "source_office", "source_headline", "where_prec", "where_coordinates",
    "adm_1", "adm_2", "latitude", "longitude", "country", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown",
    "best", "high", "low",
]
REQUIRED = ("id", "type_of_violence", "date_start", "best", "country")
CANONICAL = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3",
    "admin1_code", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "fatalities_low",
    "fatalities_high", "notes",
)
EXTRA = ("source_updated_at", "source_label", "source_refs")
ATTRIBUTES = ("relid", "type_of_violence", "conflict_name", "dyad_name", "date_end", "date_prec",
              "where_prec", "event_clarity", "number_of_sources", "deaths_a", "deaths_b",
              "deaths_civilians", "deaths_unknown")


def sniff(path: Path) -> str | None:
    """``"ucdp"`` for a file whose header has UCDP GED's type, start date and best estimate."""
    return "ucdp" if {"type_of_violence", "date_start", "best"} <= header_keys(path) else None


def _after(con, res, *, file_id: int) -> None:
    common.store_attributes(con, "ucdp_attributes", ATTRIBUTES, file_id=file_id)
    common.cleanup(con)


@stager("ucdp", after=_after, resolves_admin1=True)
def stage_ucdp(con, path: Path) -> dict[str, str]:
    """Stage a UCDP GED / Candidate CSV; see the module docstring."""
    found, encoding = common.stage_source(con, path)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InputDataError(
            f"{path} is not a UCDP GED file: missing column(s) {', '.join(missing)}",
            hint="UCDP GED / Candidate CSVs carry id, type_of_violence, date_start, best and country",
        )
    common.project(con, found, COLUMNS)
    common.reference_table(con, "imp_ucdp_types", "ucdp_crosswalk.csv")
    common.reference_table(con, "imp_ucdp_rules", "ucdp_text_rules.csv")
    common.reference_table(con, "imp_precision", "precision_crosswalk.csv")
    common.country_keys(con)
    joins, expr = common.country_lookup_sql("k.country", "k")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE imp_countries AS
        SELECT k.country, {expr} AS country_iso3
        FROM (SELECT DISTINCT coalesce(country, '') AS country FROM imp_view) AS k {joins}
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE imp_admin1_names AS
        SELECT DISTINCT c.country_iso3, v.adm_1 AS admin1, coalesce(v.adm_2, '') AS admin2
        FROM imp_view AS v JOIN imp_countries AS c ON c.country = coalesce(v.country, '')
        """
    )
    common.resolve_admin1(con)
    order = common.detect_date_order(con, "imp_view", "date_start", default="mdy")
    common.date_macro(con, order=order)
    common.run_ingest_sql(con, "ucdp_staged", table="imp_staged")
    con.execute("CREATE OR REPLACE TEMP VIEW stg_src AS SELECT * FROM imp_staged")

    common.commit_staging(con)
    mapping = {c: ident(c) for c in CANONICAL}
    mapping.update({"+" + c: ident(c) for c in EXTRA})
    if encoding != "utf-8":
        mapping["__warning__"] = f"read as {encoding} (the file is not valid UTF-8)"
    return mapping
