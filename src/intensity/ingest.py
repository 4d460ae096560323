"""Load event files into the store: set-based, validated, idempotent, one transaction per file.

Every format is first staged as an all-VARCHAR DuckDB table with the record
number (``_line``, header = 1) and the raw record (``_raw``); the typing and
validation SELECT in ``sql/ingest/staged_events.sql`` then decides, per row, a
reject reason or a typed canonical event. Valid rows are upserted by
``event_id``: new ones are inserted, changed ones replace the stored row, rows
whose content hash is unchanged are left alone, so loading a file twice adds
nothing. Readers for other sources (ACLED, UCDP, GDELT, text) plug in through
:data:`STAGERS` by producing the same staging table.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import duckdb

from intensity import rollup
from intensity import sql as sqlfiles
from intensity.db import EVENTS_INDEX, content_columns, restore_events_index, row_hash_sql, utcnow
from intensity.errors import InputDataError, UsageError

# The canonical input columns, in the order of the events table.
CANONICAL_INPUT = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3",
    "admin1_code", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "fatalities_low",
    "fatalities_high", "injured", "munitions", "weapon", "source_count", "notes", "article_id",
    "confidence", "extractor_version",
)
# A file must carry these columns (or their stand-ins) to be read as canonical events.
REQUIRED_ANY = (("event_date",), ("event_type", "sub_event_type"), ("country_iso3", "admin1_code"))

EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}

EVENT_COLUMNS = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3",
    "admin1_code", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision",
    "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "fatalities_low",
    "fatalities_high", "injured", "munitions", "weapon", "source_count", "notes", "article_id",
    "confidence", "extractor_version", "file_id", "row_hash", "ingested_at",
)


@dataclass
class IngestResult:
    """What one file contributed. ``status`` is ``ok``, ``rejected`` (strict) or ``error``."""

    path: str
    format: str
    status: str = "ok"
    rows_read: int = 0
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    rejected: int = 0
    unresolved: int = 0
    # Source rows deliberately not loaded (e.g. GDELT roots outside the conflict set, ACLED
    # rows older than the stored version) and rows folded into another event (duplicates).
    skipped: int = 0
    merged: int = 0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what happened, nothing wrong (articles read / new)
    reject_samples: list[tuple[int | None, str]] = field(default_factory=list)
    file_id: int | None = None

    def error_line(self) -> str:
        """One line saying why this file did not load (the message mostly names the file already)."""
        reason = self.error or f"{self.rejected} row(s) rejected under --strict; nothing loaded"
        return reason if self.path in reason else f"{self.path}: {reason}"


# A stager creates the temp relations `stg_src` (_line + source columns), `stg_raw` (_line,
# _raw) and `stg_csv_rejects` (line, reason, raw) from a path, then returns the mapping
# {canonical column: SQL expression over stg_src}. Keys starting with "+" name extra
# `events` columns (added by a migration) to fill, as typed SQL expressions over stg_src;
# they ride through validation in one STRUCT column (`_extra`) and count in the content hash.
Stager = Callable[..., dict[str, str]]
STAGERS: dict[str, Stager] = {}
# Formats whose stager itself writes to the store, added by their registration (articles:
# the `articles` table); every other stager makes temp objects only, so their staging may be
# committed before the writes.
STAGER_WRITES: set[str] = set()
# Called as hook(con, res, file_id=...) after a format's rows are loaded, in the same
# transaction (side tables, corrected counts). `incoming` and `staged` are still there.
AFTER_LOAD: dict[str, Callable[..., None]] = {}
# Formats whose stager resolves admin1 names to codes itself (with more rules than the
# canonical path has), so validation need not look the names up again.
RESOLVES_ADMIN1: set[str] = set()


def stager(name: str, *, after: Callable[..., None] | None = None, resolves_admin1: bool = False):
    """Register a function that stages one input format (see :data:`Stager`).

    ``resolves_admin1`` declares that the stager gives ``admin1_code`` wherever the admin1
    name resolves (as the importers do through ``imp_admin1_resolved``).
    """

    def wrap(fn: Stager) -> Stager:
        STAGERS[name] = fn
        if after is not None:
            AFTER_LOAD[name] = after
        if resolves_admin1:
            RESOLVES_ADMIN1.add(name)
        return fn

    return wrap


_lit, _ident = sqlfiles.lit, sqlfiles.ident


def _csv_record(cols: list[str], delim: str = ",") -> str:
    """SQL rebuilding a CSV record from VARCHAR columns, quoting where needed."""
    parts = []
    for c in cols:
        q = _ident(c)
        parts.append(
            f"CASE WHEN {q} IS NULL THEN '' WHEN regexp_matches({q}, '[{delim}\"\\n\\r]') "
            f"THEN '\"' || replace({q}, '\"', '\"\"') || '\"' ELSE {q} END"
        )
    return f"concat_ws({_lit(delim)}, {', '.join(parts)})" if parts else "''"


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _head(path: Path) -> bytes:
    """The first 64 KiB of a file."""
    with open(path, "rb") as fh:
        return fh.read(1 << 16)


# What Excel's "Unicode Text" writes first: UTF-16 with its byte order mark.
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def first_line(path: Path) -> str:
    """The first line of a text file as the stagers read it: UTF-16 by its byte order mark,
    else UTF-8 (a BOM dropped); '' for an unreadable file. For format sniffers."""
    try:
        raw = _head(path)
    except OSError:
        return ""
    if raw[:2] in UTF16_BOMS:
        text = raw[: len(raw) // 2 * 2].decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text.split("\n", 1)[0].rstrip("\r")


def _tail(path: Path) -> bytes:
    """The last 64 KiB of a file."""
    with open(path, "rb") as fh:
        fh.seek(max(0, fh.seek(0, os.SEEK_END) - (1 << 16)))
        return fh.read()


def _sniff_delimiter(path: Path) -> str:
    """The delimiter of a text table, from its header line (DuckDB's sniffer is
    thrown by ragged rows)."""
    return _delimiter_of(_head(path))


def _delimiter_of(head: bytes) -> str:
    line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def stage_csv(con: duckdb.DuckDBPyConnection, path: Path, **read_opts) -> list[str]:
    """Stage a delimited file; return its data columns.

    Creates ``stg_src`` (``_line`` plus the file's columns as VARCHAR), ``stg_raw``
    (``_line``, ``_raw``: the record rebuilt as CSV, computed only when read) and
    ``stg_csv_rejects`` (records the reader could not parse: wrong field count,
    bad encoding) as (line, reason, raw).
    """
    head = _head(path)
    copy = how = None
    if head[:2] in UTF16_BOMS:
        copy, how = utf8_copy(path, "utf-16"), "UTF-16"
    elif b"\r\r\n" in head or b"\r\r\n" in _tail(path):  # (the tail: lines appended later)
        copy, how = _single_line_endings(path), "with single line endings"
    try:
        return _stage_csv(con, copy or path, head=None if copy else head, **read_opts)
    except InputDataError as exc:
        if copy:  # name the user's file, not the copy
            exc.args = (str(exc).replace(str(copy), f"{path} (read {how})"),)
        raise
    finally:
        if copy:
            copy.unlink(missing_ok=True)


def _temp_copy(path: Path, prefix: str, fill) -> Path:
    """A file in the temp directory that ``fill(out)`` writes (binary); removed if that fails.
    The caller deletes it."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _single_line_endings(path: Path) -> Path:
    """A copy of a file whose line endings are doubled ("\\r\\r\\n": a CRLF file saved again as
    CRLF), with single ones. DuckDB's reader would end each record at the first "\\r" and
    start the next record's first field with the line feed, corrupting ids silently."""
    def fill(out):
        with open(path, "rb") as src:
            carry = b""
            for chunk in iter(lambda: src.read(1 << 22), b""):
                data = carry + chunk
                cut = len(data.rstrip(b"\r"))  # (a "\r\r" at a chunk's end may meet its "\n" in the next)
                carry = data[cut:]
                out.write(data[:cut].replace(b"\r\r\n", b"\r\n"))
            out.write(carry.replace(b"\r\r\n", b"\r\n"))

    return _temp_copy(path, "intensity-eol-", fill)


def utf8_copy(path: Path, encoding: str, *, errors: str = "replace") -> Path:
    """A UTF-8 copy of a text file in ``encoding``, in the temp directory (streamed).

    DuckDB reads UTF-8 (and strict Latin-1) only. The caller deletes the copy.
    """
    def fill(out):
        with open(path, encoding=encoding, errors=errors, newline="") as src:
            for chunk in iter(lambda: src.read(1 << 22), ""):
                out.write(chunk.encode("utf-8"))

    return _temp_copy(path, f"intensity-{encoding}-", fill)


_EXCEL_SEP = re.compile(r"sep=(.)\s*")


def _stage_csv(con: duckdb.DuckDBPyConnection, path: Path, *, head: bytes | None = None, **read_opts) -> list[str]:
    head = head if head is not None else _head(path)
    sep = _EXCEL_SEP.fullmatch(head.split(b"\n", 1)[0][:64].decode("utf-8-sig", errors="replace"))
    if sep and "delim" not in read_opts:
        # Excel's "sep=;" line names the delimiter; the header is the next line.
        read_opts = {**read_opts, "delim": sep.group(1), "skip": 1}
    delim = read_opts.pop("delim", None) or _delimiter_of(head)
    skip = int(read_opts.get("skip", 0))
    # Record numbers: the header is record 1, unless the file has none.
    first = (1 if str(read_opts.get("header", "true")).lower() == "false" else 2) + skip
    # store_rejects also keeps DuckDB's sniffer from giving up on ragged rows. A record may
    # hold up to 8 MB (DuckDB's default limit, 2 MB, failed the whole file; the sniffer's
    # time grows with the limit: 0.09 s at 2 MB, 0.16 s at 8 MB, 0.5 s at 64 MB on 400 MB).
    opts = {"all_varchar": "true", "header": "true", "delim": _lit(delim), "store_rejects": "true",
            "rejects_table": "'stg_csv_rej'", "rejects_scan": "'stg_csv_scan'", "max_line_size": str(MAX_FIELD)}
    opts.update({k: str(v) for k, v in read_opts.items()})
    # The caller's own quoting (GDELT has none) is never second-guessed.
    rfc = None if "quote" in read_opts else _rfc4180_options(path, delim, skip=skip)
    if rfc is not None and b"\r" in head and _probe(path, opts, sniff_only=True) is None:
        # The sniffer gives up on some readable files: CRLF rows followed by LF rows (lines
        # appended to an Excel export). Plain RFC 4180 quoting reads them, leniently.
        opts, rfc = {**opts, **rfc, "strict_mode": "false"}, None
    _drop_staging(con)
    try:
        _read_csv(con, path, opts)
    except duckdb.Error as exc:
        if "Maximum line size" in str(exc):
            raise InputDataError(f"cannot read {path}: a record is longer than {MAX_FIELD >> 20} MB",
                                 hint="split the long field, or check that the file's quoting is intact"
                                 ) from None
        raise InputDataError(f"cannot read {path} as delimited text: {_first_line(exc)}") from None
    rows = con.execute("SELECT count(*) FROM stg_read").fetchall()[0][0]
    if rfc is not None and _quoting_broke(con, rows):
        # One unbalanced quote makes the sniffer choose no quote character at all; then every
        # properly quoted "a, b" field splits in two and rows have "too many columns". RFC 4180
        # quoting is tried aside and kept only if it loads more rows (it can also fold many
        # lines into one rejected record: a stray quote runs to the next quote in the file).
        plain = _probe(path, {**opts, **rfc}, memory_limit=_memory_limit(con))
        if plain is not None and plain[0] > rows:
            _drop_staging(con)
            try:
                _read_csv(con, path, {**opts, **rfc})
            except duckdb.Error as exc:
                raise InputDataError(f"cannot read {path} as delimited text: {_first_line(exc)}") from None
    cols = _columns(con, "stg_read")
    con.execute(
        # One reject per record, even where the reader reports each missing column.
        "CREATE TEMP TABLE stg_csv_rejects AS SELECT line, "
        "arg_min(error_type || ': ' || error_message, column_idx) AS reason, "
        "any_value(csv_line) AS raw FROM stg_csv_rej GROUP BY line"
    )
    n_bad = con.execute("SELECT count(*) FROM stg_csv_rejects").fetchall()[0][0]
    # Rows keep file order in rowid (which starts at an offset inside a transaction).
    if n_bad == 0:
        # The offset is looked up when read: committing the staging renumbers rowid from 0.
        con.execute(f"CREATE TEMP VIEW stg_src AS SELECT rowid - (SELECT min(rowid) FROM stg_read) + {first} "
                    "AS _line, * FROM stg_read")
    else:
        # Good rows hold the record numbers the reader did not reject, from 2 (header = 1).
        base = con.execute("SELECT coalesce(min(rowid), 0) FROM stg_read").fetchall()[0][0]
        n_good = con.execute("SELECT count(*) FROM stg_read").fetchall()[0][0]
        con.execute(
            f"""
            CREATE TEMP TABLE stg_src AS
            WITH good AS (
                SELECT line, row_number() OVER (ORDER BY line) - 1 AS rid
                FROM (SELECT unnest(generate_series({first}, {n_good + n_bad + first - 1})) AS line)
                WHERE line NOT IN (SELECT line FROM stg_csv_rejects)
            )
            SELECT g.line AS _line, r.* EXCLUDE (rid)
            FROM (SELECT rowid - {base} AS rid, * FROM stg_read) AS r JOIN good AS g USING (rid)
            """
        )
    con.execute(f"CREATE TEMP VIEW stg_raw AS SELECT _line, {_csv_record(cols, delim)} AS _raw FROM stg_src")
    return cols


MAX_FIELD = 8 << 20


def _read_csv_sql(path: Path, opts: dict) -> str:
    return f"SELECT * FROM read_csv({_lit(path)}, {', '.join(f'{k}={v}' for k, v in opts.items())})"


def _read_csv(con, path: Path, opts: dict) -> None:
    con.execute(f"CREATE TEMP TABLE stg_read AS {_read_csv_sql(path, opts)}")


def _rfc4180_options(path: Path, delim: str, *, skip: int = 0) -> dict | None:
    """read_csv options for RFC 4180 quoting ('"', doubled to escape) with the sniffer off and
    the header read here; None when the header has no usable, distinct names."""
    import csv

    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        for _ in range(skip):
            fh.readline()
        try:
            header = next(csv.reader(fh, delimiter=delim), None)
        except csv.Error:
            return None
    if not header or any(not h.strip() for h in header) or len(set(header)) < len(header):
        return None
    columns = "{" + ", ".join(f"{_lit(h)}: 'VARCHAR'" for h in header) + "}"
    return {"quote": "'\"'", "escape": "'\"'", "auto_detect": "false", "columns": columns}


def _memory_limit(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _probe(path: Path, opts: dict, *, sniff_only: bool = False,
           memory_limit: str | None = None) -> tuple[int, int] | None:
    """(rows read, records rejected) with ``opts`` ((0, 0) with ``sniff_only``: the dialect is
    only detected), or None if read_csv cannot read the file at all.

    Runs on a connection of its own: inside the file's transaction a failed read would abort it.
    """
    config = {"autoinstall_known_extensions": "false"}
    if memory_limit:
        config["memory_limit"] = memory_limit
    probe = duckdb.connect(config=config)
    try:
        sql = _read_csv_sql(path, {**opts, "rejects_table": "'rj'", "rejects_scan": "'rs'"})
        if sniff_only:
            probe.execute(f"DESCRIBE {sql}").fetchall()
            return 0, 0
        rows = probe.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
        return rows, probe.execute("SELECT count(DISTINCT line) FROM rj").fetchall()[0][0]
    except duckdb.Error:
        return None
    finally:
        probe.close()


def _quoting_broke(con, rows: int) -> bool:
    """More than 10 records, and at least 1 per 100 rows read, rejected as too many or too few columns."""
    bad = con.execute("SELECT count(DISTINCT line) FROM stg_csv_rej "
                      "WHERE error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS')").fetchall()[0][0]
    return bad > 10 and bad * 100 >= rows


def stage_jsonl(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Stage JSON Lines (one VARCHAR column per key); return the keys.

    Lines that are not JSON objects go to ``stg_csv_rejects`` with their line number. A
    leading UTF-8 byte order mark (as Windows tools write) is dropped, as the CSV reader does.
    """
    _drop_staging(con)
    source, bad_lines = _utf8_lines(path)
    try:
        con.execute(
            f"""
            CREATE TEMP TABLE stg_lines AS
            WITH t AS (SELECT string_split(replace(ltrim(content, chr(65279)), chr(13), ''), chr(10)) AS ls
                       FROM read_text({_lit(source)}))
            SELECT unnest(generate_series(1, len(ls))) AS _line, unnest(ls) AS _raw FROM t
            """
        )
    except duckdb.Error as exc:
        raise InputDataError(f"cannot read {path} as JSON Lines: {_first_line(exc)}") from None
    finally:
        if source != path:
            source.unlink(missing_ok=True)
    con.execute("DELETE FROM stg_lines WHERE tidy(_raw) = ''")
    # CASE, not AND: DuckDB evaluates both sides of AND, and json_type raises on bad JSON.
    is_obj = "CASE WHEN json_valid(_raw) THEN json_type(_raw) = 'OBJECT' ELSE false END"
    con.execute(
        "CREATE TEMP TABLE stg_csv_rejects AS SELECT _line AS line, "
        "'invalid JSON: not one JSON object on this line' AS reason, _raw AS raw "
        f"FROM stg_lines WHERE NOT {is_obj}"
    )
    if bad_lines:
        con.executemany("INSERT INTO stg_csv_rejects VALUES (?, 'INVALID ENCODING: the line is not UTF-8', ?)",
                        [list(b) for b in bad_lines])
    keys = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT unnest(json_keys(_raw)) AS k FROM stg_lines WHERE {is_obj} ORDER BY k"
        ).fetchall()
    ]
    if not con.execute("SELECT count(*) FROM stg_lines").fetchall()[0][0]:
        raise InputDataError(f"{path} holds no JSON records")
    if not keys:  # e.g. one pretty-printed JSON document: "missing columns" would mislead
        raise InputDataError(f"{path} is not JSON Lines: no line holds a JSON object",
                             hint="write one object per line, e.g. jq -c '.[]' events.json > events.jsonl")
    exprs = "".join(f", _raw ->> {_lit(k)} AS {_ident(k)}" for k in keys)
    # The objects as a table, so no later filter can be pushed in front of the JSON check
    # (`->>` raises on a line that is not JSON).
    con.execute(f"CREATE TEMP TABLE stg_objs AS SELECT _line, _raw FROM stg_lines WHERE {is_obj}")
    con.execute(f"CREATE TEMP VIEW stg_src AS SELECT _line{exprs} FROM stg_objs")
    con.execute("CREATE TEMP VIEW stg_raw AS SELECT _line, _raw FROM stg_lines")
    return keys


def _utf8_lines(path: Path) -> tuple[Path, list[tuple[int, str]]]:
    """``(path, [])`` for a UTF-8 file; otherwise a temp copy with the lines that are not
    UTF-8 blanked (JSON text is UTF-8, RFC 8259) and those lines as (number, text).

    DuckDB's read_text refuses a whole file for one bad byte, and inside the file's
    transaction that failure would abort it, so the bytes are checked here first.
    """
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return path, []
    except UnicodeDecodeError:
        pass
    except OSError:
        return path, []  # read_text reports it
    bad = []

    def fill(out):
        with open(path, "rb") as src:
            for number, line in enumerate(src, 1):
                try:
                    line.decode("utf-8")
                    out.write(line)
                except UnicodeDecodeError:
                    bad.append((number, line.rstrip(b"\r\n").decode("utf-8", errors="replace")))
                    out.write(b"\n")

    return _temp_copy(path, "intensity-jsonl-", fill), bad


def stage_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Stage a Parquet file with VARCHAR columns; line = row number + 1 (as if a header)."""
    _drop_staging(con)
    src = f"read_parquet({_lit(path)}, file_row_number=true)"
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_lit(path)})").fetchall()]
        casts = "".join(f", CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in cols)
        con.execute(f"CREATE TEMP TABLE stg_read AS SELECT file_row_number + 2 AS _line{casts} FROM {src}")
    except duckdb.Error as exc:
        raise InputDataError(f"cannot read {path} as Parquet: {_first_line(exc)}") from None
    packed = ", ".join(f"{_ident(c)} := {_ident(c)}" for c in cols)
    con.execute("CREATE TEMP VIEW stg_src AS SELECT * FROM stg_read")
    con.execute(f"CREATE TEMP VIEW stg_raw AS SELECT _line, CAST(to_json(struct_pack({packed})) AS VARCHAR) AS _raw FROM stg_read")
    con.execute("CREATE TEMP TABLE stg_csv_rejects (line BIGINT, reason VARCHAR, raw VARCHAR)")
    return cols


def _canonical_mapping(cols: list[str], path: Path) -> tuple[dict[str, str], list[str]]:
    """Match source columns to canonical ones by name (case and spacing ignored)."""
    by_key = {c.strip().lower().replace(" ", "_"): c for c in cols}
    mapping = {name: _ident(by_key[name]) for name in CANONICAL_INPUT if name in by_key}
    missing = [" or ".join(group) for group in REQUIRED_ANY if not any(g in mapping for g in group)]
    if missing:
        raise InputDataError(
            f"{path} is not a canonical event file: missing column(s) {', '.join(missing)}",
            hint="canonical columns are listed in the README; other sources need --format "
            "(acled, ucdp, gdelt) or --map",
        )
    ignored = [c for k, c in by_key.items() if k not in CANONICAL_INPUT]
    return mapping, ignored


def _stage_canonical(reader: Callable[[duckdb.DuckDBPyConnection, Path], list[str]]) -> Stager:
    def stage(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
        cols = reader(con, path)
        mapping, ignored = _canonical_mapping(cols, path)
        if ignored:
            mapping["__warning__"] = "ignored column(s) not in the canonical schema: " + ", ".join(ignored)
        return mapping

    return stage


STAGERS["csv"] = _stage_canonical(stage_csv)
STAGERS["jsonl"] = _stage_canonical(stage_jsonl)
STAGERS["parquet"] = _stage_canonical(stage_parquet)


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _load_importers() -> None:
    # The source importers (ACLED, UCDP, GDELT, mapped CSV) register their stagers and
    # sniffers on import; imported here, lazily, so the canonical path stays light.
    import intensity.importers  # noqa: F401


def check_format_name(name: str) -> str:
    """``name`` if it is a registered input format, else :class:`UsageError`."""
    _load_importers()
    if name not in STAGERS:
        raise UsageError(f"unknown format {name!r}; choose from {', '.join(sorted(STAGERS))}")
    return name


def detect_format(path: Path, override: str | None = None) -> str:
    """The input format: the override, else a registered sniffer, else the extension.

    Raises:
        UsageError: ``override`` names no registered format.
        InputDataError: no sniffer knows the file and its extension is not a known one.
    """
    if override:
        return check_format_name(override)
    _load_importers()
    for sniff in SNIFFERS:
        found = sniff(path)
        if found:
            return found
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        # A fault of this file, not of the command: the other files still load.
        raise InputDataError(
            f"cannot tell the format of {path} from its extension",
            hint=f"pass --format ({', '.join(sorted(STAGERS))})",
        )
    return fmt


# Sniffers look at a file's first bytes and name a format (e.g. an ACLED header), or None.
SNIFFERS: list[Callable[[Path], str | None]] = []


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the files with known extensions under named directories.

    Hidden files and folders (a name starting with ".") found while walking a directory are
    skipped: editor swap files, .git, macOS ``._`` files. Files named directly always load.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in EXTENSIONS
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ))
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(f"no such file or directory: {p}",
                             hint="check the path (a folder loads every file in it)")
    return out


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path],
    *,
    format: str | None = None,
    strict: bool = False,
    on_file: Callable[[IngestResult], None] | None = None,
    options: dict | None = None,
) -> list[IngestResult]:
    """Load event files into ``events``, one transaction per file.

    Args:
        con: a read-write connection from :func:`intensity.connect`.
        paths: files, or directories to search for files with known extensions.
        format: force a format (``csv``, ``jsonl``, ``parquet`` or a registered importer);
            by default it is sniffed from the content or the extension.
        strict: roll a file back entirely if any of its rows is rejected.
        on_file: called with each file's result as soon as it is done.
        options: keyword arguments for the format's stager (e.g. ``spec`` for ``mapped``).

    Returns:
        One :class:`IngestResult` per file. A file that cannot be read at all has
        ``status == "error"`` and left nothing behind; other files still load.
        DuckDB's memory limit is lowered to ``INTENSITY_INGEST_MEMORY`` (default 1GB)
        while loading, so large files spill to disk instead of filling RAM.
    """
    with _memory_cap(con):
        return _ingest_files(con, paths, format=format, strict=strict, on_file=on_file, options=options)


