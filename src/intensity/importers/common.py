"""What the source importers share: staging a source file (with its encoding), reference
crosswalks as temp tables, country and admin1 resolution, and date parsing.

All row work is set-based DuckDB SQL. Python only decides things about a file as a
whole: its encoding, the order of day and month in its dates, which columns it has.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import duckdb

from intensity import ingest, regions
from intensity import sql as sqlfiles
from intensity.errors import InputDataError
from intensity.resources import reference_dir

# Temp relations the importers create; dropped after each file (see cleanup()).
TEMP_NAMES = (
    "imp_src", "imp_view", "imp_staged", "imp_country_keys", "imp_countries", "imp_admin1_names",
    "imp_admin1_resolved", "imp_admin1_successors", "imp_fips_countries", "imp_fips_admin1",
    "imp_labels", "imp_cameo", "imp_ucdp_types", "imp_ucdp_rules", "imp_rows", "imp_sub_keys",
    "imp_precision", "imp_roots", "imp_places", "imp_total", "imp_attrs",
)


lit, ident = sqlfiles.lit, sqlfiles.ident
drop_relations = ingest.drop_relations


def column_key(name: str) -> str:
    """How source column names are matched: case, spacing and punctuation ignored."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    """The single value of a one-row, one-column query (fully read: DuckDB 2 safe)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def cleanup(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the importers' temp relations and macros (they die with a rollback anyway)."""
    drop_relations(con, TEMP_NAMES)
    for macro in ("imp_parse_date", "imp_acled_ts"):
        con.execute(f"DROP MACRO IF EXISTS {macro}")


def store_attributes(con, table: str, columns, *, file_id: int, source: str = "imp_staged") -> None:
    """Replace the side-table rows of the events this file added or changed.

    Reads ``incoming`` (left by :func:`intensity.ingest.load_staged`) and the importer's
    relation ``source`` (alias ``a``), matched on ``_line``. ``columns`` names the
    side-table columns, or maps each to a SQL expression over ``a``.
    """
    exprs = columns if isinstance(columns, dict) else {c: f"a.{c}" for c in columns}
    changed = "i.old_hash IS DISTINCT FROM i.row_hash"
    con.execute(
        f"DELETE FROM {table} WHERE event_id IN (SELECT event_id FROM incoming AS i WHERE {changed})"
    )
    con.execute(
        f"INSERT INTO {table} (event_id, file_id, {', '.join(exprs)}) "
        f"SELECT i.event_id, ?, {', '.join(exprs.values())} "
        f"FROM incoming AS i JOIN {source} AS a USING (_line) WHERE {changed}",
        [file_id],
    )


def commit_staging(con) -> None:
    """Commit the staging relations built so far and reopen the file's transaction.

    DuckDB scans a table created in the running transaction on one thread; committed,
    the same table is scanned in parallel (about twice as fast here, on two cores). Only
    temp objects exist at this point (nothing in the store has been written yet), so
    the file's writes still happen in one transaction that a failure rolls back.
    """
    con.commit()
    con.begin()


# --------------------------------------------------------------------------- reading


def _cp1252_fallback(err: UnicodeDecodeError):
    # The five bytes cp1252 leaves undefined keep their Latin-1 meaning (C1 controls).
    return err.object[err.start:err.end].decode("latin-1"), err.end


codecs.register_error("intensity_cp1252", _cp1252_fallback)


def transcode_cp1252(path: Path) -> Path:
    """A UTF-8 copy of a Windows-1252 file in the temp directory (the caller deletes it)."""
    return ingest.utf8_copy(path, "cp1252", errors="intensity_cp1252")


def _encoding_errors(con) -> int:
    return scalar(con, "SELECT count(*) FROM stg_csv_rej WHERE error_type = 'INVALID ENCODING'") or 0


def stage_source(
    con: duckdb.DuckDBPyConnection, path: Path, *, delim: str | None = None, **read_opts
) -> tuple[dict[str, str], str]:
    """Stage a delimited source file as the temp relation ``imp_src``.

    Uses the canonical reader (:func:`intensity.ingest.stage_csv`: all VARCHAR, record
    numbers in ``_line``, unreadable records in ``stg_csv_rejects``) and keeps its raw
    records in ``stg_raw``; the importer then builds its own ``stg_src``. A file that is
    not valid UTF-8 is read again as Windows-1252 (UCDP's and Excel's encoding).

    Returns:
        ``({column_key(name): name}, encoding)`` for the file's columns.
    """
    cleanup(con)
    delim = delim or ingest._sniff_delimiter(path)
    encoding = "utf-8"
    try:
        cols = ingest.stage_csv(con, path, delim=delim, **dict(read_opts))
        bad = _encoding_errors(con)
    except InputDataError as exc:
        if "unicode" not in str(exc).lower() and "encod" not in str(exc).lower():
            raise
        bad = 1
    if bad:
        tmp = transcode_cp1252(path)
        drop_relations(con, ingest._STAGING)  # stage_csv's own drop would abort the transaction
        try:
            cols = ingest.stage_csv(con, tmp, delim=delim, **dict(read_opts))
        finally:
            tmp.unlink(missing_ok=True)
        encoding = "cp1252"
    kind = scalar(
        con, "SELECT table_type FROM information_schema.tables WHERE table_name = 'stg_src'"
    )
    con.execute(f"ALTER {'VIEW' if kind == 'VIEW' else 'TABLE'} stg_src RENAME TO imp_src")
    commit_staging(con)
    if kind == "VIEW":
        # Record numbers come from rowid, which a commit renumbers from 0.
        first = 1 if str(read_opts.get("header", "true")).lower() == "false" else 2
        base = scalar(con, "SELECT coalesce(min(rowid), 0) FROM stg_read")
        con.execute(f"CREATE OR REPLACE TEMP VIEW imp_src AS SELECT rowid - {base} + {first} AS _line, * "
                    "FROM stg_read")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW stg_raw AS SELECT _line, {ingest._csv_record(cols, delim)} "
        "AS _raw FROM imp_src"
    )
    # Counted now: the rows themselves are dropped before the writes (ingest.load_staged).
    con.execute("CREATE OR REPLACE TEMP TABLE imp_total AS SELECT count(*) AS n FROM imp_src")
    found: dict[str, str] = {}
    for c in cols:
        found.setdefault(column_key(c), c)
    return found, encoding


