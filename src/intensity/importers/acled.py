"""ACLED CSV exports (``--format acled``; detected from the header).

Columns are read by name, so reordered, extra (``id``, ``actor_dyad``) and missing
(``disorder_type``, ``civilian_targeting``, ``tags``, ``sub_event_type`` in pre-2019
files) columns are fine. Dates may be ``24 March 2024``, ``2024-03-24`` or
``24/03/2024 00:00:00``. Labels, including the pre-2019 typology, go through
``data/reference/acled_labels.csv``; see ``docs/importers.md``.

ACLED is a living dataset: an event whose stored copy has a newer ``timestamp`` than
the file's is left alone (counted as skipped); the same or a newer timestamp with
changed content replaces it.
"""

from __future__ import annotations

from pathlib import Path

from intensity.errors import InputDataError
from intensity.importers import common
from intensity.importers.common import ident, scalar
from intensity.ingest import first_line, stager

COLUMNS = [
    "event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "iso3", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "tags", "timestamp",
]
REQUIRED = ("event_id_cnty", "event_date", "event_type")
CANONICAL = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3",
    "admin1_code", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "notes",
)
EXTRA = ("source_updated_at", "source_label", "source_refs")
# acled_attributes columns, read from the export's own columns (alias a = imp_view).
ATTRIBUTES = {
    **{c: f"nullif(tidy(a.{c}), '')" for c in ("disorder_type", "civilian_targeting", "assoc_actor_1",
                                               "assoc_actor_2", "admin3", "source_scale", "tags")},
    **{c: f"try_cast(a.{c} AS INTEGER)" for c in ("inter1", "inter2", "interaction")},
}


def header_keys(path: Path) -> set[str]:
    """Column keys of a delimited file's first line ('' for an unreadable file)."""
    head = first_line(path)  # (UTF-16 exports too)
    delim = max((",", "\t", ";", "|"), key=head.count)
    return {common.column_key(c.strip().strip('"')) for c in head.split(delim)}


def sniff(path: Path) -> str | None:
    """``"acled"`` for a file whose header has ACLED's event id, date and type columns."""
    return "acled" if set(REQUIRED) <= header_keys(path) else None


def _after(con, res, *, file_id: int) -> None:
    # rows the reader parsed but staging left out are the stale ones
    stale = scalar(con, "SELECT n FROM imp_total") - scalar(con, "SELECT count(*) FROM staged")
    if stale:
        res.skipped += stale
        res.rows_read += stale
        res.warnings.append(
            f"kept {stale} stored event(s) whose ACLED timestamp is newer than this file's"
        )
    common.store_attributes(con, "acled_attributes", list(ATTRIBUTES), file_id=file_id, source="imp_attrs")
    common.cleanup(con)


@stager("acled", after=_after, resolves_admin1=True)
def stage_acled(con, path: Path) -> dict[str, str]:
    """Stage an ACLED export; see the module docstring. Returns the canonical mapping."""
    found, encoding = common.stage_source(con, path)
    missing = [c for c in REQUIRED if c not in found]
    if not {"iso", "iso3", "country"} & set(found):
        missing.append("country (or iso / iso3)")
    if missing:
        raise InputDataError(
            f"{path} is not an ACLED export: missing column(s) {', '.join(missing)}",
            hint="ACLED exports carry event_id_cnty, event_date, event_type and country",
        )
    common.project(con, found, COLUMNS)
    common.reference_table(con, "imp_labels", "acled_labels.csv")
    common.country_keys(con)
    joins = ""
    exprs = []
    for i, col in enumerate(("iso", "iso3", "country")):
        j, e = common.country_lookup_sql(f"k.{col}", f"k{i}")
        joins += j
        exprs.append(e)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE imp_countries AS
        SELECT k.iso, k.iso3, k.country, coalesce({', '.join(exprs)}) AS country_iso3
        FROM (SELECT DISTINCT coalesce(iso, '') AS iso, coalesce(iso3, '') AS iso3,
                              coalesce(country, '') AS country FROM imp_view) AS k
        {joins}
        """
    )
    # Every distinct place once: (iso, iso3, country, admin1, admin2) -> country, admin1 code.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE imp_places AS
        SELECT DISTINCT coalesce(iso, '') AS iso, coalesce(iso3, '') AS iso3, coalesce(country, '') AS country,
                        coalesce(admin1, '') AS admin1, coalesce(admin2, '') AS admin2
        FROM imp_view
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE imp_admin1_names AS
        SELECT DISTINCT c.country_iso3, nullif(p.admin1, '') AS admin1, p.admin2
        FROM imp_places AS p JOIN imp_countries AS c USING (iso, iso3, country)
        """
    )
    common.resolve_admin1(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE imp_places AS
        SELECT p.*, c.country_iso3, r.admin1_code
        FROM imp_places AS p
        LEFT JOIN imp_countries AS c USING (iso, iso3, country)
        LEFT JOIN imp_admin1_resolved AS r
          ON r.country_iso3 = c.country_iso3 AND r.admin1 = p.admin1 AND r.admin2 = p.admin2
        """
    )
    order = common.detect_date_order(con, "imp_view", "event_date", default="dmy")
    common.date_macro(con, order=order, first=["%d %B %Y"])
    # ACLED `timestamp`: Unix seconds (older exports: a date-time), as a naive UTC TIMESTAMP
    con.execute(
        "CREATE OR REPLACE TEMP MACRO imp_acled_ts(x) AS CASE WHEN try_cast(x AS BIGINT) IS NOT NULL "
        "THEN make_timestamp(try_cast(x AS BIGINT) * 1000000) ELSE try_cast(x AS TIMESTAMP) END"
    )
    common.run_ingest_sql(con, "acled_staged", table="imp_staged", view=True)
    con.execute("CREATE OR REPLACE TEMP VIEW stg_src AS SELECT * FROM imp_staged WHERE NOT stale")
    # The side table's columns, narrow: the export's own rows are freed before the writes.
    # The same pass keeps the timestamps that do not parse, for a warning.
    con.execute(f"CREATE OR REPLACE TEMP TABLE imp_attrs AS SELECT _line, "
                f"{', '.join(f'{e} AS {c}' for c, e in ATTRIBUTES.items())}, "
                "CASE WHEN nullif(tidy(a.\"timestamp\"), '') IS NOT NULL AND imp_acled_ts(a.\"timestamp\") IS NULL "
                "THEN a.\"timestamp\" END AS bad_timestamp FROM imp_view AS a")
    bad_ts, bad_example = con.execute("SELECT count(bad_timestamp), any_value(bad_timestamp) FROM imp_attrs").fetchall()[0]
    common.commit_staging(con)
    mapping = {c: ident(c) for c in CANONICAL}
    mapping.update({"+" + c: ident(c) for c in EXTRA})
    notes = []
    if encoding != "utf-8":
        notes.append(f"read as {encoding} (the file is not valid UTF-8)")
    if "fatalities" not in found:
        notes.append("no fatalities column: fatalities are NULL (not reported)")
    if bad_ts:
        # The event still loads; without its timestamp any later export replaces it.
        notes.append(f"{bad_ts} row(s) with an unreadable timestamp (e.g. {bad_example!r}) loaded without it")
    if notes:
        mapping["__warning__"] = "; ".join(notes)
    return mapping


__all__ = ["stage_acled", "sniff"]
