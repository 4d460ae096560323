"""GDELT 2.0 event exports (``--format gdelt``; detected from the content).

Raw exports are tab-separated with 61 columns and no header; a header row and extra
trailing columns (GeoMesa adds ``WKT``) are accepted too. Quotes are not special
(``quote=''``): SOURCEURL may contain them. Only CAMEO roots 14 (protest), 18
(assault), 19 (fight) and 20 (mass violence) are kept, decided from EventRootCode;
other rows are counted as skipped. FIPS 10-4 country and ADM1 codes become ISO.
Rows repeating an event (same day, ADM1, CAMEO code and actors) are merged into one
event whose ``source_count`` is the number of rows (counted as merged).
"""

from __future__ import annotations

from pathlib import Path

from intensity.errors import InputDataError
from intensity.importers import common
from intensity.importers.common import column_key, ident, lit, scalar
from intensity.ingest import stager

COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]
KEYS = [column_key(c) for c in COLUMNS]
ROOTS = ("14", "18", "19", "20")
CANONICAL = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3",
    "admin1_code", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "actor1", "actor2", "source_count", "notes",
)
EXTRA = ("source_updated_at", "source_label", "source_refs")
ATTRIBUTES = ("global_event_ids", "event_code", "event_base_code", "event_root_code", "quad_class",
              "goldstein_scale", "num_mentions", "num_sources", "num_articles", "avg_tone",
              "action_geo_type", "fips_country", "fips_adm1", "date_added")


def _first_line(path: Path) -> list[str]:
    try:
        with open(path, "rb") as fh:
            return fh.readline(1 << 16).decode("utf-8", errors="replace").rstrip("\r\n").split("\t")
    except OSError:
        return []


def sniff(path: Path) -> str | None:
    """``"gdelt"`` for a tab-separated file that starts like a GDELT 2.0 export."""
    fields = _first_line(path)
    if fields and column_key(fields[0]) == "globaleventid":
        return "gdelt"
    # GDELT 1.0 rows (57 columns) start the same way: claimed too, so that the stager tells
    # the user which version it reads instead of the canonical reader's "missing column(s)".
    if len(fields) >= _GDELT1_COLUMNS and fields[0].isdigit() and len(fields[1]) == 8 and fields[1].isdigit():
        return "gdelt"
    return None


_GDELT1_COLUMNS = 57


def _after(con, res, *, file_id: int) -> None:
    total = scalar(con, "SELECT n FROM imp_total")
    kept = scalar(con, "SELECT coalesce(sum(n_rows), 0) FROM imp_staged")
    groups = scalar(con, "SELECT count(*) FROM imp_staged")
    res.skipped += total - kept
    res.merged += kept - groups
    res.rows_read += (total - kept) + (kept - groups)
    if kept - groups:
        res.warnings.append(
            f"merged {kept - groups} duplicate GDELT row(s) into other events "
            "(same day, ADM1, CAMEO code and actors; see source_count)"
        )
    if total - kept:
        res.warnings.append(
            f"skipped {total - kept} row(s) outside CAMEO roots {', '.join(ROOTS)}"
        )
    common.store_attributes(con, "gdelt_attributes", ATTRIBUTES, file_id=file_id)
    common.cleanup(con)


@stager("gdelt", after=_after, resolves_admin1=True)
def stage_gdelt(con, path: Path) -> dict[str, str]:
    """Stage a GDELT 2.0 event export; see the module docstring."""
    first = _first_line(path)
    header = bool(first) and column_key(first[0]) == "globaleventid"
    found, _ = common.stage_source(con, path, delim="\t", header="true" if header else "false",
                                   quote="''", escape="''")
    names = list(found.values())
    if header:
        missing = [c for c, k in zip(COLUMNS, KEYS) if k not in found]
        if missing:
            raise InputDataError(f"{path} is not a GDELT 2.0 event export: missing column(s) "
                                 f"{', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
        by_key = {k: found[k] for k in KEYS}
    else:
        if len(names) < len(COLUMNS):
            raise InputDataError(
                f"{path} has {len(names)} tab-separated columns; a GDELT 2.0 event export has "
                f"{len(COLUMNS)}",
                hint="GDELT 1.0 files (57 columns) are not supported",
            )
        by_key = dict(zip(KEYS, names))  # by position; trailing extra columns are ignored
    common.project(con, by_key, KEYS)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE imp_roots AS SELECT unnest([" + ", ".join(lit(r) for r in ROOTS)
        + "]) AS root"
    )
    common.reference_table(con, "imp_cameo", "cameo_crosswalk.csv")
    common.reference_table(con, "imp_fips_countries", "fips_countries.csv")
    common.reference_table(con, "imp_fips_admin1", "fips_admin1.csv")
    common.reference_table(con, "imp_precision", "precision_crosswalk.csv")
    common.run_ingest_sql(con, "gdelt_merged", table="imp_rows")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE imp_admin1_names AS SELECT DISTINCT country_iso3, "
        "tidy(adm1_name) AS admin1, '' AS admin2 FROM imp_rows WHERE adm1_name IS NOT NULL"
    )
    common.resolve_admin1(con)
    common.run_ingest_sql(con, "gdelt_staged", table="imp_staged")
    con.execute("CREATE OR REPLACE TEMP VIEW stg_src AS SELECT * FROM imp_staged")
    common.commit_staging(con)
    mapping = {c: ident(c) for c in CANONICAL}
    mapping.update({"+" + c: ident(c) for c in EXTRA})
    return mapping