def project(con, found: dict[str, str], wanted: list[str], *, name: str = "imp_view",
            source: str = "imp_src", extra: str = "") -> list[str]:
    """Create view ``name`` over ``source`` with exactly the ``wanted`` columns (by key);
    columns the file lacks are NULL. Returns the wanted columns that were missing."""
    parts, missing = ["_line"], []
    for w in wanted:
        if w in found:
            parts.append(f"{ident(found[w])} AS {ident(w)}")
        else:
            parts.append(f"CAST(NULL AS VARCHAR) AS {ident(w)}")
            missing.append(w)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {', '.join(parts)}{extra} FROM {source}")
    return missing


def reference_table(con, table: str, filename: str) -> None:
    """Load ``data/reference/<filename>`` (all VARCHAR) into temp table ``table``."""
    path = reference_dir() / filename
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM "
        f"read_csv({lit(path)}, header=true, all_varchar=true, auto_detect=true, quote='\"')"
    )


def run_ingest_sql(con, name: str, *, table: str | None = None, view: bool = False) -> None:
    """Create temp table ``table`` (default: ``name``) from ``sql/ingest/<name>.sql``, or
    a view when ``view`` (for wide results read once: saves a copy of every string)."""
    kind = "VIEW" if view else "TABLE"
    con.execute(f"CREATE OR REPLACE TEMP {kind} {table or name} AS {sqlfiles.load('ingest', name)}")


# --------------------------------------------------------------------------- countries