def _ingest_files(con, paths, *, format, strict, on_file, options) -> list[IngestResult]:
    results = []
    files = expand_paths(paths)
    if format:
        check_format_name(format)  # an unknown --format fails before anything loads
    for path in files:
        res = IngestResult(path=str(path), format=format or "unknown")
        con.begin()
        try:
            fmt = res.format = detect_format(path, format)
            _check_not_empty(path)
            _ingest_one(con, path, fmt, res, strict=strict, options=options)
            if strict and res.rejected:
                _rollback(con)
                res.status = "rejected"
                res.loaded = res.replaced = res.unchanged = res.merged = res.skipped = 0
            else:
                con.commit()
        except (InputDataError, *_VALUE_ERRORS) as exc:
            _rollback(con)
            if not isinstance(exc, InputDataError):
                # A value validation let through that DuckDB cannot convert: this file fails,
                # the others still load.
                exc = InputDataError(f"{path}: a value could not be stored: {_first_line(exc)}",
                                     hint="please report this file's line to intensity; the other files loaded")
            # The result is all the caller shows of this file: keep the hint with the message.
            res.status, res.error = "error", str(exc) + (f" (hint: {exc.hint})" if exc.hint else "")
            res.loaded = res.replaced = res.unchanged = res.rejected = res.merged = res.skipped = 0
        except BaseException:
            _rollback(con)
            raise
        finally:
            _drop_staging(con)
        results.append(res)
        if on_file:
            on_file(res)
    return results


