"""The DuckDB event store: connections, migrations, reference data, read-only queries.

DuckDB lets one process open a file read-write, or many read-only, and nobody
waits for a lock. Writers therefore open late and close early; readers retry
with backoff; a lock held elsewhere becomes :class:`DatabaseBusy` (exit 75).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import os
import re
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from intensity import __version__
from intensity import sql as sqlfiles
from intensity.config import db_path
from intensity.errors import DatabaseBusy, StorageError, UsageError
from intensity.resources import reference_dir

# Only extensions built into the wheel may be used; never fetch one at run time.
_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
_PID_RE = re.compile(r"PID (\d+)")


def utcnow() -> datetime:
    """Naive UTC timestamp, the convention for every *_at column."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _busy(path: Path, exc: Exception) -> DatabaseBusy:
    m = _PID_RE.search(str(exc))
    return DatabaseBusy(str(path), int(m.group(1)) if m else None)


def _is_lock_error(exc: Exception) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def is_duckdb_file(path: Path) -> bool:
    """Whether ``path`` is a file starting with DuckDB's header (magic ``DUCK`` at byte 8)."""
    with open(path, "rb") as f:
        return f.read(12)[8:12] == b"DUCK"


def _check_store_path(target: Path) -> None:
    # DuckDB opens an existing .csv/.parquet/.json path as an in-memory database over that
    # file (so every write would vanish) and fails on any other foreign file with a bare
    # IOException: refuse both, and directories, before DuckDB sees them.
    if target.is_dir():
        raise UsageError(f"--db {target} is a directory, not a database file",
                         hint=f"give the store's file, e.g. --db {target / 'intensity.duckdb'}")
    if target.exists() and not is_duckdb_file(target):
        raise UsageError(f"--db {target} is not a DuckDB database file",
                         hint="--db names the event store (e.g. data/intensity.duckdb); "
                              "load data files with `intensity ingest FILE`")


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,
    create: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the event store, creating and migrating it when opened for writing.

    Args:
        path: database file; ``None`` resolves ``INTENSITY_DB`` or the default
            ``data/intensity.duckdb``. ``":memory:"`` gives a throw-away store.
        read_only: open without the write lock (many readers may share a file).
        wait: seconds to keep retrying while another process holds the lock.
            Defaults to 3 s for readers and 0 for writers, so scheduled writers
            fail fast with exit 75 and let the scheduler retry.
        create: a writer may create a missing store; false makes that an error, as it is
            for readers (a command that needs data given a mistyped --db).

    Raises:
        DatabaseBusy: another process holds the lock for longer than ``wait``.
        UsageError: ``read_only`` (or not ``create``) and the file does not exist; the path is a
            directory or a file that is not a DuckDB database.
        StorageError: the store or its folder cannot be created or opened
            (permissions, read-only file system).
    """
    target = db_path(path) if path != ":memory:" else Path(":memory:")
    in_memory = str(target) == ":memory:"
    if (read_only or not create) and not in_memory and not target.exists():
        raise UsageError(
            f"no database at {target}",
            hint="create one with `intensity ingest FILE` or `intensity demo`",
        )
    if not in_memory:
        _check_store_path(target)
    if not in_memory and not read_only:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = (f"{exc.filename} is a file, not a folder"
                   if isinstance(exc, (FileExistsError, NotADirectoryError)) else f"{exc.strerror} ({exc.filename})")
            raise StorageError(f"cannot create the folder for {target}: {why}",
                               hint="choose a writable --db path (or set INTENSITY_DB)") from None
    deadline = time.monotonic() + (wait if wait is not None else (3.0 if read_only else 0.0))
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only and not in_memory, config=_CONFIG)
            con.execute("SET enable_progress_bar = false")
            break
        except duckdb.Error as exc:
            if isinstance(exc, duckdb.IOException) and not _is_lock_error(exc):
                raise StorageError(f"cannot open database {target}: {exc}",
                                   hint="check that its folder is writable and the file is a complete store "
                                        "(or choose another --db)") from None
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise _busy(target, exc) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    if not read_only or in_memory:
        try:
            migrate(con)
        except BaseException:
            con.close()
            raise
    elif _outdated(con):
        if not _is_intensity_store(con):
            # A DuckDB file of the user's own: reading it must not write our schema into it.
            con.close()
            raise UsageError(f"{target} is a DuckDB database but not an intensity event store",
                             hint="point --db at a store made by `intensity ingest` or `intensity demo`")
        # A store written by an older version: migrate it once, then read as asked.
        con.close()
        connect(target, wait=wait).close()
        return connect(target, read_only=True, wait=wait)
    return con


def _is_intensity_store(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the open database carries intensity's migration log (``schema_version``)."""
    return bool(con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'schema_version' AND schema_name = 'main'"
    ).fetchall())