def country_keys(con) -> None:
    """Temp table ``imp_country_keys(key, country_iso3)``.

    Keys are upper-case ISO alpha-2/alpha-3 codes, ISO numeric codes without leading
    zeros, and ``norm_name`` of English names and of ``country_aliases.csv``. A key that
    names two countries at its best priority is dropped rather than guessed.
    """
    regions.create_reference(con, ["ref_countries"])
    params = regions.reference_params()
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE imp_country_keys AS
        WITH k AS (
            SELECT CASE kind WHEN 'name' THEN norm_name(value) ELSE upper(value) END AS key,
                   country_iso3 AS iso3, priority
            FROM ({sqlfiles.load('reference', 'country_key_rows')})
        ),
        best AS (SELECT key, iso3, min(priority) AS priority FROM k GROUP BY ALL)
        SELECT key, iso3 AS country_iso3 FROM best
        QUALIFY priority = min(priority) OVER (PARTITION BY key)
            AND count(*) OVER (PARTITION BY key, priority) = 1
        """,
        {"country_aliases": params["country_aliases"]},
    )
    regions.drop_reference(con)


def country_lookup_sql(value: str, alias: str) -> tuple[str, str]:
    """(join clauses, resolved expression) resolving ``value`` through ``imp_country_keys``:
    a code, a number, or a name (a trailing parenthesis is ignored: "Russia (Soviet Union)")."""
    v = f"tidy({value})"
    joins = (
        f" LEFT JOIN imp_country_keys AS {alias}_c ON {alias}_c.key = upper({v})"
        f" LEFT JOIN imp_country_keys AS {alias}_n ON {alias}_n.key = "
        f"CASE WHEN regexp_full_match({v}, '[0-9]+') THEN CAST(CAST({v} AS BIGINT) AS VARCHAR) END"
        f" LEFT JOIN imp_country_keys AS {alias}_m ON {alias}_m.key = "
        f"norm_name(regexp_replace({v}, '\\s*\\(.*\\)\\s*$', ''))"
    )
    return joins, f"coalesce({alias}_c.country_iso3, {alias}_n.country_iso3, {alias}_m.country_iso3)"


# --------------------------------------------------------------------------- admin1


def resolve_admin1(con) -> None:
    """``imp_admin1_resolved`` from ``imp_admin1_names(country_iso3, admin1, admin2)``
    through ``sql/ingest/imp_admin1_resolved.sql`` (admin2 may be '' but not NULL)."""
    reference_table(con, "imp_admin1_successors", "admin1_successors.csv")
    run_ingest_sql(con, "imp_admin1_resolved")


# --------------------------------------------------------------------------- dates

MONTH_NAMES = ["%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y"]
_TIMES = ["", " %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", " %H:%M:%S.%f"]


def _numeric_formats(order: str) -> list[str]:
    out = []
    for sep in ("/", ".", "-"):
        d = f"%d{sep}%m{sep}%Y" if order == "dmy" else f"%m{sep}%d{sep}%Y"
        out.extend(d + t for t in _TIMES)
    return out


def detect_date_order(con, relation: str, column: str, *, default: str) -> str:
    """``'dmy'`` or ``'mdy'`` for the numeric dates (``24/03/2024``) of one column.

    A first number above 12 means day first, a second number above 12 month first;
    a column that never tells (all days <= 12) gets the source's convention ``default``.
    When both happen, the form seen in more distinct values wins and the others still
    parse (see :func:`date_macro`), since a number above 12 can only be a day.
    """
    col = ident(column)
    pattern = "'^(\\d{1,2})[/.-](\\d{1,2})[/.-]\\d{4}'"
    a, b = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE try_cast(regexp_extract(v, {pattern}, 1) AS INT) > 12),
               count(*) FILTER (WHERE try_cast(regexp_extract(v, {pattern}, 2) AS INT) > 12)
        FROM (SELECT DISTINCT tidy({col}) AS v FROM {relation})
        """
    ).fetchall()[0]
    if a == b == 0:
        return default
    return "dmy" if a >= b else "mdy"


def date_macro(con, *, order: str, first: list[str] | None = None) -> None:
    """Create ``imp_parse_date(x)``: text to DATE, or NULL.

    Tries ISO dates and timestamps (with or without zone) first, then ``first`` (the
    source's own format), ``DD Month YYYY`` forms, numeric dates in the detected
    ``order`` and, last, in the other order (so ``28/09/2022`` still parses in a
    month-first file). With a time of day, the date is the one written.
    """
    other = "mdy" if order == "dmy" else "dmy"
    fmts = list(dict.fromkeys((first or []) + MONTH_NAMES + _numeric_formats(order)
                              + _numeric_formats(other) + ["%Y%m%d", "%Y/%m/%d"]))
    fmt_list = "[" + ", ".join(lit(f) for f in fmts) + "]"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO imp_parse_date(x) AS CASE
            WHEN regexp_matches(tidy(x), '^\\d{{4}}-\\d{{2}}-\\d{{2}}')
                THEN try_cast(substr(tidy(x), 1, 10) AS DATE)
            ELSE CAST(try_strptime(tidy(x), {fmt_list}) AS DATE)
        END
        """
    )


def date_text(expr: str) -> str:
    """SQL: the parsed date as ISO text, else the raw text (so validation names it)."""
    return f"coalesce(CAST(imp_parse_date({expr}) AS VARCHAR), {expr})"