# DuckDB errors raised by a value in the file (validation should reject it first).
_VALUE_ERRORS = (duckdb.ConversionException, duckdb.OutOfRangeException)

# Files up to this size are read whole to tell a blank file from one with content.
_BLANK_CHECK_BYTES = 1 << 16


def _check_not_empty(path: Path) -> None:
    """Raise :class:`InputDataError` for a file with no content (0 bytes, or only blanks).

    Otherwise each reader words it its own way ("missing column(s) ...", "no JSON records").
    """
    size = path.stat().st_size
    if size <= _BLANK_CHECK_BYTES:
        with open(path, "rb") as fh:
            blank = not fh.read().removeprefix(b"\xef\xbb\xbf").strip()
        if blank:
            raise InputDataError(f"{path} is empty" + (f" ({size} bytes of blank space)" if size else ""))


def _rollback(con) -> None:
    try:
        con.rollback()
    except duckdb.TransactionException:
        pass  # a failed COMMIT has already ended the transaction
    try:
        restore_events_index(con)
    except duckdb.Error:
        pass  # db.connect restores it next time; the original error matters more


# DuckDB's default memory limit (80% of RAM) let a 10M-row load keep ~7 GB resident;
# under a cap, the staging tables spill to the store's temp folder instead.
INGEST_MEMORY_LIMIT = "1GB"
_UNITS = {"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20,
          "gib": 2**30, "tib": 2**40}