def _outdated(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        applied = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
        rollup_fp = get_meta(con, "rollup_fingerprint")
    except duckdb.CatalogException:
        return True
    from intensity import rollup

    # Not the row-hash fingerprint: only ingest reads the hashes, and it opens for writing,
    # so a DuckDB upgrade never makes a read-only command need write access.
    return not {v for v, _, _ in sqlfiles.migrations()} <= applied or rollup_fp != rollup.fingerprint()


# --------------------------------------------------------------------------- migrations


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Apply pending schema migrations, then refresh reference data and views if stale.

    Each migration runs in its own transaction and is recorded in ``schema_version``.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    applied = {v for (v,) in con.execute("SELECT version FROM schema_version").fetchall()}
    for version, name, path in sqlfiles.migrations():
        if version in applied:
            continue
        with _transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, utcnow()])
    restore_events_index(con)
    _refresh_derived(con)
    _refresh_rollup(con)
    _refresh_row_hashes(con)


# The unique index on events.event_id (migration 008). A bulk load drops it and rebuilds it
# (ingest.load_staged); if that load fails or its process dies in between, the next writer
# restores it here. Read-only connections do without it: every load is atomic.
EVENTS_INDEX = "events_event_id"


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection):
    """Run the block in its own transaction: committed if it returns, rolled back if not."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        con.rollback()
        raise


@contextmanager
def only_source(con: duckdb.DuckDBPyConnection, source: str | None):
    """Within the block, ``events`` and ``daily_rollup`` hold one source's events only.

    Temp views of those names shadow the stored tables for every unqualified read on this
    connection, so counts, detection and reports see one dataset (ACLED beside GDELT, say)
    without a filter in each SQL file. The rollup is then computed from the events (its SQL
    file), not read. ``None`` changes nothing.

    Raises:
        UsageError: the store holds no events of that source.
    """
    if source is None:
        yield None
        return
    active = _SOURCE.get()
    if active is not None:  # nested (a filtered call calling another): the views stay the outer ones
        if source.strip().lower() != active.lower():
            raise UsageError(f"already reading source {active!r} only, not {source!r}")
        yield active
        return
    known = [r[0] for r in con.execute("SELECT DISTINCT source FROM events ORDER BY 1").fetchall()]
    match = [k for k in known if k == source.strip()] or [k for k in known if k.lower() == source.strip().lower()]
    if len(match) > 1:
        raise UsageError(f"source {source!r} matches {', '.join(match)}", hint="give it as written")
    if not match:
        raise UsageError(f"no events of source {source!r} in the store",
                         hint="sources: " + (", ".join(known[:12]) + (" ..." if len(known) > 12 else "") or "none"))
    db = sqlfiles.ident(con.execute("SELECT current_database()").fetchall()[0][0])
    con.execute(f"CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM {db}.main.events "
                f"WHERE source = {sqlfiles.lit(match[0])}")
    token = _SOURCE.set(match[0])
    try:
        con.execute(f"CREATE OR REPLACE TEMP VIEW daily_rollup AS {sqlfiles.transform('daily_rollup')}")
        yield match[0]
    finally:
        _SOURCE.reset(token)
        for view in ("daily_rollup", "events"):
            try:
                con.execute(f"DROP VIEW IF EXISTS temp.{view}")
            except duckdb.Error:  # e.g. the caller's transaction aborted: keep its error, not this one
                pass


_SOURCE: contextvars.ContextVar[str | None] = contextvars.ContextVar("intensity_source", default=None)


def current_source() -> str | None:
    """The source :func:`only_source` restricts the reads to, if any (for titles and folder names)."""
    return _SOURCE.get()


def source_filtered(fn):
    """Give ``fn(con, ...)`` the keyword ``source``: run it within :func:`only_source`."""

    @functools.wraps(fn)
    def wrapper(con, *args, source: str | None = None, **kwargs):
        with only_source(con, source):
            return fn(con, *args, **kwargs)

    return wrapper


def restore_events_index(con: duckdb.DuckDBPyConnection) -> None:
    """Recreate the unique index on ``events.event_id`` if a bulk load left it dropped."""
    con.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {EVENTS_INDEX} ON events (event_id)")


def _fingerprint() -> str:
    """Hash of everything the derived objects are built from (reference CSVs, pycountry's
    ISO 3166 files, the SQL that derives them, views)."""
    from intensity.regions import pycountry_data

    h = hashlib.sha256(__version__.encode())
    for p in (sorted(reference_dir().glob("*.csv")) + sqlfiles.files("reference") + sqlfiles.files("views")
              + [pycountry_data() / "iso3166-1.json", pycountry_data() / "iso3166-2.json"]):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    fp = _fingerprint()
    rows = con.execute("SELECT value FROM meta WHERE key = 'reference_fingerprint'").fetchall()
    if rows and rows[0][0] == fp:
        return
    from intensity import regions, taxonomy

    with _transaction(con):
        taxonomy.seed(con)
        regions.seed(con)
        for name, select in sqlfiles.view_sources().items():
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {select}")
        set_meta(con, "reference_fingerprint", fp)
        set_meta(con, "intensity_version", __version__)


def _refresh_rollup(con: duckdb.DuckDBPyConnection) -> None:
    from intensity import rollup

    fp = rollup.fingerprint()
    if get_meta(con, "rollup_fingerprint") == fp:
        return
    with _transaction(con):
        rollup.rebuild(con)
        set_meta(con, "rollup_fingerprint", fp)


# --------------------------------------------------------------------------- content hash

# events columns that say how a row was loaded, not what the event is: outside its hash.
_NOT_CONTENT = ("event_id", "file_id", "row_hash", "ingested_at")
# Part of the fingerprint below: change it when row_hash_sql changes.
_ROW_HASH_SCHEME = "hash-1"


def content_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, type) of the ``events`` columns its content hash covers, in table order."""
    return [
        (name, dtype) for name, dtype in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND table_name = 'events' ORDER BY column_index"
        ).fetchall() if name not in _NOT_CONTENT
    ]


