"""The daily rollup: stored events counted per region, type, sub-type and day.

Counting a store of ten million events means grouping ten million rows; the rollup
holds about one row per series and day instead, so counts, detection and reports read
far less. It is kept exact: every write to ``events`` marks the days it touches
(:func:`touch`) and :func:`flush` recomputes those days from ``events`` in the same
transaction, so a rollback undoes both. The relation is defined by the portable
``sql/transforms/daily_rollup.sql``; when that file changes the table is rebuilt.
"""

from __future__ import annotations

import hashlib

from intensity import sql as sqlfiles

_DIRTY = "rollup_dirty"  # temp table of (lo, hi) day ranges touched in this transaction


def _select() -> str:
    return sqlfiles.transform("daily_rollup")


def fingerprint() -> str:
    """Hash of the rollup's definition; a stored rollup built from another one is rebuilt."""
    return hashlib.sha256(_select().encode()).hexdigest()


def _dirty(con) -> None:
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_DIRTY} (lo DATE, hi DATE)")


def touch(con, days_select: str, params: list | None = None) -> None:
    """Mark the days a write is about to change (or has changed).

    Args:
        con: the writer's connection, inside its transaction.
        days_select: a SELECT with one DATE column, the days concerned (old and new
            dates of replaced events, dates of deleted ones).
        params: its parameters.
    """
    _dirty(con)
    con.execute(f"INSERT INTO {_DIRTY} SELECT min(d), max(d) FROM ({days_select}) AS t(d) "
                "HAVING count(d) > 0", params or [])


def flush(con) -> None:
    """Recompute the rollup over the span of the days marked since the last flush."""
    _dirty(con)
    lo, hi = con.execute(f"SELECT min(lo), max(hi) FROM {_DIRTY}").fetchall()[0]
    con.execute(f"DELETE FROM {_DIRTY}")
    if lo is None:
        return
    con.execute("DELETE FROM daily_rollup WHERE day BETWEEN ? AND ?", [lo, hi])
    con.execute(f"INSERT INTO daily_rollup SELECT * FROM ({_select()}) WHERE day BETWEEN ? AND ?", [lo, hi])


def rebuild(con) -> None:
    """Recompute the whole rollup from ``events`` (in the caller's transaction)."""
    con.execute("DELETE FROM daily_rollup")
    con.execute(f"INSERT INTO daily_rollup SELECT * FROM ({_select()})")