def _bytes(size: str) -> float | None:
    m = re.fullmatch(r"\s*([\d.]+)\s*([a-z]*)\s*", size.lower())
    return float(m.group(1)) * _UNITS[m.group(2)] if m and m.group(2) in _UNITS else None


@contextmanager
def _memory_cap(con):
    """Lower DuckDB's memory limit to ``INTENSITY_INGEST_MEMORY`` (default 1GB) while loading.

    Never raises a limit the user set lower; the old setting is restored afterwards.
    """
    want = os.environ.get("INTENSITY_INGEST_MEMORY", INGEST_MEMORY_LIMIT)
    old = _memory_limit(con)
    cap, now = _bytes(want), _bytes(old)
    if cap is None:
        raise UsageError(f"INTENSITY_INGEST_MEMORY={want!r} is not a size like 1GB or 800MB")
    if now is not None and now <= cap:
        yield
        return
    con.execute(f"SET memory_limit = {_lit(want)}")
    try:
        yield
    finally:
        # The reported setting is rounded: RESET gives the exact default back when it was that.
        con.execute("RESET memory_limit")
        if _memory_limit(con) != old:
            con.execute(f"SET memory_limit = {_lit(old)}")


_STAGING = ("stg", "stg_raw", "stg_src", "stg_read", "stg_lines", "stg_objs", "stg_csv_rejects",
            "stg_csv_rej", "stg_csv_scan", "stg_admin1_names", "staged", "stg_valid", "incoming", "stg_rejects_all")