def row_hash_sql(exprs: list[str]) -> str:
    """SQL for ``events.row_hash`` over the content columns' values, in :func:`content_columns` order.

    DuckDB's ``hash()`` over the typed values, about 3x cheaper than the md5 of their text
    that ingest used before; it is not stable across DuckDB versions (duckdb/duckdb#17596),
    so the stored hashes carry a fingerprint and are recomputed when it changes.
    """
    return f"CAST(hash({', '.join(exprs)}) AS VARCHAR)"


def _row_hash_fingerprint(con: duckdb.DuckDBPyConnection, columns: list[tuple[str, str]]) -> str:
    """What the stored row hashes depend on: the scheme, hash() of one value of each column
    type (short and long strings), and the content ``columns``."""
    probe = con.execute(
        "SELECT hash('intensity', 'a value longer than twelve bytes', 1::TINYINT, 2::INTEGER, 3::BIGINT, "
        "0.5::DOUBLE, DATE '2024-03-24', TIMESTAMP '2024-03-24 12:34:56', NULL::VARCHAR)"
    ).fetchall()[0][0]
    return f"{_ROW_HASH_SCHEME} {probe} " + ",".join(f"{n}:{t}" for n, t in columns)


def _refresh_row_hashes(con: duckdb.DuckDBPyConnection) -> None:
    # Recomputed from the stored values on the first write connection after a DuckDB upgrade
    # (or this scheme's introduction), so re-loading a file still finds its rows unchanged.
    columns = content_columns(con)
    fp = _row_hash_fingerprint(con, columns)
    if get_meta(con, "row_hash_fingerprint") == fp:
        return
    with _transaction(con):
        con.execute(f"UPDATE events SET row_hash = {row_hash_sql([sqlfiles.ident(n) for n, _ in columns])}")
        set_meta(con, "row_hash_fingerprint", fp)


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one key of the ``meta`` table."""
    con.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """Read one key of the ``meta`` table, or ``None``."""
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and blocks con.sql().
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


# --------------------------------------------------------------------------- ad-hoc SQL

# Statement types an analyst may run through `intensity sql`.
_READ_TYPES = {"SELECT", "EXPLAIN", "PRAGMA", "SHOW", "DESCRIBE", "SUMMARIZE"}


def query(con: duckdb.DuckDBPyConnection, text: str, params: dict | None = None):
    """Run read-only SQL and return the last statement's result as a Polars DataFrame.

    Every statement is checked before any runs: anything but a query (INSERT,
    DROP, COPY, ATTACH, SET, ...) raises :class:`UsageError` and nothing runs.
    """
    try:
        statements = con.extract_statements(text)
    except duckdb.ParserException as exc:
        raise UsageError(f"SQL syntax error: {exc}") from None
    if not statements:
        raise UsageError("no SQL statement given")
    for st in statements:
        kind = st.type.name
        if kind not in _READ_TYPES:
            raise UsageError(
                f"refused: `intensity sql` only runs queries, and this is a {kind} statement",
                hint="the event store changes only through `intensity ingest` and friends",
            )
    for st in statements[:-1]:
        con.execute(st.query)
    try:
        rel = con.sql(statements[-1].query, params=params)
        if rel is not None and any(_as_text(t) for t in rel.types):
            # Types Polars cannot import (month_day_nano intervals, unions) or write (binary in
            # CSV) are handed over as DuckDB's text for them.
            rel = rel.select(", ".join(
                (f"CAST(#{i} AS VARCHAR)" if _as_text(t) else f"#{i}") + " AS " + sqlfiles.ident(c)
                for i, (c, t) in enumerate(zip(rel.columns, rel.types), start=1)))
        return rel.pl()
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {exc}") from None


_TEXT_TYPES = ("INTERVAL", "BLOB", "BIT", "UNION")


def _as_text(dtype) -> bool:
    return any(t in str(dtype).upper() for t in _TEXT_TYPES)