def drop_relations(con: duckdb.DuckDBPyConnection, names) -> None:
    """Drop the named temp tables and views that exist.

    The kinds are looked up first: inside a transaction a failed DROP would abort it.
    """
    found = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp' "
        f"AND table_name IN ({', '.join(map(_lit, names))})"
    ).fetchall()
    for name, kind in found:
        con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {name}")


def _drop_staging(con) -> None:
    drop_relations(con, _STAGING)


def _ingest_one(con, path: Path, fmt: str, res: IngestResult, *, strict: bool,
                options: dict | None = None) -> None:
    # Hash the file while DuckDB reads it (hashlib releases the GIL): ~1.5 s per 400 MB.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(file_sha256, path)
        _ingest_staged(con, path, fmt, res, strict=strict, options=options, digest=digest)


def _ingest_staged(con, path: Path, fmt: str, res: IngestResult, *, strict: bool,
                   options: dict | None, digest) -> None:
    mapping = STAGERS[fmt](con, path, **(options or {}))
    if "__warning__" in mapping:
        res.warnings.append(mapping.pop("__warning__"))
    if "__note__" in mapping:
        res.notes.append(mapping.pop("__note__"))
    extra = create_stg(con, mapping)
    now = utcnow()
    load_staged(con, res, now=now, extra=extra, commit_staging=fmt not in STAGER_WRITES,
                resolve_names=fmt not in RESOLVES_ADMIN1, present=mapping)
    file_id = res.file_id
    if fmt in AFTER_LOAD:
        AFTER_LOAD[fmt](con, res, file_id=file_id)
    _warn_future_dates(con, res, now=now)

    con.execute("DELETE FROM rejects WHERE path = ?", [str(path)])
    con.execute("DELETE FROM unresolved_regions WHERE path = ?", [str(path)])
    con.execute(
        "INSERT INTO rejects SELECT ?, ?, line, reason, raw, ? FROM stg_rejects_all",
        [file_id, str(path), now],
    )
    con.execute(
        "INSERT INTO unresolved_regions SELECT ?, ?, country_iso3, admin1, count(*) FROM staged "
        "WHERE reject_reason IS NULL AND unresolved GROUP BY ALL",
        [file_id, str(path)],
    )
    res.reject_samples = [
        (line, reason)
        for line, reason in con.execute(
            "SELECT line, reason FROM stg_rejects_all ORDER BY line NULLS LAST LIMIT 10"
        ).fetchall()
    ]
    con.execute(
        "INSERT INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [file_id, str(path), digest.result(), fmt, res.rows_read, res.loaded, res.replaced,
         res.unchanged, res.rejected, res.unresolved, now],
    )


# UTC+14 is the earliest clock on Earth: a date up to its today is nobody's future.
_LATEST_ZONE = timedelta(hours=14)


def _warn_future_dates(con, res: IngestResult, *, now) -> None:
    """Warn of loaded events dated after today (kept: planned events, typos to review)."""
    today = (now + _LATEST_ZONE).date()
    n, latest = con.execute("SELECT count(*), max(day) FROM incoming WHERE day > ?", [today]).fetchall()[0]
    if n:
        res.warnings.append(f"{n} event(s) dated after today (latest {latest.isoformat()})")


def create_stg(con, mapping: dict[str, str]) -> tuple[str, ...]:
    """Create the view ``stg`` that :func:`load_staged` validates, from a stager's mapping.

    ``mapping`` maps canonical columns to SQL over ``stg_src`` (missing ones are NULL;
    values are trimmed and '' becomes NULL);
    ``"+name"`` keys are extra ``events`` columns, packed into the STRUCT ``_extra``.
    Returns the extra column names.
    """
    extra = {k[1:]: v for k, v in mapping.items() if k.startswith("+")}
    # Tidied once here ('' is NULL), so validation reads each value as it is.
    select = ", ".join(f"nullif(tidy({mapping.get(c, 'NULL')}::VARCHAR), '') AS {c}" for c in CANONICAL_INPUT)
    packed = ", ".join(f"{_ident(c)} := {expr}" for c, expr in extra.items())
    select += f", struct_pack({packed}) AS _extra" if extra else ", NULL AS _extra"
    con.execute(f"CREATE TEMP VIEW stg AS SELECT _line, {select} FROM stg_src")
    return tuple(extra)


# Canonical columns that validation passes through: NULL out wherever NULL in
# (tests/test_ingest.py checks this against staged_events.sql). One a file lacks is left out
# of `staged` and stored as NULL: in an in-memory table every NULL VARCHAR still takes ~5
# bytes, ~850 MB for the 17 such columns of a 10M-row, 8-column file.
NULL_PRESERVING = (
    "source_event_id", "admin2", "location", "latitude", "longitude", "geo_precision", "actor1",
    "actor2", "fatalities", "fatalities_low", "fatalities_high", "injured", "munitions", "weapon",
    "notes", "article_id", "confidence", "extractor_version",
)


def load_staged(con, res: IngestResult, *, now, extra: tuple[str, ...] = (),
                commit_staging: bool = False, resolve_names: bool = True,
                present: Iterable[str] | None = None) -> None:
    """Validate ``stg`` (canonical VARCHAR columns) and upsert the valid rows into ``events``.

    Needs ``stg_raw`` and ``stg_csv_rejects`` from the stager. Leaves ``staged``
    (typed rows with reasons), ``stg_rejects_all`` (line, reason, raw) and
    ``incoming`` (``_line``, ``event_id``, ``row_hash``, ``unresolved``, ``old_hash``:
    NULL for new events) behind for the caller, and fills the counts in ``res``.
    ``extra`` names further ``events`` columns, already typed, that ``stg`` carries as
    fields of its ``_extra`` STRUCT; they are stored as they are and take part in
    telling changed rows from unchanged ones (``row_hash``, :func:`intensity.db.row_hash_sql`).

    With ``commit_staging`` the temp tables built so far are committed and the writes run
    in a new transaction: DuckDB scans a table created in the running transaction on one
    thread, a committed one in parallel (a 10M-row load ran on one core). Only for stagers
    that wrote nothing to the store. A bulk load (new rows at least half the stored ones)
    also drops the unique index on ``events.event_id`` in that commit and rebuilds it after
    the append. The file id is drawn after that point, into ``res.file_id``.

    Admin1 names without a known code are looked up in ``region_aliases`` unless
    ``resolve_names`` is false (the stager has resolved them; a second pass over a
    1M-row ACLED staging cost ~0.4 s). ``present`` names the canonical columns the stager
    maps (default: all); the :data:`NULL_PRESERVING` ones it lacks are stored as NULL
    without being staged.
    """
    present = set(CANONICAL_INPUT if present is None else present)
    absent = [c for c in NULL_PRESERVING if c not in present]
    if resolve_names:
        con.execute(f"CREATE TEMP TABLE stg_admin1_names AS {sqlfiles.load('ingest', 'stg_admin1_names')}")
    else:
        con.execute("CREATE TEMP TABLE stg_admin1_names (country VARCHAR, admin1_in VARCHAR, name_code VARCHAR)")
    # The content hash covers the values as `events` will store them (typed, extras
    # included), so that db can recompute it from the stored rows.
    as_stored = ({c: _ident(c) for c in CANONICAL_INPUT if c not in absent}
                 | {c: f"_extra.{_ident(c)}" for c in extra})
    content = content_columns(con)
    hashed = [f"CAST({as_stored.get(c, 'NULL')} AS {t})" for c, t in content]
    left_out = f" EXCLUDE ({', '.join(map(_ident, absent))})" if absent else ""
    con.execute(f"CREATE TEMP TABLE staged AS SELECT *{left_out}, {row_hash_sql(hashed)} AS row_hash "
                f"FROM ({sqlfiles.load('ingest', 'staged_events')})")
    con.execute(
        """
        CREATE TEMP TABLE stg_rejects_all AS
        SELECT line, reason, raw FROM stg_csv_rejects
        UNION ALL
        SELECT s._line, s.reject_reason, r._raw
        FROM staged AS s JOIN stg_raw AS r USING (_line) WHERE s.reject_reason IS NOT NULL
        """
    )
    dups = con.execute(
        "SELECT count(*) - count(DISTINCT event_id) FROM staged WHERE reject_reason IS NULL"
    ).fetchall()[0][0]
    if dups:
        # A later row with the same event_id supersedes an earlier one in the same file.
        con.execute(
            """
            INSERT INTO stg_rejects_all
            SELECT s._line, 'duplicate event_id ' || s.event_id || ' in this file; line '
                   || s.kept || ' kept', r._raw
            FROM (SELECT _line, event_id,
                         max(_line) OVER (PARTITION BY event_id) AS kept
                  FROM staged WHERE reject_reason IS NULL) AS s
            JOIN stg_raw AS r USING (_line) WHERE s._line <> s.kept
            """
        )
        keep = "QUALIFY _line = max(_line) OVER (PARTITION BY event_id)"
    else:
        keep = ""
    valid = f"(SELECT * FROM staged WHERE reject_reason IS NULL {keep})"
    if keep:
        # Computed once: the rows to load need a window.
        con.execute(f"CREATE TEMP TABLE stg_valid AS SELECT * FROM {valid}")
        valid = "stg_valid"
    # `incoming` is narrow (what the summary and the after-load hooks read); the rows
    # themselves are read from `valid` when inserted. A wide copy here cost ~0.5 s and
    # ~250 bytes of memory per row (bench/run.py, docs/benchmarks.md).
    con.execute(
        f"""
        CREATE TEMP TABLE incoming AS
        SELECT i._line, i.event_id, i.row_hash, i.unresolved, e.row_hash AS old_hash,
               i.event_date AS day, e.event_date AS old_day, false AS stale_hash
        FROM {valid} AS i
        LEFT JOIN events AS e USING (event_id)
        """
    )
    _recheck_hash_mismatches(con, content)
    res.rows_read = con.execute("SELECT count(*) FROM staged").fetchall()[0][0] + con.execute(
        "SELECT count(*) FROM stg_csv_rejects"
    ).fetchall()[0][0]
    res.rejected = con.execute("SELECT count(*) FROM stg_rejects_all").fetchall()[0][0]
    res.unresolved, res.loaded, res.replaced, res.unchanged = con.execute(
        """
        SELECT count(*) FILTER (WHERE unresolved),
               count(*) FILTER (WHERE old_hash IS NULL),
               count(*) FILTER (WHERE old_hash <> row_hash),
               count(*) FILTER (WHERE old_hash = row_hash)
        FROM incoming
        """
    ).fetchall()[0]
    bulk = False
    if commit_staging:
        _release_source_rows(con)
        if res.loaded:
            stored = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
            bulk = res.loaded >= _REBUILD_SHARE * stored
        if bulk:
            # Committed with the staging: DuckDB still checks a unique index dropped inside
            # the running transaction. Rebuilt below; if the load fails or the process dies
            # first, _rollback or db.connect restores it.
            con.execute(f"DROP INDEX IF EXISTS {EVENTS_INDEX}")
        con.commit()
        con.begin()
    file_id = res.file_id = con.execute("SELECT nextval('ingest_file_id_seq')").fetchall()[0][0]
    if res.unchanged:
        _repair_stale_hashes(con)
    # Every extra column is written, NULL where this format has none: an event replaced by
    # another source keeps nothing of the old one (and its stored row matches its hash).
    columns = EVENT_COLUMNS + tuple(c for c, _ in content if c not in EVENT_COLUMNS)
    cols = ", ".join(_ident(c) for c in columns)

    def value(c: str) -> str:
        if c in ("file_id", "ingested_at"):
            return "?"
        if c in extra:
            return f"i._extra.{_ident(c)}"
        return "NULL" if c in absent or c not in EVENT_COLUMNS else f"i.{_ident(c)}"

    values = ", ".join(map(value, columns))
    updates = ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in columns if c != "event_id")
    # New events go in with a plain INSERT (the fast path); only changed ones need the upsert.
    if res.loaded and not (res.replaced or res.unchanged):
        con.execute(f"INSERT INTO events ({cols}) SELECT {values} FROM {valid} AS i", [file_id, now])
    elif res.loaded:
        con.execute(
            f"INSERT INTO events ({cols}) SELECT {values} FROM {valid} AS i "
            "JOIN incoming AS k USING (_line) WHERE k.old_hash IS NULL",
            [file_id, now],
        )
    if bulk:
        # Checked at commit: a duplicate key fails the whole load.
        con.execute(f"CREATE UNIQUE INDEX {EVENTS_INDEX} ON events (event_id)")
    if res.replaced:
        con.execute(
            f"""
            INSERT INTO events ({cols})
            SELECT {values} FROM {valid} AS i JOIN incoming AS k USING (_line)
            WHERE k.old_hash <> k.row_hash
            ON CONFLICT (event_id) DO UPDATE SET {updates}
            """,
            [file_id, now],
        )
    rollup.touch(con, "SELECT day FROM incoming WHERE old_hash IS DISTINCT FROM row_hash "
                      "UNION ALL SELECT old_day FROM incoming WHERE old_hash <> row_hash")
    rollup.flush(con)


def _recheck_hash_mismatches(con, content) -> None:
    """Compare a row whose stored hash differs with the hash of the stored row itself.

    A stored hash can be of another scheme while the content is the same: one written by an
    older intensity into a store a newer one has rehashed (db._refresh_row_hashes). Such a
    row counts as unchanged and its stored hash is corrected; only rows with a mismatch are
    read back.
    """
    recomputed = row_hash_sql([f"e.{_ident(c)}" for c, _ in content])
    con.execute(
        f"UPDATE incoming AS k SET old_hash = {recomputed}, stale_hash = true FROM events AS e "
        "WHERE e.event_id = k.event_id AND k.old_hash <> k.row_hash"
    )


def _repair_stale_hashes(con) -> None:
    """Store the current hash of the unchanged rows whose stored hash was of another scheme."""
    con.execute(
        "UPDATE events AS e SET row_hash = k.row_hash FROM incoming AS k "
        "WHERE e.event_id = k.event_id AND k.stale_hash AND k.old_hash = k.row_hash"
    )


# The stagers' tables of source rows as read (all VARCHAR). After validation nothing reads
# them: the importers keep what their after-load hooks need in narrow tables.
_SOURCE_TABLES = ("stg_read", "stg_lines", "stg_objs")


def _release_source_rows(con) -> None:
    """Drop the source-row tables before the writes, so that they need not share the memory
    cap with the insert (a 1M-row ACLED insert spilled ~280 MB to disk with them kept)."""
    drop_relations(con, _SOURCE_TABLES)


# A bulk load (new rows at least this share of the stored ones) drops the unique index on
# events.event_id and rebuilds it: appending to an indexed table runs on one thread.
_REBUILD_SHARE = 0.5


def iter_results_lines(results: list[IngestResult]) -> Iterator[str]:
    """Human-readable lines summarising ingest results (for logs)."""
    for r in results:
        if r.status == "error":
            yield f"{r.path}: ERROR {r.error}"
        else:
            yield (
                f"{r.path} [{r.format}]: read {r.rows_read}, loaded {r.loaded}, replaced {r.replaced}, "
                f"unchanged {r.unchanged}, rejected {r.rejected}, unresolved regions {r.unresolved}"
                + (f", skipped {r.skipped}" if r.skipped else "")
                + (f", merged {r.merged}" if r.merged else "")
                + (" (strict: nothing loaded)" if r.status == "rejected" else "")
            )


# Article files (.txt, .html, article-shaped JSON Lines) are staged by the text extractor
# (intensity.extract.store); the hook module is light and imports the extractor only when used.
from intensity.extract.hook import register as _register_articles  # noqa: E402

_register_articles(STAGERS, SNIFFERS, EXTENSIONS, STAGER_WRITES)
